import ArgumentParser
import CutawayModel
import CutawayReaders
import CutawayRender
import CutawayGraphviz
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct LayersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layers",
        abstract: "Show an OverlayFS stack top-down and which layer each file comes from.",
        discussion: """
        TARGET, in this order (the first rule that matches decides; more than one match is \
        an error listing the candidates): an existing path (an overlay mount point); a \
        container id, ENGINENS/ID (containerd's namespace, e.g. k8s.io/4f2a...) or a prefix \
        of either; a container name; POD/CONTAINER or NAMESPACE/POD/CONTAINER (Kubernetes \
        pods; POD/sandbox is the pod's sandbox); an image reference (name:tag, busybox, \
        docker.io/library/busybox:latest) or image id prefix. With --pid, the overlay behind \
        that process's root (/) and the other overlay mounts in its mount namespace.

        Engines (Docker, podman, containerd) are read from their stores on disk; the daemon \
        need not run. What is trusted: a store is read only beneath its root (a layer or \
        record that resolves outside it is refused and shown as such); a store counts when \
        root owns it and nobody else can write it; a rootless user's podman store is shown \
        labelled as that user's; a store named on a daemon's command line counts only when \
        that process runs as root from a root-owned executable named dockerd, containerd, \
        podman or conmon that nobody else can write; --engine-root DIR is read because you \
        name it. cutaway runs as root among files others own: this keeps their records from \
        making it read anything else.

        Examples:
          cutaway layers /tmp/demo/merged
          cutaway layers /tmp/demo/merged --path /c/d.txt   which layer provides it
          cutaway layers /tmp/demo/merged --files           every path and its layer
          cutaway layers --pid 1234 --json
          cutaway layers my-container --format svg,png      draw it
          cutaway layers web-0/app                          a container of a pod
          cutaway layers nginx:latest --files
        """
    )

    @Argument(help: ArgumentHelp("An overlay mount point, a container (id, name, POD/CONTAINER) or an image.", valueName: "TARGET"))
    var target: String?

    @Option(help: ArgumentHelp("Another engine store to read (a Docker --data-root, podman --root, containerd root or state).", valueName: "DIR"))
    var engineRoot: [String] = []

    @Option(help: "A process: the overlay behind its root and the other overlays of its mount namespace.")
    var pid: Int32?

    @Option(help: ArgumentHelp("Explain one path of the merged view (absolute inside it, e.g. /c/d.txt).", valueName: "P"))
    var path: String?

    @Flag(help: "List every path of the merged view with its layer, and what each layer adds, changes and deletes.")
    var files = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var source: SourceOptions

    @OptionGroup var diagram: DiagramOptions

    func validate() throws {
        if (target == nil) == (pid == nil) { throw ValidationError("give either TARGET (an overlay mount point) or --pid PID") }
        if let path, !path.hasPrefix("/") { throw ValidationError("--path takes an absolute path inside the merged view, e.g. /c/d.txt") }
    }

    /// What `layers` found: the stacks to show, with their titles, and the container or image
    /// TARGET named (a container comes with the index its anatomy is described from).
    private struct Found {
        var inspections: [(OverlayInspection, String)] = []
        var container: (Container, SnapshotIndex)?
        var image: EngineImage?
    }

    func run() throws {
        let found = try plainOverlayMount() ?? find()
        let inspections = found.inspections
        let image = found.image

        if diagram.wantsDiagram {
            for (n, (inspection, title)) in inspections.enumerated() {
                let name = found.container.map { "container-\($0.0.name)" } ?? "overlay-\(n)"
                let picture = OverlayPicture(name: name, title: title, inspection: inspection)
                if n == 0, let (container, index) = found.container {
                    for path in try diagram.write(ContainerDiagram.dot(container, picture: picture, index: index), name: name) { print("wrote \(path)") }
                    for path in try diagram.write(OverlayDiagram.dot(picture), name: "overlay-\(container.name)") { print("wrote \(path)") }
                } else {
                    for path in try diagram.write(OverlayDiagram.dot(picture), name: name) { print("wrote \(path)") }
                }
            }
        } else if json {
            var objects = inspections.map { LayersJSON(inspection: $0.0, files: files, path: path.map { ByteString($0) }) }
            let first = objects.removeFirst()
            var extra: [String: AnyEncodable] = ["otherOverlays": AnyEncodable(objects)]
            if let (container, index) = found.container { extra["container"] = AnyEncodable(ContainerJSON(container: container, index: index)) }
            if let image { extra["image"] = AnyEncodable(ImageJSON(image: image)) }
            try JSONOutput.print(Wrapped(key: "overlay", value: first, extra: extra).flattened())
        } else {
            var out = ""
            for (n, (inspection, title)) in inspections.enumerated() {
                if n > 0 { out += "\n" }
                out += LayersReport.render(inspection, title: title)
                if n == 0, let (container, index) = found.container { out += "\n" + ContainerReport.anatomy(container, index: index) }
                if let path { out += "\n" + LayersReport.explain(inspection.explain(ByteString(path)), inspection.stack) }
                if files { out += LayersReport.files(inspection) }
            }
            FileHandleOutput.standardOutput(out)
        }
    }

    /// A plain overlay mount point on the live host (no engine layout, no --engine-root) needs
    /// neither the scan of /proc nor the engines: only cutaway's own mountinfo.
    private func plainOverlayMount() -> Found? {
        guard pid == nil, engineRoot.isEmpty, source.captureDirectory == nil, source.snapshotFile == nil,
              let target, target.hasPrefix("/") || target.hasPrefix("."),
              let stack = OverlayReader.plainOverlay(mountedAt: Self.canonical(target)) else { return nil }
        return Found(inspections: [(OverlayReader.inspect(stack), "Overlay mounted at \(stack.mergedDir) (mount \(stack.mountID) in mnt:\(stack.mountNamespace))")])
    }

    /// Everything else: TARGET or --pid resolved against a scan (or capture, or saved snapshot)
    /// and the engines' stores.
    private func find() throws -> Found {
        let snapshot = try source.load(engines: false)
        let index = SnapshotIndex(snapshot)
        var inspections: [(OverlayInspection, String)] = []
        var container: Container?
        var image: EngineImage?
        if let pid {
            guard let p = index.process(pid) else { throw CutawayFailure("no process \(pid) (it may have exited; `cutaway namespaces` lists what is visible)") }
            guard let mnt = p.namespaces[.mnt], let table = index.mountTable(mnt) else {
                throw CutawayFailure("the mount table of pid \(pid) could not be read (permission denied or a zombie; run as root)")
            }
            let stacks = try stacks(in: table)
            guard !stacks.isEmpty else { throw CutawayFailure("pid \(pid) has no overlay mounts in its mount namespace mnt:\(mnt): its root is not an overlay") }
            // The root mount comes first: the pivot_root target, the container's `/`.
            let ordered = stacks.sorted { ($0.mergedDir == "/" ? 0 : 1) < ($1.mergedDir == "/" ? 0 : 1) }
            for stack in ordered {
                let title = stack.mergedDir == "/"
                    ? "The root (/) of pid \(pid) (\(p.command)) is an overlay: its mount namespace mnt:\(mnt) pivoted into the merged dir (mount \(stack.mountID))"
                    : "Overlay mounted at \(stack.mergedDir) in pid \(pid)'s mount namespace (mount \(stack.mountID))"
                inspections.append((OverlayReader.inspect(stack), title))
            }
        } else if let target {
            let live = source.captureDirectory == nil && source.snapshotFile == nil
            let inventory = live ? EngineDiscovery.discover(snapshot: snapshot, extraRoots: engineRoot)
                                 : EngineInventory(containers: snapshot.containers)
            for note in inventory.notes { FileHandleOutput.standardError("note: \(note)\n") }
            let resolveRelative = EngineDiscovery.resolver(for: inventory)
            // Layers are read from this machine's disk only for the live system: a capture or a
            // saved snapshot may come from another machine, and its paths are not this one's.
            let inspect: (OverlayStack) -> OverlayInspection = { stack in
                live ? OverlayReader.inspect(stack, resolveRelative: resolveRelative)
                     : OverlayInspection(stack: stack, indexes: stack.layers.map { _ in nil })
            }
            guard let own = snapshot.reader.namespaces[.mnt], let table = index.mountTable(own) else {
                throw CutawayFailure("cannot read cutaway's own mount table")
            }
            let hostStacks = try stacks(in: table)
            let resolved: ResolvedTarget
            do {
                resolved = try TargetResolver(containers: inventory.containers, images: inventory.images)
                    .resolve(target, pathExists: { live && FileManager.default.fileExists(atPath: $0) })
            } catch .notFound {
                let where_ = inventory.stores.isEmpty ? (live ? "no container engine store was found" : "the snapshot records no container")
                    : "searched " + inventory.stores.joined(separator: ", ")
                throw CutawayFailure("\(target) is neither an overlay mount point nor a container or image (\(where_)); give a path, a container id, name or POD/CONTAINER, an image, or --engine-root DIR")
            } catch { throw CutawayFailure(error.description) }
            switch resolved {
            case .path(let path):
                let wanted = live ? Self.canonical(path) : ByteString(path)
                guard let stack = hostStacks.last(where: { $0.mergedDir == wanted }) else {
                    throw CutawayFailure("\(target) is not the mount point of an overlay mount; `cutaway mounts` lists the mounts (fstype overlay)")
                }
                var annotated = stack
                if let c = inventory.containers.first(where: { $0.mergedDir.map { ByteString(Self.canonical($0).bytes) } == stack.mergedDir }) {
                    OverlayReader.annotate(&annotated, with: c)
                }
                inspections.append((inspect(annotated), "Overlay mounted at \(stack.mergedDir) (mount \(stack.mountID) in mnt:\(stack.mountNamespace))"))
            case .container(let c):
                container = c
                // The kernel's own stack where the overlay is mounted; the engine's records otherwise.
                var stack = c.mergedDir.flatMap { dir in hostStacks.last { $0.mergedDir == ByteString(dir) } }
                    ?? containerRootStack(c, index: index)
                    ?? OverlayStack(mountNamespace: 0, mountID: 0, mergedDir: ByteString(c.mergedDir ?? ""), layers: c.layers,
                                    workDir: c.workDir.map { ByteString($0) }, switches: [], usesLayerAppendOptions: false)
                OverlayReader.annotate(&stack, with: c)
                inspections.append((inspect(stack), ContainerReport.title(c)))
            case .image(let found):
                image = found
                let image = found
                let stack = OverlayStack(mountNamespace: 0, mountID: 0, mergedDir: "", layers: image.layers, workDir: nil, switches: [], usesLayerAppendOptions: false)
                let unpacked = image.layers.isEmpty ? " (not unpacked for the overlay snapshotter: no layers on disk)" : ""
                inspections.append((inspect(stack), "\(image.engine.rawValue) image \(image.names.first ?? image.id) (\(image.id.trimmingPrefix("sha256:").prefix(12))): \(image.layers.count) read-only layers, one per file-changing build step" + unpacked))
            }
        }
        return Found(inspections: inspections, container: container.map { ($0, index) }, image: image)
    }

    private func stacks(in table: MountTable) throws -> [OverlayStack] {
        try OverlayReader.stacks(in: table).map { entry in
            switch entry.stack {
            case .success(let s): return s
            case .failure(let e): throw CutawayFailure("overlay mount \(entry.mount.id) at \(entry.mount.mountPoint): \(e)")
            }
        }
    }

    /// The root overlay of a running container's own mount namespace (containerd tasks).
    private func containerRootStack(_ c: Container, index: SnapshotIndex) -> OverlayStack? {
        guard let pid = c.pid, let mnt = index.process(pid)?.namespaces[.mnt], let table = index.mountTable(mnt),
              let root = table.mounts.last(where: { $0.mountPoint == "/" }), root.fsType == "overlay" else { return nil }
        return try? OverlayOptionsParser.stack(of: root, in: mnt)
    }

    /// The absolute, symlink-free form of a path, as mountinfo shows mount points.
    static func canonical(_ path: String) -> ByteString {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return ByteString(String(cString: resolved))
        }
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return ByteString(p)
    }
}

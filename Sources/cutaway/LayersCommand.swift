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
        TARGET is the mount point of an overlay mount, a Docker, podman or containerd
        container (name or id prefix), or an image name (name:tag or id prefix). With --pid, the
        overlay behind that process's root (/) and any other overlay mounts in its mount namespace.
        Engines are read from their stores on disk (the daemon need not run); --engine-root adds
        a store cutaway does not find by itself.

        Examples:
          cutaway layers /tmp/demo/merged
          cutaway layers /tmp/demo/merged --path /c/d.txt   who provides it, what it hides
          cutaway layers /tmp/demo/merged --files           every path and its layer
          cutaway layers --pid 1234 --json
          cutaway layers my-container --format svg,png      draw it
          cutaway layers nginx:latest --files
        """
    )

    @Argument(help: ArgumentHelp("An overlay mount point, a container (name or id prefix) or an image.", valueName: "TARGET"))
    var target: String?

    @Option(help: ArgumentHelp("Another container engine store to read (e.g. a Docker --data-root).", valueName: "DIR"))
    var engineRoot: [String] = []

    @Option(help: "A process: the overlay behind its root and the other overlays of its mount namespace.")
    var pid: Int32?

    @Option(help: ArgumentHelp("Explain one path of the merged view (absolute inside it, e.g. /c/d.txt).", valueName: "P"))
    var path: String?

    @Flag(help: "List every path of the merged view with its layer, and what each layer adds, changes and deletes.")
    var files = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var diagram: DiagramOptions

    func validate() throws {
        if (target == nil) == (pid == nil) { throw ValidationError("give either TARGET (an overlay mount point) or --pid PID") }
        if let path, !path.hasPrefix("/") { throw ValidationError("--path takes an absolute path inside the merged view, e.g. /c/d.txt") }
    }

    func run() throws {
        let snapshot = SnapshotScanner(source: DirectoryProcSource.live()).scan()
        let index = SnapshotIndex(snapshot)
        var inspections: [(OverlayInspection, String)] = []
        var container: Container?
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
            let inventory = EngineDiscovery.discover(snapshot: snapshot, extraRoots: engineRoot)
            let resolveRelative = EngineDiscovery.resolver(for: inventory)
            guard let own = snapshot.reader.namespaces[.mnt], let table = index.mountTable(own) else {
                throw CutawayFailure("cannot read cutaway's own mount table")
            }
            let hostStacks = try stacks(in: table)
            if target.hasPrefix("/") || target.hasPrefix(".") {
                let wanted = Self.canonical(target)
                guard let stack = hostStacks.last(where: { $0.mergedDir == wanted }) else {
                    throw CutawayFailure("\(target) is not the mount point of an overlay mount; `cutaway mounts` lists the mounts (fstype overlay)")
                }
                var annotated = stack
                if let c = inventory.containers.first(where: { $0.mergedDir.map { ByteString(Self.canonical($0).bytes) } == stack.mergedDir }) {
                    OverlayReader.annotate(&annotated, with: c)
                }
                inspections.append((OverlayReader.inspect(annotated, resolveRelative: resolveRelative), "Overlay mounted at \(stack.mergedDir) (mount \(stack.mountID) in mnt:\(stack.mountNamespace))"))
            } else if let c = try Self.container(target, in: inventory) {
                container = c
                // The kernel's own stack where the overlay is mounted; the engine's records otherwise.
                var stack = c.mergedDir.flatMap { dir in hostStacks.last { $0.mergedDir == ByteString(dir) } }
                    ?? containerRootStack(c, index: index)
                    ?? OverlayStack(mountNamespace: 0, mountID: 0, mergedDir: ByteString(c.mergedDir ?? ""), layers: c.layers,
                                    workDir: c.workDir.map { ByteString($0) }, switches: [], usesLayerAppendOptions: false)
                OverlayReader.annotate(&stack, with: c)
                inspections.append((OverlayReader.inspect(stack, resolveRelative: resolveRelative), ContainerReport.title(c)))
            } else if let image = try Self.image(target, in: inventory) {
                let stack = OverlayStack(mountNamespace: 0, mountID: 0, mergedDir: "", layers: image.layers, workDir: nil, switches: [], usesLayerAppendOptions: false)
                inspections.append((OverlayReader.inspect(stack), "\(image.engine.rawValue) image \(image.names.first ?? image.id) (\(image.id.trimmingPrefix("sha256:").prefix(12))): \(image.layers.count) read-only layers, one per file-changing build step"))
            } else {
                let where_ = inventory.stores.isEmpty ? "no container engine store was found" : "searched " + inventory.stores.joined(separator: ", ")
                throw CutawayFailure("\(target) is neither an overlay mount point nor a container or image (\(where_)); give a path, a container name or id, or --engine-root DIR")
            }
        }

        if diagram.wantsDiagram {
            for (n, (inspection, title)) in inspections.enumerated() {
                let name = container.map { "container-\($0.name)" } ?? "overlay-\(n)"
                let picture = OverlayPicture(name: name, title: title, inspection: inspection)
                if n == 0, let container {
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
            if let container { extra["container"] = AnyEncodable(ContainerJSON(container: container, index: index)) }
            try JSONOutput.print(Wrapped(key: "overlay", value: first, extra: extra).flattened())
        } else {
            var out = ""
            for (n, (inspection, title)) in inspections.enumerated() {
                if n > 0 { out += "\n" }
                out += LayersReport.render(inspection, title: title)
                if n == 0, let container { out += "\n" + ContainerReport.anatomy(container, index: index) }
                if let path { out += "\n" + LayersReport.explain(inspection.explain(ByteString(path)), inspection.stack) }
                if files { out += LayersReport.files(inspection) }
            }
            FileHandleOutput.standardOutput(out)
        }
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

    /// A container by exact name, exact id, or unique id prefix.
    static func container(_ key: String, in inventory: EngineInventory) throws -> Container? {
        if let exact = inventory.containers.first(where: { $0.name == key || $0.id == key }) { return exact }
        let byPrefix = inventory.containers.filter { $0.id.hasPrefix(key) }
        if byPrefix.count > 1 { throw CutawayFailure("\(key) matches \(byPrefix.count) containers (\(byPrefix.map(\.shortID).joined(separator: ", "))); give more of the id") }
        return byPrefix.first
    }

    /// An image by name (`name`, `name:tag`, podman's `localhost/name:tag`) or unique id prefix.
    static func image(_ key: String, in inventory: EngineInventory) throws -> EngineImage? {
        let tagged = key.contains(":") ? key : key + ":latest"
        if let exact = inventory.images.first(where: { $0.names.contains(tagged) || $0.names.contains("localhost/" + tagged) }) { return exact }
        let bare = key.trimmingPrefix("sha256:")
        let byPrefix = inventory.images.filter { $0.id.trimmingPrefix("sha256:").hasPrefix(bare) }
        if byPrefix.count > 1 { throw CutawayFailure("\(key) matches \(byPrefix.count) images; give more of the id") }
        return byPrefix.first
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

/// The JSON of one inspected overlay (README: `cutaway layers --json`).
struct LayersJSON: Encodable {
    var inspection: OverlayInspection
    var files: Bool
    var path: ByteString?

    func encode(to encoder: any Encoder) throws {
        let stack = inspection.stack
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(stack.mergedDir, named: "mergedDir")
        try c.encode(stack.mountID, forKey: "mountId")
        try c.encode(stack.mountNamespace, forKey: "mountNamespace")
        if let w = stack.workDir { try c.encode(w, named: "workDir") } else { try c.encodeNil(forKey: "workDir") }
        try c.encode(stack.switches, forKey: "switches")
        try c.encode(stack.usesLayerAppendOptions, forKey: "usesLayerAppendOptions")
        var layers = c.nestedUnkeyedContainer(forKey: "layers")
        for (i, layer) in stack.layers.enumerated() {
            var l = layers.nestedContainer(keyedBy: AnyCodingKey.self)
            try l.encode(i, forKey: "index")
            try l.encode(layer.role, forKey: "role")
            try l.encode(layer.resolvedPath ?? layer.path, named: "path")
            try l.encode(layer.path, named: "givenPath")
            try l.encode(layer.resolvedPath == nil, forKey: "relative")
            try l.encodeOrNull(layer.engine, forKey: "engine")
            try l.encodeOrNull(inspection.indexes[i]?.fileCount, forKey: "files")
            try l.encodeOrNull(inspection.indexes[i]?.totalBytes, forKey: "bytes")
            try l.encode(inspection.indexes[i]?.problems ?? (layer.resolvedPath == nil ? ["relative path not resolved"] : []), forKey: "problems")
        }
        if files {
            var entries = c.nestedUnkeyedContainer(forKey: "entries")
            for e in inspection.resolution.entries where e.path != "/" {
                var o = entries.nestedContainer(keyedBy: AnyCodingKey.self)
                try o.encode(e.path, named: "path")
                try o.encode(e.kind.rawValue, forKey: "type")
                try o.encode(e.layer, forKey: "layer")
                try o.encode(e.sourcePath, named: "layerPath")
                try o.encodeOrNull(e.dataLayer, forKey: "dataLayer")
                try o.encode(e.hidden, forKey: "hides")
            }
            var changes = c.nestedUnkeyedContainer(forKey: "layerChanges")
            for i in stack.layers.indices where stack.layers[i].role != .data {
                let ch = inspection.resolution.changes(ofLayer: i)
                var o = changes.nestedContainer(keyedBy: AnyCodingKey.self)
                try o.encode(i, forKey: "layer")
                try o.encode(ch.adds, named: "adds")
                try o.encode(ch.changes, named: "changes")
                try o.encode(ch.deletes, named: "deletes")
            }
        }
        if let path {
            let e = inspection.explain(path)
            var o = c.nestedContainer(keyedBy: AnyCodingKey.self, forKey: "explanation")
            try o.encode(path, named: "path")
            switch e.verdict {
            case .provided(let layer, let kind, let dataLayer, let hides):
                try o.encode("provided", forKey: "verdict"); try o.encode(layer, forKey: "layer"); try o.encode(kind.rawValue, forKey: "type")
                try o.encodeOrNull(dataLayer, forKey: "dataLayer"); try o.encode(hides, forKey: "hides")
            case .deleted(let layer, let xattr, let hides):
                try o.encode(xattr ? "deletedByXattrWhiteout" : "deletedByWhiteout", forKey: "verdict"); try o.encode(layer, forKey: "layer"); try o.encode(hides, forKey: "hides")
            case .hiddenByOpaqueDirectory(let dir, let layer, let present):
                try o.encode("hiddenByOpaqueDirectory", forKey: "verdict"); try o.encode(dir, named: "directory"); try o.encode(layer, forKey: "layer"); try o.encode(present, forKey: "presentIn")
            case .hiddenByDeletedDirectory(let dir, let layer, let present):
                try o.encode("hiddenByDeletedDirectory", forKey: "verdict"); try o.encode(dir, named: "directory"); try o.encode(layer, forKey: "layer"); try o.encode(present, forKey: "presentIn")
            case .hiddenByFile(let p, let layer, let present):
                try o.encode("hiddenByFile", forKey: "verdict"); try o.encode(p, named: "directory"); try o.encode(layer, forKey: "layer"); try o.encode(present, forKey: "presentIn")
            case .absent:
                try o.encode("absent", forKey: "verdict")
            case .notVisible(let present):
                try o.encode("notVisible", forKey: "verdict"); try o.encode(present, forKey: "presentIn")
            }
            try o.encode(LayersReport.explain(e, stack).trimmingCharacters(in: .newlines), forKey: "text")
        }
    }
}

/// `"container"` in `cutaway layers CONTAINER --json`.
struct ContainerJSON: Encodable {
    var container: Container
    var index: SnapshotIndex

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(container.engine, forKey: "engine")
        try c.encode(container.id, forKey: "id")
        try c.encode(container.name, forKey: "name")
        try c.encodeOrNull(container.image, forKey: "image")
        try c.encodeOrNull(container.imageID, forKey: "imageID")
        try c.encodeOrNull(container.pid, forKey: "pid")
        try c.encodeOrNull(container.mergedDir, forKey: "mergedDir")
        try c.encode(container.bindMounts, forKey: "bindMounts")
        try c.encode(container.namespaces, forKey: "namespaces")
        let reader = index.snapshot.reader.namespaces
        try c.encode(NamespaceType.allCases.filter { container.namespaces[$0] != nil && container.namespaces[$0] == reader[$0] }, forKey: "sharedWithHost")
        let mnt = container.namespaces[.mnt]
        let root = mnt.flatMap { index.mountTable($0) }?.mounts.last { $0.mountPoint == "/" }
        try c.encode(root?.fsType == "overlay", forKey: "rootIsOverlay")
        try c.encodeOrNull(container.pid.flatMap { index.process($0)?.innermostPID }, forKey: "pidInside")
    }
}

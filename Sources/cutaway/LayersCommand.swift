import ArgumentParser
import CutawayModel
import CutawayReaders
import CutawayRender

struct LayersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layers",
        abstract: "Show an OverlayFS stack top-down and which layer each file comes from.",
        usage: "cutaway layers [<TARGET> | --pid <PID>] [--files] [<options>]",
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

    @Option(help: ArgumentHelp("A process: the overlay behind its root and the other overlays of its mount namespace.", valueName: "PID"))
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

    func run() throws {
        let finding = try find()
        if diagram.wantsDiagram {
            for (name, dot) in LayersFindingDiagrams.dots(finding) {
                for path in try diagram.write(dot, name: name) { print("wrote \(path)") }
            }
        } else if json {
            try JSONOutput.print(LayersFindingJSON(finding, files: files, path: path.map { ByteString($0) }))
        } else {
            FileHandleOutput.standardOutput(LayersFindingReport.render(finding, path: path.map { ByteString($0) }, files: files))
        }
    }

    /// A plain overlay mount point on the live host (no engine layout, no --engine-root) needs
    /// neither the scan of /proc nor the engines: only cutaway's own mountinfo. Everything else
    /// is resolved against a scan (or capture, or saved snapshot) and the engines' stores.
    private func find() throws -> LayersFinding {
        let live = source.captureDirectory == nil && source.snapshotFile == nil
        if pid == nil, engineRoot.isEmpty, live, let target, let plain = LayersFinder.plainOverlay(at: target) { return plain }
        let snapshot = try source.load(engines: false)
        do {
            if let pid { return try LayersFinder.find(pid: pid, in: snapshot) }
            return try LayersFinder.find(target: target ?? "", in: snapshot, live: live, engineRoots: engineRoot) {
                FileHandleOutput.standardError("note: \($0)\n")
            }
        } catch { throw CutawayFailure(error.description) }
    }
}

import ArgumentParser
import CutawayModel
import CutawayRender

struct IPCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipc",
        abstract: "Show what is inside IPC namespaces: System V objects and POSIX message queues.",
        discussion: """
        For every IPC namespace (or one: --pid, --ns): its System V shared memory segments,
        semaphore sets and message queues (key, id, size or count, owner uid, attaches), as
        `ipcs` would show them inside it, and its POSIX message queues, read from an mqueue
        mount of that namespace that already exists somewhere (cutaway mounts nothing; where
        there is none, the queues are reported as unknown). Live only.

        Examples:
          cutaway ipc                        every IPC namespace
          cutaway ipc --pid 1234             the namespace of pid 1234
          cutaway ipc --json                 {"ipc": [...], "visibility": {...}}
          cutaway ipc --format png           draw it: output/ipc.png
        """
    )

    @OptionGroup var selection: NamespaceSelection

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var source: SourceOptions

    @OptionGroup var diagram: DiagramOptions

    func run() throws {
        let snapshot = try source.load()
        let inode = try selection.inode(.ipc, in: snapshot)
        let namespaces = snapshot.ipc.filter { inode == nil || $0.namespace == inode }
        let unread = snapshot.visibility.ipcUnread.filter { inode == nil || $0.namespace == inode }
        if diagram.wantsDiagram {
            let name = inode.map { "ipc-\($0)" } ?? "ipc"
            for path in try diagram.write(IPCDiagram.dot(snapshot, focus: inode), name: name) { print("wrote \(path)") }
        } else if json {
            FileHandleOutput.standardOutput(try JSONOutput.string(Wrapped(key: "ipc", value: namespaces, extra: ["visibility": AnyEncodable(snapshot.visibility)])))
        } else {
            FileHandleOutput.standardOutput(IPCReport.render(namespaces, unread: unread, snapshot: snapshot))
        }
    }
}

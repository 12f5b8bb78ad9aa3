import ArgumentParser
import CutawayModel
import CutawayRender

struct IPCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipc",
        abstract: "Show what is inside IPC namespaces: System V objects and POSIX message queues.",
        usage: "cutaway ipc [--pid <PID> | --ns <INODE>] [--json] [<options>]",
        discussion: """
        For every IPC namespace (or one: --pid, --ns): its System V shared memory \
        segments, semaphore sets and message queues (key, id, size or count, \
        owner uid, attaches), as `ipcs` would show them inside it, and its POSIX \
        message queues, read from an mqueue mount of that namespace that already \
        exists somewhere (cutaway mounts nothing; where there is none, the queues \
        are reported as unknown). Live only.

        Examples:
          cutaway ipc                        every IPC namespace
          cutaway ipc --pid 1234             the namespace of pid 1234
          cutaway ipc --json                 {"ipc": [...], "visibility": {...}}
          cutaway ipc --format png           draw it: output/ipc.png
        """
    )

    @OptionGroup var options: NamespaceContentsOptions

    func run() throws {
        try NamespaceContentsView(type: .ipc, key: "ipc", diagramName: "ipc", items: \.ipc, namespace: \.namespace,
                                  unread: \.ipcUnread, dot: { IPCDiagram.dot($0, focus: $1, readerName: $2) }, text: IPCReport.render)
            .run(options)
    }
}

import CutawayModel

/// The IPC summary (an IPC namespace has its own System V objects and POSIX message queues:
/// ipc_namespaces(7)): one box per IPC namespace with a table of what is in it.
/// Namespaces with nothing in them are folded into one node. `readerName` is what cutaway's
/// own namespace is called ("host"; "lesson sandbox" in a lesson).
public enum IPCDiagram {
    /// The diagram of `snapshot`'s IPC namespaces (only the one with inode `focus`, when given),
    /// at most `limit` boxes.
    public static func dot(_ snapshot: Snapshot, focus: UInt64? = nil, limit: Int = 40, readerName: String = "host") -> String {
        let index = SnapshotIndex(snapshot)
        let hostIPC = snapshot.reader.namespaces[.ipc]
        let unknown = Set(snapshot.visibility.posixMessageQueuesUnknown.map(\.namespace))
        var g = DOTGraph()
        g.graphAttributes([("rankdir", "LR"), ("fontname", Palette.font), ("fontsize", "11"), ("labelloc", "t"),
                           ("label", "IPC namespaces of \(snapshot.hostname): each has its own System V objects and POSIX message queues")])
        g.nodeDefaults([("shape", "plaintext"), ("fontname", Palette.font), ("fontsize", "10")])
        var selected = snapshot.ipc.filter { focus == nil || $0.namespace == focus }
        let empty = selected.filter { $0.isEmpty && $0.namespace != hostIPC && $0.namespace != focus }
        if empty.count > 1 {
            let folded = Set(empty.map(\.namespace))
            selected = selected.filter { !folded.contains($0.namespace) }
        }
        let more = max(0, selected.count - limit)
        for ipc in selected.prefix(limit) {
            let title = DOT.html(DOT.middleTruncated(NetworkReport.label(.ipc, ipc.namespace, index: index, readerName: readerName), max: 70))
            var rows = ["<TR><TD COLSPAN=\"5\" BGCOLOR=\"\(Palette.fill(.ipc))\"><B>\(title)</B></TD></TR>"]
            func section(_ name: String, _ headers: [String], _ cells: [[String]]) {
                rows.append("<TR><TD COLSPAN=\"5\" ALIGN=\"LEFT\"><I>\(DOT.html(name))\(cells.isEmpty ? ": none" : "")</I></TD></TR>")
                guard !cells.isEmpty else { return }
                let pad = { (r: [String]) in r + Array(repeating: "", count: max(0, 5 - r.count)) }
                rows.append("<TR>" + pad(headers).map { $0.isEmpty ? "<TD></TD>" : "<TD><FONT POINT-SIZE=\"8\">\(DOT.html($0))</FONT></TD>" }.joined() + "</TR>")
                for r in cells.prefix(8) { rows.append("<TR>" + pad(r).map { "<TD>\(DOT.html($0))</TD>" }.joined() + "</TR>") }
                if cells.count > 8 { rows.append("<TR><TD COLSPAN=\"5\">+\(cells.count - 8) more</TD></TR>") }
            }
            section("System V shared memory", ["key", "id", "bytes", "owner uid", "attached"],
                    ipc.sharedMemory.map { [IPCReport.key($0.key), String($0.id), String($0.bytes), String($0.ownerUID), String($0.attached)] })
            section("System V semaphore sets", ["key", "id", "semaphores", "owner uid"],
                    ipc.semaphoreSets.map { [IPCReport.key($0.key), String($0.id), String($0.semaphores), String($0.ownerUID)] })
            section("System V message queues", ["key", "id", "messages", "bytes", "owner uid"],
                    ipc.messageQueues.map { [IPCReport.key($0.key), String($0.id), String($0.messages), String($0.bytes), String($0.ownerUID)] })
            if let queues = ipc.posixMessageQueues {
                section("POSIX message queues", ["name"], queues.map { ["/" + $0.description] })
            } else {
                rows.append("<TR><TD COLSPAN=\"5\" ALIGN=\"LEFT\"><I>POSIX message queues: unknown\(unknown.contains(ipc.namespace) ? " (no mqueue mount of it found)" : "")</I></TD></TR>")
            }
            let border = ipc.namespace == hostIPC ? Palette.host : Palette.ipcNamespaceBorder
            g.node(DOT.id("ipc", ipc.namespace), [("label", "<<TABLE BORDER=\"2\" COLOR=\"\(border)\" CELLBORDER=\"0\" CELLSPACING=\"1\" CELLPADDING=\"3\">\(rows.joined())</TABLE>>")])
        }
        FoldedNamespaces.notes(&g, folded: empty.count > 1 ? "\(empty.count) more IPC namespaces with no System V objects\nand no known POSIX queues" : nil,
                               more: more, kind: "IPC", command: "cutaway ipc", nothingRead: snapshot.ipc.isEmpty, visibility: snapshot.visibility)
        return g.render(name: "ipc")
    }
}

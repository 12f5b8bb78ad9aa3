import CutawayModel

/// `cutaway ipc`: what is inside each IPC namespace, like `ipcs` run inside every one of
/// them, plus its POSIX message queues.
public enum IPCReport {
    /// `namespaces` and `unread` are the selection to show (all of the snapshot's, or one namespace's).
    public static func render(_ namespaces: [IPCNamespace], unread: [UnreadNamespace], snapshot: Snapshot) -> String {
        let index = SnapshotIndex(snapshot)
        var out = ""
        if !snapshot.visibility.namespaceContentsRead {
            out += "No IPC namespace contents in this snapshot: they are read from the live kernel only (a capture or an older snapshot has none).\n"
        }
        let unknown = Dictionary(snapshot.visibility.posixMessageQueuesUnknown.map { ($0.namespace, $0.reason) }, uniquingKeysWith: { a, _ in a })
        for (n, ipc) in namespaces.enumerated() {
            if n > 0 { out += "\n" }
            out += "IPC namespace " + NetworkReport.label(.ipc, ipc.namespace, index: index) + "\n"
            if ipc.sharedMemory.isEmpty { out += "  System V shared memory: none\n" } else {
                out += "  System V shared memory:\n"
                var t = TextTable(headers: ["KEY", "ID", "BYTES", "OWNER UID", "ATTACHED"], rightAligned: [1, 2, 3, 4])
                for s in ipc.sharedMemory { t.add([key(s.key), String(s.id), String(s.bytes), String(s.ownerUID), String(s.attached)]) }
                out += NetworkReport.indent(t.render(), by: 4)
            }
            if ipc.semaphoreSets.isEmpty { out += "  System V semaphore sets: none\n" } else {
                out += "  System V semaphore sets:\n"
                var t = TextTable(headers: ["KEY", "ID", "SEMAPHORES", "OWNER UID"], rightAligned: [1, 2, 3])
                for s in ipc.semaphoreSets { t.add([key(s.key), String(s.id), String(s.semaphores), String(s.ownerUID)]) }
                out += NetworkReport.indent(t.render(), by: 4)
            }
            if ipc.messageQueues.isEmpty { out += "  System V message queues: none\n" } else {
                out += "  System V message queues:\n"
                var t = TextTable(headers: ["KEY", "ID", "MESSAGES", "BYTES", "OWNER UID"], rightAligned: [1, 2, 3, 4])
                for q in ipc.messageQueues { t.add([key(q.key), String(q.id), String(q.messages), String(q.bytes), String(q.ownerUID)]) }
                out += NetworkReport.indent(t.render(), by: 4)
            }
            if let queues = ipc.posixMessageQueues {
                out += "  POSIX message queues: " + (queues.isEmpty ? "none" : queues.map { "/\($0)" }.joined(separator: " ")) + "\n"
            } else {
                out += "  POSIX message queues: unknown (\(unknown[ipc.namespace] ?? "not read"))\n"
            }
        }
        for u in unread where !namespaces.contains(where: { $0.namespace == u.namespace }) {
            out += "\nIPC namespace " + NetworkReport.label(.ipc, u.namespace, index: index) + ": not read: \(u.reason)\n"
        }
        return out + VisibilityReport.render(snapshot.visibility)
    }

    /// `1 shared memory segment, 2 semaphore sets, POSIX queues /a /b`.
    public static func summary(_ ipc: IPCNamespace) -> String {
        func count(_ n: Int, _ what: String) -> String? { n == 0 ? nil : "\(n) \(what)\(n == 1 ? "" : "s")" }
        var parts = [count(ipc.sharedMemory.count, "shared memory segment"), count(ipc.semaphoreSets.count, "semaphore set"),
                     count(ipc.messageQueues.count, "System V message queue")].compactMap { $0 }
        if let q = ipc.posixMessageQueues, !q.isEmpty {
            parts.append("POSIX queue\(q.count == 1 ? "" : "s") " + q.prefix(4).map { "/\($0)" }.joined(separator: " ") + (q.count > 4 ? " …" : ""))
        }
        return parts.isEmpty ? "empty" : parts.joined(separator: ", ")
    }

    /// `0x0001e240` as ipcs prints keys (the kernel's signed value as 32 bits).
    public static func key(_ k: Int64) -> String {
        let hex = String(UInt32(truncatingIfNeeded: k), radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }
}

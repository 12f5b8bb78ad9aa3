import CutawayModel

/// Pass 2, threads: reads `PID/task/TID/ns/*` of every thread but the main one and records
/// the threads whose namespaces differ from their process's (a thread that called
/// `unshare(2)` or `setns(2)` alone). Counts threads that exited.
///
/// Its reads are per process (``ProcessFilesPass``): in a ``SnapshotScanner`` they share the
/// process pass's walk of `/proc`, one open of each `/proc/PID`.
public struct ThreadPass: ProcessFilesPass {
    /// The pass.
    public init() {}

    public func run(_ state: inout ScanState, source: any ProcSource) { runAlone(&state, source: source) }

    /// The threads of one process in other namespaces than its own, and how many exited.
    struct Reading: Sendable {
        var threads: [ThreadRecord] = []
        var gone = 0
    }

    func read(_ p: ProcessRecord, in dir: ProcessDirectory) -> any Sendable {
        guard !p.namespaces.isEmpty else { return Reading() }
        if let n = dir.threadCount(), n <= 1 { return Reading() } // one fstatat instead of listing
        guard let tids = try? dir.listDirectory("task") else { return Reading() }
        var reading = Reading()
        // Every tid but the main one (no shortcut on the count: a capture checked out of git
        // has no directory for a main thread that had nothing recorded).
        for tid in tids.compactMap(Int32.init).sorted() where tid != p.pid {
            let t = NamespaceLinks.read(dir, "task/\(tid)/ns", forChildren: false)
            if t.links.isEmpty { reading.gone += 1; continue }
            let differing = t.links.filter { p.namespaces[$0.key] != $0.value }
            if !differing.isEmpty { reading.threads.append(ThreadRecord(tid: tid, namespaces: differing)) }
        }
        return reading
    }

    func record(_ readings: [any Sendable], into state: inout ScanState) {
        for (i, reading) in readings.enumerated() {
            guard let result = reading as? Reading else { continue }
            state.visibility.threadsGone += result.gone
            guard !result.threads.isEmpty else { continue }
            let pid = state.processes[i].pid
            state.processes[i].threads = result.threads
            for thread in result.threads {
                for type in NamespaceType.allCases {
                    guard let inode = thread.namespaces[type] else { continue }
                    state.ledger.note(type, inode, via: "\(pid)/task/\(thread.tid)/ns/\(type.rawValue)") { $0.threads.append(thread.tid) }
                }
            }
        }
    }
}

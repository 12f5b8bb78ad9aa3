import CutawayModel

/// Pass 2, threads: reads `PID/task/TID/ns/*` of every thread but the main one and records
/// the threads whose namespaces differ from their process's (a thread that called
/// `unshare(2)` or `setns(2)` alone). Counts threads that exited.
public struct ThreadPass: ScanPass {
    public init() {}

    public func run(_ state: inout ScanState, source: any ProcSource) {
        let processes = state.processes
        let found = ParallelMap.map(processes.count, concurrent: source is DirectoryProcSource) { i -> (threads: [ThreadRecord], gone: Int) in
            let p = processes[i]
            guard !p.namespaces.isEmpty, let dir = ProcessDirectory.open(p.pid, in: source) else { return ([], 0) }
            if let n = dir.threadCount(), n <= 1 { return ([], 0) } // one fstatat instead of listing
            guard let tids = try? dir.listDirectory("task") else { return ([], 0) }
            var threads: [ThreadRecord] = []
            var gone = 0
            // Every tid but the main one (no shortcut on the count: a capture checked out of git
            // has no directory for a main thread that had nothing recorded).
            for tid in tids.compactMap(Int32.init).sorted() where tid != p.pid {
                let t = NamespaceLinks.read(dir, "task/\(tid)/ns", forChildren: false)
                if t.links.isEmpty { gone += 1; continue }
                let differing = t.links.filter { p.namespaces[$0.key] != $0.value }
                if !differing.isEmpty { threads.append(ThreadRecord(tid: tid, namespaces: differing)) }
            }
            return (threads, gone)
        }
        for (i, result) in found.enumerated() {
            state.visibility.threadsGone += result.gone
            guard !result.threads.isEmpty else { continue }
            let pid = processes[i].pid
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

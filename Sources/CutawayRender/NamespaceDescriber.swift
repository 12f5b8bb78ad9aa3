import CutawayModel

/// The words cutaway uses for a namespace in every report: its name, its leader and what
/// makes it special (PID 1's host pid, id maps, who holds it).
public struct NamespaceDescriber: Sendable {
    /// The snapshot the words are about.
    public let index: SnapshotIndex
    /// What cutaway's own namespaces are called: "host", or in a lesson "lesson sandbox".
    public let readerName: String

    /// A describer over `index` that calls the reader's namespaces `readerName`.
    public init(index: SnapshotIndex, readerName: String = "host") { self.index = index; self.readerName = readerName }

    /// `net:4026531833`
    public static func name(_ ns: Namespace) -> String { "\(ns.type.rawValue):\(ns.inode)" }

    /// `1234 bash`; for a namespace only threads are in, `tid 1240 of 1234 bash`; `-` when
    /// no member is visible.
    public func leader(_ ns: Namespace) -> String {
        if let p = index.leader(of: ns) { return "\(p.pid) \(p.command)" }
        if let tid = ns.threads.first, let p = index.process(ofThread: tid) { return "tid \(tid) of \(p.pid) \(p.command)" }
        return "-"
    }

    /// A mount namespace named by its leader, for titles: `mnt:4026532290 (pid 1234 bash)`,
    /// or `mnt:4026532290` when no member process is visible.
    public func mountNamespace(_ inode: UInt64) -> String {
        guard let ns = index.namespace(.mnt, inode), let leader = index.leader(of: ns) else { return "mnt:\(inode)" }
        return "mnt:\(inode) (pid \(leader.pid) \(leader.command))"
    }

    /// A one-line summary of a uid or gid map: `uid 0-65535 -> 100000-165535`.
    public static func mapSummary(_ ranges: [IDMapRange], kind: String) -> String {
        guard let first = ranges.first else { return "no \(kind) map written" }
        func one(_ r: IDMapRange) -> String {
            if r.count == 1 { return "\(kind) \(r.inside) -> \(r.outside)" }
            return "\(kind) \(r.inside)-\(r.lastInside) -> \(r.outside)-\(r.lastOutside)"
        }
        var s = one(first)
        if first.isFullIdentity { s += " (identity)" }
        if ranges.count > 1 { s += " (+\(ranges.count - 1) more range\(ranges.count > 2 ? "s" : ""))" }
        return s
    }

    /// One phrase per holder of `ns`: `held by bind mount /run/netns/blue`, `held by fd 3 of pid
    /// 1234 sleep`, and so on.
    public func holders(_ ns: Namespace) -> [String] {
        ns.holders.map { h in
            let who = index.process(h.pid).map { "pid \($0.pid) \($0.command)" } ?? "pid \(h.pid)"
            switch h.kind {
            case .bindMount:
                let path = h.path.map(\.description) ?? "?"
                return "held by bind mount \(path)" + (h.mountNamespace.map { $0 == index.snapshot.reader.namespaces[.mnt] ? "" : " in mnt:\($0)" } ?? "")
            case .openFD: return "held by fd \(h.fd ?? -1) of \(who)"
            case .pidForChildren: return "pid_for_children of \(who)"
            case .timeForChildren: return "time_for_children of \(who)"
            }
        }
    }

    /// What makes the namespace special, as short clauses.
    public func details(_ ns: Namespace) -> [String] {
        var out: [String] = []
        if index.isReaders(ns) { out.append(ns.owner == nil && ns.type == .user || ns.parent == nil && ns.type == .pid ? "\(readerName) (initial)" : readerName) }
        if ns.hidden { out.append("hidden: no process left in it") }
        let containers = index.containers(in: ns)
        if !containers.isEmpty {
            let names = containers.map { "\($0.engine.rawValue) \(TerminalText.escape($0.name))" }.joined(separator: ", ")
            // A container that shares the host's namespace of this type (e.g. --network host) says so.
            out.append(index.isReaders(ns) ? "shared with container \(names)" : "container \(names)")
        }
        switch ns.type {
        case .pid:
            if let initProcess = index.initProcess(of: ns), initProcess.nsPID.count > 1 {
                out.append("PID 1 here is \(readerName) PID \(initProcess.pid) (\(initProcess.command))")
            } else if !ns.pids.isEmpty, index.initProcess(of: ns) == nil, !index.isReaders(ns) {
                out.append("PID 1 here has exited or is not visible")
            }
        case .user:
            if let uid = ns.ownerUID, ns.owner != nil { out.append("created by uid \(uid)") }
            if let maps = index.idMaps(ns.inode) {
                out.append(Self.mapSummary(maps.uidMap, kind: "uid"))
            }
        case .net:
            if let net = index.snapshot.network(ns.inode) {
                out.append("devices: " + NetworkReport.deviceSummary(net, index: index).joined(separator: ", "))
            }
        case .ipc:
            if let ipc = index.snapshot.ipcContents(ns.inode), !ipc.isEmpty { out.append("IPC: " + IPCReport.summary(ipc)) }
        default: break
        }
        let threadCount = ns.threads.count
        if threadCount > 0 {
            out.append(ns.pids.isEmpty
                ? "only \(threadCount == 1 ? "a thread is" : "\(threadCount) threads are") in it, not \(threadCount == 1 ? "its" : "their") process"
                : "and \(threadCount) thread\(threadCount == 1 ? "" : "s") of other processes")
        }
        out.append(contentsOf: holders(ns))
        return out
    }
}

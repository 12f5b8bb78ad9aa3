/// Lookups over a ``Snapshot``, built once in O(n) so that trees and reports never scan.
public struct SnapshotIndex: Sendable {
    /// The snapshot the lookups are over.
    public let snapshot: Snapshot
    private let namespaceSlots: [NamespaceKey: Int]
    private let processSlots: [Int32: Int]
    private let mountTableSlots: [UInt64: Int]
    private let idMapSlots: [UInt64: Int]
    /// tid -> pid, for the threads recorded apart from their process (``ThreadRecord``).
    private let threadOwners: [Int32: Int32]
    /// (type, inode) -> the containers whose PID 1 is in that namespace.
    private let containersByNamespace: [NamespaceKey: [Container]]

    /// `(type, inode)`: the identity of a namespace within one snapshot.
    public struct NamespaceKey: Hashable, Sendable {
        /// The namespace's type.
        public var type: NamespaceType
        /// The namespace's nsfs inode.
        public var inode: UInt64
        /// The key of namespace `type:[inode]`.
        public init(_ type: NamespaceType, _ inode: UInt64) { self.type = type; self.inode = inode }
    }

    /// Indexes `snapshot`'s namespaces, processes, mount tables, id maps, threads and containers.
    public init(_ snapshot: Snapshot) {
        self.snapshot = snapshot
        var ns: [NamespaceKey: Int] = [:]
        for (i, n) in snapshot.namespaces.enumerated() { ns[NamespaceKey(n.type, n.inode)] = i }
        namespaceSlots = ns
        var ps: [Int32: Int] = [:]
        for (i, p) in snapshot.processes.enumerated() { ps[p.pid] = i }
        processSlots = ps
        var mt: [UInt64: Int] = [:]
        for (i, t) in snapshot.mountTables.enumerated() { mt[t.mountNamespace] = i }
        mountTableSlots = mt
        var im: [UInt64: Int] = [:]
        for (i, m) in snapshot.idMaps.enumerated() { im[m.userNamespace] = i }
        idMapSlots = im
        var owners: [Int32: Int32] = [:]
        for p in snapshot.processes { for t in p.threads { owners[t.tid] = p.pid } }
        threadOwners = owners
        var byNamespace: [NamespaceKey: [Container]] = [:]
        for c in snapshot.containers { for (type, inode) in c.namespaces { byNamespace[NamespaceKey(type, inode), default: []].append(c) } }
        containersByNamespace = byNamespace
    }

    /// The containers whose PID 1 is in a namespace, by `(type, inode)`.
    public func containers(in namespace: Namespace) -> [Container] {
        containersByNamespace[NamespaceKey(namespace.type, namespace.inode)] ?? []
    }

    /// The process a recorded thread belongs to.
    public func process(ofThread tid: Int32) -> ProcessRecord? { threadOwners[tid].flatMap { process($0) } }

    /// The namespace `type:[inode]`, if the snapshot has it.
    public func namespace(_ type: NamespaceType, _ inode: UInt64) -> Namespace? {
        namespaceSlots[NamespaceKey(type, inode)].map { snapshot.namespaces[$0] }
    }

    /// The process with host pid `pid`, if the snapshot has it.
    public func process(_ pid: Int32) -> ProcessRecord? { processSlots[pid].map { snapshot.processes[$0] } }

    /// The mount table of mount namespace `mountNamespace`, if it could be read.
    public func mountTable(_ mountNamespace: UInt64) -> MountTable? { mountTableSlots[mountNamespace].map { snapshot.mountTables[$0] } }

    /// The id maps of user namespace `userNamespace`, if they could be read.
    public func idMaps(_ userNamespace: UInt64) -> UserNamespaceIDMaps? { idMapSlots[userNamespace].map { snapshot.idMaps[$0] } }

    /// The oldest member process (earliest start time, then lowest pid), as lsns's PID column.
    public func leader(of namespace: Namespace) -> ProcessRecord? {
        var best: ProcessRecord?
        for pid in namespace.pids {
            guard let p = process(pid) else { continue }
            if let b = best, (b.startTime, b.pid) <= (p.startTime, p.pid) { continue }
            best = p
        }
        return best
    }

    /// The process that is PID 1 inside a pid namespace (last `NSpid` entry 1), if it is visible.
    public func initProcess(of pidNamespace: Namespace) -> ProcessRecord? {
        guard pidNamespace.type == .pid else { return nil }
        return pidNamespace.pids.lazy.compactMap { process($0) }.first { $0.innermostPID == 1 }
    }

    /// Whether `namespace` is one of the reader's own (the "host" view).
    public func isReaders(_ namespace: Namespace) -> Bool { snapshot.reader.namespaces[namespace.type] == namespace.inode }

    /// The user namespace chain of a process, outermost (initial) first. Hidden ancestors are included.
    public func userNamespaceChain(of pid: Int32) -> [Namespace] {
        guard let p = process(pid), let inode = p.namespaces[.user] else { return [] }
        return ancestry(of: .user, inode)
    }

    /// A namespace and its parents (pid/user), outermost first; stops at a missing or repeated link.
    public func ancestry(of type: NamespaceType, _ inode: UInt64) -> [Namespace] {
        var chain: [Namespace] = []
        var seen: Set<UInt64> = []
        var next: UInt64? = inode
        while let current = next, seen.insert(current).inserted, let ns = namespace(type, current) {
            chain.append(ns)
            next = ns.parent
        }
        return chain.reversed()
    }
}

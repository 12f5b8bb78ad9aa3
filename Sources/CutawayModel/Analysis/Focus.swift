/// One process's or container's corner of a snapshot: its namespaces, their ancestors (pid
/// and user parents) and owners (NS_GET_USERNS, up to the initial user namespace), and the
/// namespaces of the processes that share one of its namespaces with it (other than the
/// host's). Bounded, so a focus view stays a couple of dozen boxes on any host.
public struct Focus: Sendable {
    /// A namespace's identity in the snapshot: `(type, inode)`.
    public typealias Key = SnapshotIndex.NamespaceKey

    /// At most this many namespaces are added for the processes sharing the focus's namespaces.
    public static let sharerBudget = 10

    /// The focused process (a container's PID 1).
    public let pid: Int32
    /// The container whose PID 1 is `pid`, if any.
    public let container: Container?
    /// The process's own namespaces, one per type.
    public let own: Set<Key>
    /// Everything the focus shows: own, ancestors, owners and sharers' namespaces.
    public let keys: Set<Key>
    /// Processes other than `pid` that share one of its namespaces that is not the host's.
    public let sharers: [Int32]
    /// Sharers whose namespaces were not added (budget).
    public let sharersNotDrawn: Int
    /// The snapshot cut down to the focus: its namespaces, the mount tables and id maps of
    /// those, its container. Processes stay whole (names and leaders are looked up there).
    public let snapshot: Snapshot

    /// The focus names no running process or container of the snapshot; `description` says what
    /// was asked for and what there is.
    public struct NotFound: Error, CustomStringConvertible {
        public var description: String
        /// The error with this message.
        public init(_ description: String) { self.description = description }
    }

    /// Focus on a container named as ``TargetResolver`` resolves one: id, `ENGINENS/ID`, id
    /// prefix, name, `POD/CONTAINER`, `NAMESPACE/POD/CONTAINER`; ambiguity lists the candidates.
    public init(snapshot: Snapshot, container name: String) throws {
        let found: Container?
        do { found = try TargetResolver(containers: snapshot.containers, images: []).container(name) } catch { throw NotFound(error.description) }
        guard let c = found else {
            let known = snapshot.containers.map(\.name).sorted()
            throw NotFound("no container '\(name)' in the snapshot" + (known.isEmpty ? " (no container engine found any)" : "; known: " + known.prefix(12).joined(separator: ", ")))
        }
        guard let pid = c.pid else { throw NotFound("container '\(c.name)' is not running: it has no namespaces to show (start it, or look at `cutaway layers --container \(c.name)`)") }
        try self.init(snapshot: snapshot, pid: pid, container: c)
    }

    /// Focus on process `pid` (a host pid); `container` names it when known, otherwise the
    /// snapshot's container with that PID 1, if any. Throws ``NotFound`` for an unknown pid.
    public init(snapshot: Snapshot, pid: Int32, container: Container? = nil) throws {
        let index = SnapshotIndex(snapshot)
        guard let process = index.process(pid) else {
            throw NotFound("no process \(pid) in the snapshot (it may have exited, or be outside the reader's pid namespace)")
        }
        self.pid = pid
        self.container = container ?? snapshot.containers.first { $0.pid == pid }
        let reader = snapshot.reader.namespaces
        var keys = Set<Key>()
        var own = Set<Key>()
        for (type, inode) in process.namespaces { own.insert(Key(type, inode)) }
        keys = own

        // Ancestors and owners, to the top.
        func addChain(_ key: Key) {
            var pending = [key], seen = Set<Key>()
            while let k = pending.popLast() {
                guard seen.insert(k).inserted, let ns = index.namespace(k.type, k.inode) else { continue }
                keys.insert(k)
                if let parent = ns.parent, k.type.isHierarchical { pending.append(Key(k.type, parent)) }
                if let owner = ns.owner { pending.append(Key(.user, owner)) }
            }
        }
        for k in own { addChain(k) }

        // Sharers: processes in one of its namespaces that is not the host's.
        let shared = own.filter { reader[$0.type] != $0.inode }
        var sharerSets: [[NamespaceType: UInt64]: [Int32]] = [:]
        var sharers: [Int32] = []
        for key in shared.sorted(by: { ($0.type, $0.inode) < ($1.type, $1.inode) }) {
            for other in index.namespace(key.type, key.inode)?.pids ?? [] where other != pid {
                guard let p = index.process(other) else { continue }
                if !sharers.contains(other) { sharers.append(other) }
                sharerSets[p.namespaces.filter { reader[$0.key] != $0.value }, default: []].append(other)
            }
        }
        self.sharers = sharers.sorted()
        // Sets sharing more than the user namespace first, then by pid.
        let ordered = sharerSets.sorted { a, b in
            let sa = a.key.filter { $0.key != .user && own.contains(Key($0.key, $0.value)) }.count
            let sb = b.key.filter { $0.key != .user && own.contains(Key($0.key, $0.value)) }.count
            return (sa, -Int(a.value.min() ?? 0)) > (sb, -Int(b.value.min() ?? 0))
        }
        var added = 0, notDrawn = 0
        for (set, pids) in ordered {
            let new = set.map { Key($0.key, $0.value) }.filter { !keys.contains($0) }
            if added + new.count > Self.sharerBudget { notDrawn += Set(pids).count; continue }
            added += new.count
            for k in new { addChain(k) }
        }
        self.sharersNotDrawn = notDrawn
        self.own = own
        self.keys = keys

        var cut = snapshot
        cut.namespaces = snapshot.namespaces.filter { keys.contains(Key($0.type, $0.inode)) }
        let mnts = Set(keys.filter { $0.type == .mnt }.map(\.inode))
        cut.mountTables = snapshot.mountTables.filter { mnts.contains($0.mountNamespace) }
        let users = Set(keys.filter { $0.type == .user }.map(\.inode))
        cut.idMaps = snapshot.idMaps.filter { users.contains($0.userNamespace) }
        cut.containers = snapshot.containers.filter { c in c.pid.map { $0 == pid || sharers.contains($0) } ?? false }
        let names = Set(cut.containers.map(\.name))
        cut.overlays = snapshot.overlays.filter { names.contains($0.name) }
        self.snapshot = cut
    }
}

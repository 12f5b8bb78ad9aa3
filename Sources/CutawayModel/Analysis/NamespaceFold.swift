/// Alike namespace sets folded into groups, so that a busy host (hundreds of containers made
/// the same way) draws as a handful of boxes. Used by the namespace diagram and the
/// `namespaces` text view; JSON never folds.
///
/// The rule, in the words the legend uses:
/// - A **set** is the namespaces one process is in, counting only the types in which it
///   differs from the reader ("the host"); processes with the same set share it.
/// - Sets that share a namespace other than a user namespace (a pod's containers sharing one
///   network namespace, `unshare --fork` and its child) form one **unit**.
/// - Units are **alike** when they have the same namespace types, the same owners (the host's
///   user namespace or their own), the same user-namespace creator uid and id-map shape
///   (inside ids and range sizes; the outside ids may differ), the same nesting depth, the
///   same container engine and the same sharing pattern. Pids, inodes, names, process counts
///   and the outside ids of the maps may differ.
/// - At least ``defaultMinimumGroup`` (5) alike units fold into one **group**. A namespace folds into a
///   group when every process in it belongs to that group and nothing else holds it (no bind
///   mount, no open fd, no thread of another process); the rest stays drawn on its own.
public struct NamespaceFold: Sendable {
    /// A namespace's identity in the snapshot: `(type, inode)`.
    public typealias Key = SnapshotIndex.NamespaceKey

    /// The namespaces one process is in, where they differ from the reader's.
    public struct NamespaceSet: Sendable, Hashable {
        /// The inode of each type in which the process differs from the reader.
        public var namespaces: [NamespaceType: UInt64]
        /// Host pids of the processes in exactly this set, ascending.
        public var pids: [Int32]
        /// The set's types, in ``NamespaceType``'s order.
        public var types: [NamespaceType] { namespaces.keys.sorted() }
    }

    /// Sets joined by a shared (non-user) namespace.
    public struct Unit: Sendable {
        /// The sets joined.
        public var sets: [NamespaceSet]
        /// Every namespace of the unit's sets.
        public var namespaces: Set<Key>
        /// Host pids of every process of the unit, ascending.
        public var pids: [Int32] { sets.flatMap(\.pids).sorted() }
    }

    /// Alike units drawn as one.
    public struct Group: Sendable, Identifiable {
        /// 1-based, in order of size (largest first), stable for the same snapshot.
        public var id: Int
        /// The alike units, the first of them the one drawn.
        public var units: [Unit]
        /// The namespaces folded into this group.
        public var folded: Set<Key>
        /// The namespace types of one unit.
        public var types: [NamespaceType]
        /// Creator uid of the units' own user namespace, when they have one.
        public var creatorUID: UInt32?
        /// The engine when the units are containers.
        public var engine: String?
        /// Container names of the units, in unit order (empty when not containers).
        public var containerNames: [String]
        /// Where the group sits: the nearest user namespace around it that is not folded.
        public var home: UInt64?
        /// What differs between the units, in words.
        public var varies: [String]

        /// How many units the group stands for.
        public var count: Int { units.count }
        /// Host pids of every process of the group, ascending.
        public var pids: [Int32] { units.flatMap(\.pids).sorted() }
    }

    /// How many alike units fold unless told otherwise.
    public static let defaultMinimumGroup = 5

    /// How many alike units this fold needed to make a group.
    public let minimumGroup: Int
    /// Every process's set, in the order of the snapshot's processes.
    public private(set) var sets: [NamespaceSet] = []
    /// The sets joined into units.
    public private(set) var units: [Unit] = []
    /// The groups, largest first; ``Group/id`` is the position plus one.
    public private(set) var groups: [Group] = []
    private var groupOfNamespace: [Key: Int] = [:]
    private var groupOfPID: [Int32: Int] = [:]

    /// Folds `snapshot` (indexed by `index`, or afresh) with groups of at least `minimumGroup` units.
    public init(snapshot: Snapshot, index: SnapshotIndex? = nil, minimumGroup: Int = NamespaceFold.defaultMinimumGroup) {
        self.minimumGroup = max(2, minimumGroup)
        let index = index ?? SnapshotIndex(snapshot)
        let reader = snapshot.reader.namespaces

        // Sets: processes grouped by the namespaces in which they differ from the reader.
        var bySet: [[NamespaceType: UInt64]: [Int32]] = [:]
        for p in snapshot.processes {
            let own = p.namespaces.filter { reader[$0.key] != $0.value }
            guard !own.isEmpty else { continue }
            bySet[own, default: []].append(p.pid)
        }
        sets = bySet.map { NamespaceSet(namespaces: $0.key, pids: $0.value.sorted()) }.sorted { $0.pids[0] < $1.pids[0] }

        // Units: union-find over sets sharing a namespace other than a user namespace.
        var parent = Array(sets.indices)
        func find(_ i: Int) -> Int { var i = i; while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }; return i }
        var firstSetOf: [Key: Int] = [:]
        for (i, s) in sets.enumerated() {
            for (type, inode) in s.namespaces where type != .user {
                let key = Key(type, inode)
                if let j = firstSetOf[key] { parent[find(i)] = find(j) } else { firstSetOf[key] = i }
            }
        }
        var members: [Int: [Int]] = [:]
        for i in sets.indices { members[find(i), default: []].append(i) }
        units = members.values.map { idx in
            let unitSets = idx.map { sets[$0] }
            var keys = Set<Key>()
            for s in unitSets { for (t, inode) in s.namespaces { keys.insert(Key(t, inode)) } }
            return Unit(sets: unitSets, namespaces: keys)
        }.sorted { $0.pids[0] < $1.pids[0] }

        // Signatures.
        var unitOfPID: [Int32: Int] = [:]
        for (u, unit) in units.enumerated() { for pid in unit.pids { unitOfPID[pid] = u } }
        var unitsOfNamespace: [Key: Set<Int>] = [:]
        for (u, unit) in units.enumerated() { for key in unit.namespaces { unitsOfNamespace[key, default: []].insert(u) } }

        func userDepth(_ inode: UInt64) -> Int {
            var depth = 0, next: UInt64? = inode, seen = Set<UInt64>()
            while let n = next, n != reader[.user], seen.insert(n).inserted, depth < 40 {
                depth += 1
                next = index.namespace(.user, n)?.parent ?? index.namespace(.user, n)?.owner
            }
            return depth
        }
        func mapShape(_ inode: UInt64) -> String {
            guard let maps = index.idMaps(inode) else { return "unknown" }
            return (maps.uidMap.map { "\($0.inside)+\($0.count)" } + ["/"] + maps.gidMap.map { "\($0.inside)+\($0.count)" }).joined(separator: ",")
        }
        func ownerWord(_ ns: Namespace, unitSet: NamespaceSet) -> String {
            guard let owner = ns.owner else { return ns.type == .user ? "initial" : "unknown" }
            if owner == reader[.user] { return "host" }
            if owner == unitSet.namespaces[.user] { return "own" }
            if ns.type == .user { return "nested:\(userDepth(owner))" }
            return "other"
        }
        func signature(_ u: Int) -> String {
            let unit = units[u]
            var setWords: [String] = []
            for s in unit.sets {
                var words: [String] = []
                for type in s.types {
                    let inode = s.namespaces[type]!
                    guard let ns = index.namespace(type, inode) else { words.append("\(type.rawValue):unread"); continue }
                    var w = "\(type.rawValue)<\(ownerWord(ns, unitSet: s))"
                    let sharers = unit.sets.filter { $0.namespaces[type] == inode }.count
                    if sharers > 1 { w += "*\(sharers)" }
                    if (unitsOfNamespace[Key(type, inode)]?.count ?? 0) > 1 { w += "+shared-outside" }
                    if type == .user {
                        w += "@\(userDepth(inode))uid\(ns.ownerUID.map(String.init) ?? "?")map\(mapShape(inode))"
                    }
                    words.append(w)
                }
                let engines = s.pids.flatMap { pid in snapshot.containers.filter { $0.pid == pid }.map(\.engine.rawValue) }
                if !engines.isEmpty { words.append("engine:" + Set(engines).sorted().joined(separator: "+")) }
                setWords.append(words.joined(separator: ","))
            }
            return setWords.sorted().joined(separator: "|")
        }

        var bySignature: [String: [Int]] = [:]
        for u in units.indices { bySignature[signature(u), default: []].append(u) }
        let alike = bySignature.values.filter { $0.count >= self.minimumGroup }
            .sorted { ($0.count, -units[$0[0]].pids[0]) > ($1.count, -units[$1[0]].pids[0]) }

        var built: [Group] = []
        for (n, unitIndexes) in alike.enumerated() {
            let groupUnits = unitIndexes.map { units[$0] }
            let unitSet = Set(unitIndexes)
            var folded = Set<Key>()
            for unit in groupUnits {
                for key in unit.namespaces {
                    guard let ns = index.namespace(key.type, key.inode) else { continue }
                    // Everything in it belongs to this group and nothing else keeps it alive.
                    guard ns.holders.isEmpty, ns.threads.isEmpty,
                          ns.pids.allSatisfy({ unitOfPID[$0].map(unitSet.contains) ?? false }) else { continue }
                    folded.insert(key)
                }
            }
            let first = groupUnits[0]
            let types = Set(first.sets.flatMap(\.types)).sorted()
            let ownUser = first.sets.compactMap { $0.namespaces[.user] }.first
            let creator = ownUser.flatMap { index.namespace(.user, $0)?.ownerUID }
            let containers = groupUnits.map { unit in snapshot.containers.first { c in c.pid.map(unit.pids.contains) ?? false } }
            let engine = containers.allSatisfy({ $0 != nil }) ? containers.first??.engine.rawValue : nil
            // Home: walk owners from a folded namespace until one is not folded.
            var home: UInt64? = nil
            if let key = folded.sorted(by: { ($0.type, $0.inode) < ($1.type, $1.inode) }).first,
               let ns = index.namespace(key.type, key.inode) {
                var next = ns.owner, seen = Set<UInt64>()
                while let n = next, folded.contains(Key(.user, n)), seen.insert(n).inserted { next = index.namespace(.user, n)?.owner }
                home = next
            }
            var varies = ["pids", "inodes"]
            if engine != nil { varies.append("container names") }
            if ownUser != nil {
                let outsides = Set(groupUnits.compactMap { u in u.sets.compactMap { $0.namespaces[.user] }.first.flatMap { index.idMaps($0)?.uidMap.first?.outside } })
                if outsides.count > 1 { varies.append("outside ids of the id maps") }
            }
            let counts = Set(groupUnits.map { $0.pids.count })
            if counts.count > 1 { varies.append("process counts") }
            built.append(Group(id: n + 1, units: groupUnits, folded: folded, types: types, creatorUID: creator, engine: engine,
                               containerNames: containers.compactMap { $0?.name }, home: home, varies: varies))
        }
        groups = built
        for g in groups {
            for key in g.folded { groupOfNamespace[key] = g.id }
            for pid in g.pids { groupOfPID[pid] = g.id }
        }
    }

    /// The group a namespace is folded into, if any.
    public func group(of type: NamespaceType, _ inode: UInt64) -> Group? {
        groupOfNamespace[Key(type, inode)].map { groups[$0 - 1] }
    }

    /// True when `ns` is folded into some group (and so not drawn on its own).
    public func isFolded(_ ns: Namespace) -> Bool { groupOfNamespace[Key(ns.type, ns.inode)] != nil }

    /// The group whose units contain a process.
    public func group(ofPID pid: Int32) -> Group? {
        groupOfPID[pid].map { groups[$0 - 1] }
    }
}

/// Mount tables with the same shape, so that a busy host gets one mount diagram per shape
/// instead of one per mount namespace. Diagrams only: JSON keeps every table.
///
/// Two tables have the same shape when, line by line in tree order (``MountTree``), they have
/// the same depth, mount point, filesystem type, per-mount options, propagation kind
/// (shared / slave / private / unbindable) and the same "bind of a subtree or not". What may
/// differ: sources, bind roots, mount ids, devices and peer-group numbers.
public struct MountTableShape: Sendable {
    /// Tables of one shape.
    public struct Group: Sendable {
        /// The tables of this shape, ascending by namespace inode; the first is drawn.
        public var tables: [MountTable]
        /// What differs between them, in words (`sources`, `mount ids`, …).
        public var varies: [String]
        /// The table that is drawn: the one with the lowest namespace inode.
        public var representative: MountTable { tables[0] }
    }

    /// Shapes shared by at least `minimumGroup` tables.
    public private(set) var groups: [Group] = []
    /// Tables whose shape is their own (or shared by too few): drawn one by one.
    public private(set) var single: [MountTable] = []

    /// Groups `tables` by shape; a shape needs `minimumGroup` tables to become a group.
    public init(tables: [MountTable], minimumGroup: Int = NamespaceFold.defaultMinimumGroup) {
        var byShape: [[String]: [MountTable]] = [:]
        var order: [[String]] = []
        for table in tables.sorted(by: { $0.mountNamespace < $1.mountNamespace }) {
            let shape = Self.shape(table)
            if byShape[shape] == nil { order.append(shape) }
            byShape[shape, default: []].append(table)
        }
        for shape in order {
            let members = byShape[shape]!
            if members.count >= max(2, minimumGroup) {
                groups.append(Group(tables: members, varies: Self.varies(members)))
            } else {
                single += members
            }
        }
        groups.sort { $0.tables.count > $1.tables.count }
    }

    static func shape(_ table: MountTable) -> [String] {
        MountTree(mounts: table.mounts).lines().map { line in
            let m = line.mount
            return "\(line.depth)|\(m.mountPoint.description)|\(m.fsType.description)|\(m.mountOptions)|\(m.propagationWords)|\(m.root == "/" ? "" : "bind")"
        }
    }

    static func varies(_ tables: [MountTable]) -> [String] {
        let lines = tables.map { MountTree(mounts: $0.mounts).lines().map(\.mount) }
        var out: [String] = []
        func differs(_ field: (Mount) -> String) -> Bool {
            guard let first = lines.first else { return false }
            return lines.dropFirst().contains { other in zip(first, other).contains { field($0) != field($1) } }
        }
        if differs({ $0.source.description }) { out.append("sources") }
        if differs({ $0.root.description }) { out.append("bind roots") }
        if differs({ "\($0.id)" }) { out.append("mount ids") }
        if differs({ $0.majorMinor }) { out.append("devices") }
        if differs({ $0.propagationTags }) { out.append("peer-group numbers") }
        return out
    }
}

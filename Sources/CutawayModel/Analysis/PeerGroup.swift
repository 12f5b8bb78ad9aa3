/// A propagation peer group (Documentation/filesystems/sharedsubtree.rst): the mounts that
/// carry `shared:N` propagate mount and unmount events to each other, in every mount
/// namespace; mounts with `master:N` receive from the group but do not send back.
public struct PeerGroup: Sendable, Hashable {
    /// The group's number N, as `shared:N` in mountinfo.
    public var id: Int
    /// Mounts with `shared:<id>`, across all mount namespaces.
    public var members: [MountReference]
    /// Mounts with `master:<id>`: slaves of this group (they may be shared in a group of their own).
    public var slaves: [MountReference]
    /// Mounts with `propagate_from:<id>`: slaves whose immediate master is not visible from their root.
    public var propagatesTo: [MountReference]
    /// Groups this group is a slave of (members that also carry `master:M`).
    public var masters: [Int]
    /// Groups that are slaves of this one (slaves that are themselves shared).
    public var slaveGroups: [Int]

    /// The groups that any of `mounts` belongs to (`shared`), is a slave of (`master`) or
    /// receives from (`propagate_from`), with their members across all `tables`.
    public static func groups(touching mounts: some Sequence<Mount>, in tables: [MountTable]) -> [PeerGroup] {
        var relevant = Set<Int>()
        for m in mounts {
            if let s = m.shared { relevant.insert(s) }
            if let s = m.master { relevant.insert(s) }
            if let s = m.propagateFrom { relevant.insert(s) }
        }
        return groups(in: tables).filter { relevant.contains($0.id) }
    }

    /// All peer groups of a host, ordered by id. One pass over every mount table.
    public static func groups(in tables: [MountTable]) -> [PeerGroup] {
        var byID: [Int: PeerGroup] = [:]
        func touch(_ id: Int) {
            if byID[id] == nil { byID[id] = PeerGroup(id: id, members: [], slaves: [], propagatesTo: [], masters: [], slaveGroups: []) }
        }
        for table in tables {
            for m in table.mounts {
                let ref = MountReference(mountNamespace: table.mountNamespace, mountID: m.id, mountPoint: m.mountPoint)
                if let s = m.shared { touch(s); byID[s]!.members.append(ref) }
                if let ms = m.master { touch(ms); byID[ms]!.slaves.append(ref) }
                if let pf = m.propagateFrom { touch(pf); byID[pf]!.propagatesTo.append(ref) }
                if let s = m.shared, let ms = m.master {
                    if !byID[s]!.masters.contains(ms) { byID[s]!.masters.append(ms) }
                    if !byID[ms]!.slaveGroups.contains(s) { byID[ms]!.slaveGroups.append(s) }
                }
            }
        }
        return byID.values.sorted { $0.id < $1.id }.map { g in
            var g = g
            g.masters.sort(); g.slaveGroups.sort()
            return g
        }
    }
}

/// A mount in a given mount namespace.
public struct MountReference: Sendable, Hashable {
    /// The mount namespace's inode.
    public var mountNamespace: UInt64
    /// The mount's id in that namespace (mountinfo field 1).
    public var mountID: Int
    /// Where it is mounted, relative to the reader's root.
    public var mountPoint: ByteString
    /// Mount `mountID` at `mountPoint` in mount namespace `mountNamespace`.
    public init(mountNamespace: UInt64, mountID: Int, mountPoint: ByteString) {
        self.mountNamespace = mountNamespace; self.mountID = mountID; self.mountPoint = mountPoint
    }
}

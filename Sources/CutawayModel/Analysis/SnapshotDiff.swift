/// What changed between two snapshots of the same machine: namespaces that appeared or
/// vanished, and mounts added or removed in the mount namespaces both snapshots have
/// (mounts compared by ``MountIdentity``).
/// A new mount namespace is reported with its size, not mount by mount: it starts as a
/// clone of its parent's mounts.
public struct SnapshotDiff: Sendable {
    /// Namespaces the new snapshot has and the old one does not (by type and inode).
    public var addedNamespaces: [Namespace]
    /// Namespaces the old snapshot has and the new one does not.
    public var removedNamespaces: [Namespace]
    /// Mounts that appeared in a mount namespace both snapshots have.
    public var addedMounts: [(mountNamespace: UInt64, mount: Mount)]
    /// Mounts that went from a mount namespace both snapshots have.
    public var removedMounts: [(mountNamespace: UInt64, mount: Mount)]
    /// New mount namespaces and how many mounts each has.
    public var newMountTables: [(mountNamespace: UInt64, mounts: Int)]

    /// What changed from `old` to `new`.
    public init(from old: Snapshot, to new: Snapshot) {
        typealias Key = SnapshotIndex.NamespaceKey
        let before = Set(old.namespaces.map { Key($0.type, $0.inode) })
        let after = Set(new.namespaces.map { Key($0.type, $0.inode) })
        addedNamespaces = new.namespaces.filter { !before.contains(Key($0.type, $0.inode)) }
        removedNamespaces = old.namespaces.filter { !after.contains(Key($0.type, $0.inode)) }
        let oldTables = Dictionary(old.mountTables.map { ($0.mountNamespace, $0) }, uniquingKeysWith: { a, _ in a })
        var added: [(UInt64, Mount)] = [], removed: [(UInt64, Mount)] = [], fresh: [(UInt64, Int)] = []
        for table in new.mountTables {
            guard let previous = oldTables[table.mountNamespace] else { fresh.append((table.mountNamespace, table.mounts.count)); continue }
            let change = MountComparison(previous, table)
            added += change.onlySecond.map { (table.mountNamespace, $0) }
            removed += change.onlyFirst.map { (table.mountNamespace, $0) }
        }
        addedMounts = added.map { (mountNamespace: $0.0, mount: $0.1) }
        removedMounts = removed.map { (mountNamespace: $0.0, mount: $0.1) }
        newMountTables = fresh.map { (mountNamespace: $0.0, mounts: $0.1) }
    }

    /// True when no namespace and no mount changed (new mount tables come with new namespaces).
    public var isEmpty: Bool { addedNamespaces.isEmpty && removedNamespaces.isEmpty && addedMounts.isEmpty && removedMounts.isEmpty }
}

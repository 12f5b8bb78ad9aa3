/// What makes two mounts "the same mount" when two mount tables are compared, whether they are
/// two namespaces at one moment (a clone and its parent) or one namespace at two moments.
///
/// Mount IDs cannot be used: they are per namespace, and a clone gets new ones
/// (mount_namespaces(7): "the new namespace's mounts are copies"). What a copy keeps is where
/// it is mounted, which file system it is (`st_dev`, the `major:minor` of mountinfo field 3)
/// and which directory of that file system is its root (field 4, a bind mount's source).
public struct MountIdentity: Hashable, Sendable {
    /// Where the mount is (field 5), relative to the reader's root.
    public var mountPoint: ByteString
    /// The major half of the file system's st_dev (field 3).
    public var major: UInt32
    /// The minor half of the file system's st_dev (field 3).
    public var minor: UInt32
    /// The directory of the file system that is the mount's root (field 4).
    public var root: ByteString

    /// The identity of `mount`.
    public init(_ mount: Mount) {
        mountPoint = mount.mountPoint; major = mount.major; minor = mount.minor; root = mount.root
    }
}

/// Two mount tables side by side: the mounts both have (by ``MountIdentity``) and those only
/// one of them has, each list in its table's order.
public struct MountComparison: Sendable {
    /// The table on the left.
    public var first: MountTable
    /// The table on the right.
    public var second: MountTable
    /// Mounts of `first` that `second` has too.
    public var both: [Mount]
    /// Mounts of `first` that `second` lacks.
    public var onlyFirst: [Mount]
    /// Mounts of `second` that `first` lacks.
    public var onlySecond: [Mount]

    /// Compares `first` with `second`.
    public init(_ first: MountTable, _ second: MountTable) {
        self.first = first
        self.second = second
        let inFirst = Set(first.mounts.map(MountIdentity.init))
        let inSecond = Set(second.mounts.map(MountIdentity.init))
        both = first.mounts.filter { inSecond.contains(MountIdentity($0)) }
        onlyFirst = first.mounts.filter { !inSecond.contains(MountIdentity($0)) }
        onlySecond = second.mounts.filter { !inFirst.contains(MountIdentity($0)) }
    }
}

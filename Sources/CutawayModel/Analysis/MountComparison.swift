/// What makes two mounts "the same mount" when two mount tables are compared, whether they are
/// two namespaces at one moment (a clone and its parent) or one namespace at two moments.
///
/// Mount IDs cannot be used: they are per namespace, and a clone gets new ones
/// (mount_namespaces(7): "the new namespace's mounts are copies"). What a copy keeps is where
/// it is mounted, which file system it is (`st_dev`, the `major:minor` of mountinfo field 3)
/// and which directory of that file system is its root (field 4, a bind mount's source).
public struct MountIdentity: Hashable, Sendable {
    public var mountPoint: ByteString
    public var major: UInt32
    public var minor: UInt32
    public var root: ByteString

    public init(_ mount: Mount) {
        mountPoint = mount.mountPoint; major = mount.major; minor = mount.minor; root = mount.root
    }
}

/// Two mount tables side by side: the mounts both have (by ``MountIdentity``) and those only
/// one of them has, each list in its table's order.
public struct MountComparison: Sendable {
    public var first: MountTable
    public var second: MountTable
    /// Mounts of `first` that `second` has too.
    public var both: [Mount]
    public var onlyFirst: [Mount]
    public var onlySecond: [Mount]

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

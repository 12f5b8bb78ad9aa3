/// The uid and gid maps along a process's user-namespace chain, explained
/// (user_namespaces(7), subuid(5)).
///
/// Maps are read from the reader's namespace, so `outside` is a host id at every level.
/// For nested namespaces the id in the *parent* is found by mapping the host id back
/// through the parent's map.
public struct IDMapChain: Sendable {
    /// One user namespace of the chain and its maps.
    public struct Level: Sendable {
        /// The user namespace.
        public var namespace: Namespace
        /// nil when the maps could not be read (no readable member process).
        public var maps: UserNamespaceIDMaps?
        /// 0 for the outermost (the reader's) user namespace, 1 for its child, and so on.
        public var depth: Int
    }

    /// The process whose chain this is.
    public var pid: Int32
    /// The user namespaces from the reader's down to the process's own, outermost first.
    public var levels: [Level]

    /// The chain of process `pid`; empty when the snapshot does not have the process.
    public init(index: SnapshotIndex, pid: Int32) {
        self.pid = pid
        levels = index.userNamespaceChain(of: pid).enumerated().map { depth, ns in
            Level(namespace: ns, maps: index.idMaps(ns.inode), depth: depth)
        }
    }

    /// The levels text and diagrams draw: all of them up to ``NamespaceTree/maxDepth`` + 1;
    /// deeper (only a damaged snapshot: the kernel stops at 32) the outermost level and the
    /// innermost ``NamespaceTree/maxDepth``, with `omitted` counting the levels left out
    /// between them. JSON keeps every level.
    public var drawnLevels: (levels: [Level], omitted: Int) {
        let keep = NamespaceTree.maxDepth
        guard levels.count > keep + 1 else { return (levels, 0) }
        return ([levels[0]] + levels.suffix(keep), levels.count - 1 - keep)
    }

    /// Which of a namespace's two maps: `uid_map` or `gid_map`.
    public enum Kind: String, Sendable {
        /// `/proc/PID/uid_map`: user ids.
        case uid
        /// `/proc/PID/gid_map`: group ids.
        case gid
    }
}

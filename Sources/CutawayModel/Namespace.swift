/// One namespace seen on the host (namespaces(7)).
///
/// Identity within a snapshot is `(type, inode)`. Inode numbers are recycled after a
/// namespace dies, so a namespace's `id` (NS_GET_ID, Linux 6.11+, never reused) is kept
/// where the kernel has it, for comparing snapshots taken at different times.
public struct Namespace: Codable, Sendable, Hashable {
    /// Which of the eight namespace types it is.
    public var type: NamespaceType
    /// The nsfs inode, as in `readlink /proc/PID/ns/TYPE` = `TYPE:[INODE]`.
    public var inode: UInt64
    /// NS_GET_ID, where the kernel supports it.
    public var id: UInt64?
    /// Parent namespace inode (pid and user namespaces only, NS_GET_PARENT); nil for the
    /// initial one or when the parent lies outside what the reader may see.
    public var parent: UInt64?
    /// Inode of the owning user namespace (NS_GET_USERNS); nil for the initial user namespace.
    public var owner: UInt64?
    /// For user namespaces: the uid of the creator, in the reader's user namespace (NS_GET_OWNER_UID).
    public var ownerUID: UInt32?
    /// Host pids of the processes (thread group leaders) in this namespace, ascending.
    public var pids: [Int32]
    /// Threads in this namespace whose process's main thread is not (per-thread setns/unshare).
    public var threads: [Int32]
    /// What else keeps the namespace alive: bind mounts of its nsfs file, open fds,
    /// `pid_for_children`/`time_for_children` links.
    public var holders: [NamespaceHolder]
    /// True when no process, fd or mount holds it and it was found only as an ancestor
    /// or owner of another namespace (a "hidden" namespace, as `lsns --tree` fills in).
    public var hidden: Bool
    /// Why a relation is missing (e.g. "parent: outside the reader's user namespace").
    public var notes: [String]

    /// A namespace with these facts (no members, holders or notes by default).
    public init(type: NamespaceType, inode: UInt64, id: UInt64? = nil, parent: UInt64? = nil, owner: UInt64? = nil,
                ownerUID: UInt32? = nil, pids: [Int32] = [], threads: [Int32] = [], holders: [NamespaceHolder] = [],
                hidden: Bool = false, notes: [String] = []) {
        self.type = type; self.inode = inode; self.id = id; self.parent = parent; self.owner = owner
        self.ownerUID = ownerUID; self.pids = pids; self.threads = threads; self.holders = holders
        self.hidden = hidden; self.notes = notes
    }

    enum CodingKeys: String, CodingKey { case type, inode, id, parent, owner, ownerUID, pids, threads, holders, hidden, notes }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type, forKey: .type)
        try c.encode(inode, forKey: .inode)
        try c.encode(id, forKey: .id)
        try c.encode(parent, forKey: .parent)
        try c.encode(owner, forKey: .owner)
        try c.encode(ownerUID, forKey: .ownerUID)
        try c.encode(pids, forKey: .pids)
        try c.encode(threads, forKey: .threads)
        try c.encode(holders, forKey: .holders)
        try c.encode(hidden, forKey: .hidden)
        try c.encode(notes, forKey: .notes)
    }
}

/// Something other than a member process that keeps a namespace alive.
public struct NamespaceHolder: Codable, Sendable, Hashable {
    /// How it keeps the namespace alive: a bind mount of its nsfs file (`ip netns add` makes one),
    /// an open file descriptor, or a process's `pid_for_children`/`time_for_children` link.
    public enum Kind: String, Codable, Sendable {
        /// A bind mount of its nsfs file (e.g. `/run/netns/NAME`).
        case bindMount
        /// A process holds an open file descriptor to it.
        case openFD
        /// A process's `pid_for_children` link: its next children will be in it.
        case pidForChildren
        /// A process's `time_for_children` link.
        case timeForChildren
    }
    /// Which kind of holder.
    public var kind: Kind
    /// The process through which it was found: the fd owner, the process whose
    /// `*_for_children` link points here, or a process in the mount namespace holding the bind mount.
    public var pid: Int32
    /// File descriptor number, for `openFD`.
    public var fd: Int32?
    /// Mount point of the bind mount (e.g. `/run/netns/blue`), for `bindMount`.
    public var path: ByteString?
    /// The mount namespace whose mount table has the bind mount, for `bindMount`.
    public var mountNamespace: UInt64?
    /// The bind mount's id in that table (mountinfo field 1), for `bindMount`.
    public var mountID: Int?

    /// A holder of `kind`, found through process `pid`.
    public init(kind: Kind, pid: Int32, fd: Int32? = nil, path: ByteString? = nil, mountNamespace: UInt64? = nil, mountID: Int? = nil) {
        self.kind = kind; self.pid = pid; self.fd = fd; self.path = path; self.mountNamespace = mountNamespace; self.mountID = mountID
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        kind = try c.decode(Kind.self, "kind")
        pid = try c.decode(Int32.self, "pid")
        fd = try c.decodeIfPresent(Int32.self, "fd")
        path = try c.decodeBytesIfPresent(named: "path")
        mountNamespace = try c.decodeIfPresent(UInt64.self, "mountNamespace")
        mountID = try c.decodeIfPresent(Int.self, "mountID")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(kind, forKey: "kind")
        try c.encode(pid, forKey: "pid")
        try c.encodeOrNull(fd, forKey: "fd")
        try c.encodeOrNull(path, named: "path")
        try c.encodeOrNull(mountNamespace, forKey: "mountNamespace")
        try c.encodeOrNull(mountID, forKey: "mountID")
    }
}

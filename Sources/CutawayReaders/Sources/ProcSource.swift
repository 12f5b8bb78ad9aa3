import CutawayModel

/// The one seam between cutaway and the kernel: everything a scan reads goes through it,
/// so the same scanner reads the live `/proc` or a captured copy (``DirectoryProcSource``,
/// ``CapturedNamespaceInspector``), and a capture can record it (``RecordingProcSource``).
///
/// Paths are relative to the proc root: `""` (the pid list), `"1234/status"`,
/// `"1234/ns/net"`, `"1234/root/run/netns/blue"`.
public protocol ProcSource: AnyObject {
    /// For messages: `/proc` or the capture directory.
    var rootDescription: String { get }
    /// The names in directory `path` (without `.` and `..`).
    func listDirectory(_ path: String) throws(ProcReadError) -> [String]
    /// The bytes of file `path`, read whole (bounded).
    func readFile(_ path: String) throws(ProcReadError) -> [UInt8]
    /// The target of symlink `path` (readlink(2)): `net:[4026531833]` for a namespace link.
    func readLink(_ path: String) throws(ProcReadError) -> [UInt8]
    /// Parent, owner, owner uid and id of the namespace reached through `path` (a namespace
    /// link, an fd, or a bind-mounted nsfs file), plus every ancestor and owner found on the way.
    func inspectNamespace(at path: String, type: NamespaceType, inode: UInt64) -> NamespaceInspection
    /// Who is reading, on which host.
    func readerInfo() -> ReaderInfo
}

/// Host and reader facts that do not come from per-process files.
public struct ReaderInfo: Codable, Sendable, Equatable {
    /// The reader's pid.
    public var pid: Int32
    /// The reader's real uid.
    public var uid: UInt32
    /// uname(2) `nodename`.
    public var hostname: String
    /// uname(2) `release`.
    public var kernelRelease: String
    /// ISO 8601 time the data was read.
    public var takenAt: String
    /// NS_GET_PARENT / NS_GET_USERNS answered (Linux 4.9+).
    public var namespaceHierarchy: Bool
    /// NS_GET_ID answered (Linux 6.11+).
    public var namespaceIDs: Bool

    /// Reader facts with these values.
    public init(pid: Int32, uid: UInt32, hostname: String, kernelRelease: String, takenAt: String, namespaceHierarchy: Bool, namespaceIDs: Bool) {
        self.pid = pid; self.uid = uid; self.hostname = hostname; self.kernelRelease = kernelRelease; self.takenAt = takenAt
        self.namespaceHierarchy = namespaceHierarchy; self.namespaceIDs = namespaceIDs
    }
}

/// What the nsfs ioctls (ioctl_ns(2)) said about one namespace.
public struct NamespaceFacts: Codable, Sendable, Equatable {
    /// The namespace's type.
    public var type: NamespaceType
    /// Its nsfs inode.
    public var inode: UInt64
    /// NS_GET_ID: its 64-bit id (Linux 6.11+), where the kernel has one.
    public var id: UInt64?
    /// NS_GET_PARENT: the inode of its parent (pid and user namespaces); nil at the top of what
    /// the reader may see.
    public var parent: UInt64?
    /// NS_GET_USERNS: the inode of the user namespace that owns it; nil at the top.
    public var owner: UInt64?
    /// NS_GET_OWNER_UID: for a user namespace, its creator's uid in the reader's user namespace.
    public var ownerUID: UInt32?
    /// Set when a relation could not be asked for a reason other than "this is the top of what
    /// the reader may see" (EPERM), e.g. "parent: no such file".
    public var problems: [String]

    /// Facts with these values (no relation known by default).
    public init(type: NamespaceType, inode: UInt64, id: UInt64? = nil, parent: UInt64? = nil, owner: UInt64? = nil,
                ownerUID: UInt32? = nil, problems: [String] = []) {
        self.type = type; self.inode = inode; self.id = id; self.parent = parent; self.owner = owner; self.ownerUID = ownerUID
        self.problems = problems
    }
}

/// The facts about a namespace and the ancestors/owners discovered while asking.
public struct NamespaceInspection: Sendable {
    /// Facts about the namespace asked for, nil if it could not be opened.
    public var subject: NamespaceFacts?
    /// Facts about namespaces reached by NS_GET_PARENT / NS_GET_USERNS (may include some
    /// that no process is in: hidden ancestors).
    public var discovered: [NamespaceFacts]
    /// Why the namespace could not be opened, if so.
    public var openError: ProcReadError?

    /// An inspection with these parts.
    public init(subject: NamespaceFacts?, discovered: [NamespaceFacts] = [], openError: ProcReadError? = nil) {
        self.subject = subject; self.discovered = discovered; self.openError = openError
    }
}

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
    func listDirectory(_ path: String) throws(ProcReadError) -> [String]
    func readFile(_ path: String) throws(ProcReadError) -> [UInt8]
    func readLink(_ path: String) throws(ProcReadError) -> [UInt8]
    /// Parent, owner, owner uid and id of the namespace reached through `path` (a namespace
    /// link, an fd, or a bind-mounted nsfs file), plus every ancestor and owner found on the way.
    func inspectNamespace(at path: String, type: NamespaceType, inode: UInt64) -> NamespaceInspection
    /// Who is reading, on which host.
    func readerInfo() -> ReaderInfo
}

/// Host and reader facts that do not come from per-process files.
public struct ReaderInfo: Codable, Sendable, Equatable {
    public var pid: Int32
    public var uid: UInt32
    public var hostname: String
    public var kernelRelease: String
    /// ISO 8601 time the data was read.
    public var takenAt: String
    /// NS_GET_PARENT / NS_GET_USERNS answered (Linux 4.9+).
    public var namespaceHierarchy: Bool
    /// NS_GET_ID answered (Linux 6.11+).
    public var namespaceIDs: Bool

    public init(pid: Int32, uid: UInt32, hostname: String, kernelRelease: String, takenAt: String, namespaceHierarchy: Bool, namespaceIDs: Bool) {
        self.pid = pid; self.uid = uid; self.hostname = hostname; self.kernelRelease = kernelRelease; self.takenAt = takenAt
        self.namespaceHierarchy = namespaceHierarchy; self.namespaceIDs = namespaceIDs
    }
}

/// What the nsfs ioctls (ioctl_ns(2)) said about one namespace.
public struct NamespaceFacts: Codable, Sendable, Equatable {
    public var type: NamespaceType
    public var inode: UInt64
    public var id: UInt64?
    public var parent: UInt64?
    public var owner: UInt64?
    public var ownerUID: UInt32?
    /// Set when a relation could not be asked for a reason other than "this is the top of what
    /// the reader may see" (EPERM), e.g. "parent: no such file".
    public var problems: [String]

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

    public init(subject: NamespaceFacts?, discovered: [NamespaceFacts] = [], openError: ProcReadError? = nil) {
        self.subject = subject; self.discovered = discovered; self.openError = openError
    }
}

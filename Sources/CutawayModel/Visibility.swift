/// What a scan could not see, and why. cutaway never guesses: anything it could not read
/// is counted here, and the reports say what would show it.
public struct Visibility: Sendable, Hashable, Codable {
    /// Processes listed in `/proc` when the scan started.
    public var processesListed: Int = 0
    /// Processes that exited while being read (ENOENT/ESRCH), skipped.
    public var processesGone: Int = 0
    /// Threads that exited while being read.
    public var threadsGone: Int = 0
    /// Processes whose namespace links could not be read (EACCES: the ptrace read check of
    /// proc(5)); their namespaces are missing from the snapshot unless another process shows them.
    public var processesDenied: Int = 0
    /// The pids counted in `processesDenied`.
    public var deniedPIDs: [Int32] = []
    /// Zombies: their mnt/net links are gone (ENOENT) while user/pid still resolve.
    public var zombieLinks: Int = 0
    /// `/proc/PID/fd` directories that could not be listed (permission denied).
    public var fdDirectoriesDenied: Int = 0
    /// Mount namespaces whose mount table no member process let cutaway read.
    public var mountTablesUnreadable: Int = 0
    /// User namespaces with no readable `uid_map`/`gid_map`.
    public var idMapsUnreadable: Int = 0
    /// Namespaces whose parent/owner could not be asked (ioctl refused for reasons other than
    /// reaching the top of what the reader may see).
    public var relationsUnavailable: Int = 0
    /// Whether the reader ran with uid 0.
    public var readerIsRoot: Bool = false
    /// Sentences for people: what is missing and what would show it.
    public var hints: [String] = []
    /// Whether network and IPC namespaces were looked into at all (live snapshots only: a
    /// capture holds no netlink answers and no `/proc/sysvipc` of other namespaces).
    public var namespaceContentsRead: Bool = false
    /// Network namespaces whose devices and routes could not be read, and why.
    public var networksUnread: [UnreadNamespace] = []
    /// IPC namespaces whose System V objects could not be read, and why.
    public var ipcUnread: [UnreadNamespace] = []
    /// IPC namespaces whose POSIX message queues are unknown (no mount of their mqueue file
    /// system was found, or none could be tied to them), and why.
    public var posixMessageQueuesUnknown: [UnreadNamespace] = []

    /// Nothing hidden yet: every count zero; the scanner adds what it cannot read.
    public init() {}

    /// True when nothing was hidden from the reader (processes that exited do not count).
    public var complete: Bool {
        processesDenied == 0 && fdDirectoriesDenied == 0 && mountTablesUnreadable == 0 && idMapsUnreadable == 0 && relationsUnavailable == 0
            && networksUnread.isEmpty && ipcUnread.isEmpty
    }

    enum CodingKeys: String, CodingKey {
        case processesListed, processesGone, threadsGone, processesDenied, deniedPIDs, zombieLinks, fdDirectoriesDenied,
             mountTablesUnreadable, idMapsUnreadable, relationsUnavailable, readerIsRoot, hints, complete,
             namespaceContentsRead, networksUnread, ipcUnread, posixMessageQueuesUnknown
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        processesListed = try c.decode(Int.self, forKey: .processesListed)
        processesGone = try c.decode(Int.self, forKey: .processesGone)
        threadsGone = try c.decode(Int.self, forKey: .threadsGone)
        processesDenied = try c.decode(Int.self, forKey: .processesDenied)
        deniedPIDs = try c.decode([Int32].self, forKey: .deniedPIDs)
        zombieLinks = try c.decode(Int.self, forKey: .zombieLinks)
        fdDirectoriesDenied = try c.decode(Int.self, forKey: .fdDirectoriesDenied)
        mountTablesUnreadable = try c.decode(Int.self, forKey: .mountTablesUnreadable)
        idMapsUnreadable = try c.decode(Int.self, forKey: .idMapsUnreadable)
        relationsUnavailable = try c.decode(Int.self, forKey: .relationsUnavailable)
        readerIsRoot = try c.decode(Bool.self, forKey: .readerIsRoot)
        hints = try c.decode([String].self, forKey: .hints)
        namespaceContentsRead = try c.decodeIfPresent(Bool.self, forKey: .namespaceContentsRead) ?? false
        networksUnread = try c.decodeIfPresent([UnreadNamespace].self, forKey: .networksUnread) ?? []
        ipcUnread = try c.decodeIfPresent([UnreadNamespace].self, forKey: .ipcUnread) ?? []
        posixMessageQueuesUnknown = try c.decodeIfPresent([UnreadNamespace].self, forKey: .posixMessageQueuesUnknown) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(complete, forKey: .complete)
        try c.encode(processesListed, forKey: .processesListed)
        try c.encode(processesGone, forKey: .processesGone)
        try c.encode(threadsGone, forKey: .threadsGone)
        try c.encode(processesDenied, forKey: .processesDenied)
        try c.encode(deniedPIDs, forKey: .deniedPIDs)
        try c.encode(zombieLinks, forKey: .zombieLinks)
        try c.encode(fdDirectoriesDenied, forKey: .fdDirectoriesDenied)
        try c.encode(mountTablesUnreadable, forKey: .mountTablesUnreadable)
        try c.encode(idMapsUnreadable, forKey: .idMapsUnreadable)
        try c.encode(relationsUnavailable, forKey: .relationsUnavailable)
        try c.encode(readerIsRoot, forKey: .readerIsRoot)
        try c.encode(hints, forKey: .hints)
        try c.encode(namespaceContentsRead, forKey: .namespaceContentsRead)
        try c.encode(networksUnread, forKey: .networksUnread)
        try c.encode(ipcUnread, forKey: .ipcUnread)
        try c.encode(posixMessageQueuesUnknown, forKey: .posixMessageQueuesUnknown)
    }
}

/// A problem found in the input that did not stop the scan, e.g. a malformed mountinfo line.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file, as a path under the proc root that was read (e.g. `/proc/1234/mountinfo`).
    public var file: String
    /// 1-based line number, where the problem is in one line.
    public var line: Int?
    /// What is wrong, in one sentence.
    public var message: String

    /// A problem in `file` (at `line`, where it is in one line).
    public init(file: String, line: Int? = nil, message: String) { self.file = file; self.line = line; self.message = message }

    /// `FILE line N: what is wrong`.
    public var description: String { line.map { "\(file) line \($0): \(message)" } ?? "\(file): \(message)" }
}

/// Everything cutaway read from one host at one time. The single input of every analysis
/// and renderer; it round-trips through JSON (`cutaway snapshot --json`, `--from FILE`).
public struct Snapshot: Sendable, Codable {
    /// Bumped when the JSON shape changes incompatibly.
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    public var hostname: String
    public var kernelRelease: String
    /// ISO 8601, UTC.
    public var takenAt: String
    /// `live` or `capture:<dir>`.
    public var origin: String
    public var reader: Reader
    public var features: Features
    public var processes: [ProcessRecord]
    public var namespaces: [Namespace]
    public var mountTables: [MountTable]
    public var idMaps: [UserNamespaceIDMaps]
    public var visibility: Visibility
    public var diagnostics: [Diagnostic]

    /// Who read the snapshot: ids and maps are relative to this process's namespaces.
    public struct Reader: Sendable, Codable, Hashable {
        public var pid: Int32
        public var uid: UInt32
        /// The reader's own namespaces: "the host" in every sentence cutaway prints.
        public var namespaces: [NamespaceType: UInt64]
        public init(pid: Int32, uid: UInt32, namespaces: [NamespaceType: UInt64]) {
            self.pid = pid; self.uid = uid; self.namespaces = namespaces
        }
    }

    /// Kernel interfaces found by probing, not by version numbers.
    public struct Features: Sendable, Codable, Hashable {
        /// NS_GET_PARENT / NS_GET_USERNS (Linux 4.9+).
        public var namespaceHierarchy: Bool
        /// NS_GET_ID (Linux 6.11+).
        public var namespaceIDs: Bool
        public init(namespaceHierarchy: Bool, namespaceIDs: Bool) { self.namespaceHierarchy = namespaceHierarchy; self.namespaceIDs = namespaceIDs }
    }

    public init(formatVersion: Int = Snapshot.currentFormatVersion, hostname: String, kernelRelease: String, takenAt: String,
                origin: String, reader: Reader, features: Features, processes: [ProcessRecord], namespaces: [Namespace],
                mountTables: [MountTable], idMaps: [UserNamespaceIDMaps], visibility: Visibility, diagnostics: [Diagnostic]) {
        self.formatVersion = formatVersion; self.hostname = hostname; self.kernelRelease = kernelRelease; self.takenAt = takenAt
        self.origin = origin; self.reader = reader; self.features = features; self.processes = processes
        self.namespaces = namespaces; self.mountTables = mountTables; self.idMaps = idMaps; self.visibility = visibility
        self.diagnostics = diagnostics
    }
}

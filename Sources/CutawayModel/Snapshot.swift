/// Everything cutaway read from one host at one time. The single input of every analysis
/// and renderer; it round-trips through JSON (`cutaway snapshot --json`, `--from FILE`).
public struct Snapshot: Sendable, Codable {
    /// Bumped when the JSON shape changes incompatibly.
    public static let currentFormatVersion = 1

    /// The shape of this snapshot's JSON (``currentFormatVersion`` when written by this cutaway).
    public var formatVersion: Int
    /// The host's name (uname(2) `nodename`) of the reader's UTS namespace.
    public var hostname: String
    /// The kernel release (uname(2) `release`, e.g. `6.18.0-1-amd64`).
    public var kernelRelease: String
    /// ISO 8601, UTC.
    public var takenAt: String
    /// The live kernel or a capture directory.
    public var origin: SnapshotOrigin
    /// The process that read the snapshot (its pid, uid and namespaces).
    public var reader: Reader
    /// Which nsfs ioctls (ioctl_ns(2)) the kernel answered.
    public var features: Features
    /// Every process whose `/proc/PID/status` could be read (not those that exited meanwhile),
    /// in pid order.
    public var processes: [ProcessRecord]
    /// Every namespace found: through a process's `/proc/PID/ns` links, a thread's, an open fd,
    /// a bind mount of an nsfs file, or as the parent or owner of another (namespaces(7)).
    public var namespaces: [Namespace]
    /// One mount table per mount namespace that a member process let cutaway read.
    public var mountTables: [MountTable]
    /// The uid and gid maps of every user namespace whose map files could be read.
    public var idMaps: [UserNamespaceIDMaps]
    /// What the scan could not see, and why.
    public var visibility: Visibility
    /// Problems in the input that did not stop the scan (a malformed line, an unexpected value).
    public var diagnostics: [Diagnostic]
    /// Containers found in the engines' stores (live snapshots only; a capture has none).
    public var containers: [Container] = []
    /// What the overlay diagrams show, per overlay mount of the reader's mount namespace
    /// (live snapshots only: layer contents are not in a capture).
    public var overlays: [OverlayPicture] = []
    /// What is inside each network namespace: devices, addresses, routes (live snapshots only).
    public var networks: [NetworkNamespace] = []
    /// What is inside each IPC namespace: System V objects, POSIX message queues (live snapshots only).
    public var ipc: [IPCNamespace] = []

    /// Who read the snapshot: ids and maps are relative to this process's namespaces.
    public struct Reader: Sendable, Codable, Hashable {
        /// The reader's pid in its own pid namespace.
        public var pid: Int32
        /// The reader's real uid (getuid(2)).
        public var uid: UInt32
        /// The reader's own namespaces: "the host" in every sentence cutaway prints.
        public var namespaces: [NamespaceType: UInt64]
        /// A reader with these ids and namespace inodes.
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
        /// What the probes found.
        public init(namespaceHierarchy: Bool, namespaceIDs: Bool) { self.namespaceHierarchy = namespaceHierarchy; self.namespaceIDs = namespaceIDs }
    }

    /// A snapshot of the kernel facts; containers, overlays and namespace contents are filled in
    /// afterwards, by whoever reads them (they start empty).
    public init(formatVersion: Int = Snapshot.currentFormatVersion, hostname: String, kernelRelease: String, takenAt: String,
                origin: SnapshotOrigin, reader: Reader, features: Features, processes: [ProcessRecord], namespaces: [Namespace],
                mountTables: [MountTable], idMaps: [UserNamespaceIDMaps], visibility: Visibility, diagnostics: [Diagnostic]) {
        self.formatVersion = formatVersion; self.hostname = hostname; self.kernelRelease = kernelRelease; self.takenAt = takenAt
        self.origin = origin; self.reader = reader; self.features = features; self.processes = processes
        self.namespaces = namespaces; self.mountTables = mountTables; self.idMaps = idMaps; self.visibility = visibility
        self.diagnostics = diagnostics
    }
}

extension Snapshot {
    enum CodingKeys: String, CodingKey {
        case formatVersion, hostname, kernelRelease, takenAt, origin, reader, features, processes, namespaces, mountTables, idMaps,
             visibility, diagnostics, containers, overlays, networks, ipc
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        hostname = try c.decode(String.self, forKey: .hostname)
        kernelRelease = try c.decode(String.self, forKey: .kernelRelease)
        takenAt = try c.decode(String.self, forKey: .takenAt)
        origin = try c.decode(SnapshotOrigin.self, forKey: .origin)
        reader = try c.decode(Reader.self, forKey: .reader)
        features = try c.decode(Features.self, forKey: .features)
        processes = try c.decode([ProcessRecord].self, forKey: .processes)
        namespaces = try c.decode([Namespace].self, forKey: .namespaces)
        mountTables = try c.decode([MountTable].self, forKey: .mountTables)
        idMaps = try c.decode([UserNamespaceIDMaps].self, forKey: .idMaps)
        visibility = try c.decode(Visibility.self, forKey: .visibility)
        diagnostics = try c.decode([Diagnostic].self, forKey: .diagnostics)
        containers = try c.decodeIfPresent([Container].self, forKey: .containers) ?? []
        overlays = try c.decodeIfPresent([OverlayPicture].self, forKey: .overlays) ?? []
        networks = try c.decodeIfPresent([NetworkNamespace].self, forKey: .networks) ?? []
        ipc = try c.decodeIfPresent([IPCNamespace].self, forKey: .ipc) ?? []
    }
}

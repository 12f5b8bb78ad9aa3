import CutawayModel

/// What the passes of a ``SnapshotScanner`` share: the facts found so far. Each pass reads
/// what earlier passes found and adds its own; none of them writes words for people (the
/// renderers do, from the counts in ``Visibility``).
public struct ScanState {
    /// Who is reading, and what the kernel offers (from ``ProcSource/readerInfo()``).
    public var reader: ReaderInfo
    /// The pids listed in `/proc` when the scan started, ascending.
    public var pids: [Int32] = []
    /// Processes whose status could be read, ascending by pid.
    public var processes: [ProcessRecord] = []
    /// Every namespace seen so far, with its members and holders.
    public var ledger = NamespaceLedger()
    /// One per mount namespace whose mountinfo could be read (only the nsfs mounts when the
    /// scan was asked for holders only).
    public var mountTables: [MountTable] = []
    /// Filled by the relations pass from the ledger.
    public var namespaces: [Namespace] = []
    /// The id maps of each user namespace with a readable member.
    public var idMaps: [UserNamespaceIDMaps] = []
    /// What could not be seen so far.
    public var visibility = Visibility()
    /// Problems in the input so far (malformed lines, unexpected values).
    public var diagnostics: [Diagnostic] = []
    /// Relations asked during the process walk (``ProcessPass/inspectsNamespaces``), by namespace.
    var namespaceInspections: [SnapshotIndex.NamespaceKey: NamespaceInspection] = [:]
    /// The inspectors that asked them, one per worker, for the relation pass to go on with.
    var namespaceInspectors: [LiveNamespaceInspector] = []

    /// An empty state for a scan by `reader`.
    public init(reader: ReaderInfo) {
        self.reader = reader
        visibility.readerIsRoot = reader.uid == 0
    }

    mutating func deny(_ pid: Int32) {
        visibility.processesDenied += 1
        visibility.deniedPIDs.append(pid)
    }
}

/// Every namespace seen so far, in the order first seen, with its members and holders.
public struct NamespaceLedger {
    /// One namespace while scanning.
    public struct Entry {
        /// The namespace's type.
        public var type: NamespaceType
        /// The namespace's nsfs inode.
        public var inode: UInt64
        /// Member processes (thread group leaders), as noted.
        public var pids: [Int32] = []
        /// Threads in it whose process's main thread is not.
        public var threads: [Int32] = []
        /// What else keeps it alive: bind mounts, open fds, `*_for_children` links.
        public var holders: [NamespaceHolder] = []
        /// The first path (relative to the proc root) it was seen through, for the ioctls.
        public var via: String
    }

    /// Every namespace noted, by type and inode.
    public private(set) var entries: [SnapshotIndex.NamespaceKey: Entry] = [:]
    /// Keys in the order first seen (deterministic: passes note in pid order).
    public private(set) var order: [SnapshotIndex.NamespaceKey] = []

    /// An empty ledger.
    public init() {}

    /// Makes room for `count` namespaces (a scan expects about two per process), so that
    /// noting them does not grow and rehash the table again and again.
    public mutating func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(count)
        order.reserveCapacity(count)
    }

    /// The entry of a namespace, if it was noted.
    public subscript(key: SnapshotIndex.NamespaceKey) -> Entry? { entries[key] }

    /// Records that `type:inode` was seen through `path`, and what holds it.
    public mutating func note(_ type: NamespaceType, _ inode: UInt64, via path: @autoclosure () -> String, _ update: (inout Entry) -> Void) {
        let key = SnapshotIndex.NamespaceKey(type, inode)
        // One lookup: the entry is updated in place where it is.
        if let index = entries.index(forKey: key) {
            update(&entries.values[index])
        } else {
            var entry = Entry(type: type, inode: inode, via: path())
            update(&entry)
            entries[key] = entry
            order.append(key)
        }
    }
}

/// One step of a scan: reads one kind of source and adds what it found to the state.
public protocol ScanPass {
    /// Reads what this pass reads from `source` and adds it to `state`.
    func run(_ state: inout ScanState, source: any ProcSource)
}

/// A pass whose reads are per process (`/proc/PID/...`). Run alone, it opens each process's
/// directory itself; in a ``SnapshotScanner`` the process pass does its reads on the same
/// open directory, in the same walk of `/proc` (``ProcessPass/run(_:source:along:)``), and
/// it records after the process pass has recorded everything, as if it ran after it.
protocol ProcessFilesPass: ScanPass {
    /// Reads one recorded process's files (on a worker thread; reads only).
    func read(_ process: ProcessRecord, in dir: ProcessDirectory) -> any Sendable
    /// Records `readings[i]`, the reading of `state.processes[i]`, in that order.
    func record(_ readings: [any Sendable], into state: inout ScanState)
}

extension ProcessFilesPass {
    /// The pass alone: each process's directory opened for it, read in parallel, recorded in order.
    func runAlone(_ state: inout ScanState, source: any ProcSource) {
        let processes = state.processes
        let readings = ParallelMap.map(processes.count, concurrent: source is DirectoryProcSource) { i -> any Sendable in
            guard let dir = ProcessDirectory.open(processes[i].pid, in: source) else { return () }
            return read(processes[i], in: dir)
        }
        record(readings, into: &state)
    }
}

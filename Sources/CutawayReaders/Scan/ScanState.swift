import CutawayModel

/// What the passes of a ``SnapshotScanner`` share: the facts found so far. Each pass reads
/// what earlier passes found and adds its own; none of them writes words for people (the
/// renderers do, from the counts in ``Visibility``).
public struct ScanState {
    public var reader: ReaderInfo
    /// The pids listed in `/proc` when the scan started, ascending.
    public var pids: [Int32] = []
    /// Processes whose status could be read, ascending by pid.
    public var processes: [ProcessRecord] = []
    public var ledger = NamespaceLedger()
    /// One per mount namespace whose mountinfo could be read (only the nsfs mounts when the
    /// scan was asked for holders only).
    public var mountTables: [MountTable] = []
    /// Filled by the relations pass from the ledger.
    public var namespaces: [Namespace] = []
    public var idMaps: [UserNamespaceIDMaps] = []
    public var visibility = Visibility()
    public var diagnostics: [Diagnostic] = []

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
        public var type: NamespaceType
        public var inode: UInt64
        public var pids: [Int32] = []
        public var threads: [Int32] = []
        public var holders: [NamespaceHolder] = []
        /// The first path (relative to the proc root) it was seen through, for the ioctls.
        public var via: String
    }

    public private(set) var entries: [SnapshotIndex.NamespaceKey: Entry] = [:]
    /// Keys in the order first seen (deterministic: passes note in pid order).
    public private(set) var order: [SnapshotIndex.NamespaceKey] = []

    public init() {}

    public subscript(key: SnapshotIndex.NamespaceKey) -> Entry? { entries[key] }

    /// Records that `type:inode` was seen through `path`, and what holds it.
    public mutating func note(_ type: NamespaceType, _ inode: UInt64, via path: @autoclosure () -> String, _ update: (inout Entry) -> Void) {
        let key = SnapshotIndex.NamespaceKey(type, inode)
        if entries[key] == nil {
            entries[key] = Entry(type: type, inode: inode, via: path())
            order.append(key)
        }
        update(&entries[key]!)
    }
}

/// One step of a scan: reads one kind of source and adds what it found to the state.
public protocol ScanPass {
    func run(_ state: inout ScanState, source: any ProcSource)
}

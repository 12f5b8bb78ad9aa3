import CutawayModel

/// Builds a ``Snapshot`` from a ``ProcSource`` as a pipeline of small passes, one per
/// source, in the manner of lxkns's discovery: processes, threads, open fds, mount tables,
/// bind-mount holders, namespace relations, id maps (``passes``). Each pass reads what the
/// earlier ones recorded in a ``ScanState``, can be run alone on a scripted source, and
/// spreads its reads over the cores while recording in pid or inode order, so the result
/// does not depend on timing.
///
/// Cost: one walk of `/proc` (each `/proc/PID` opened once, for the process, thread and fd
/// passes together, and each file opened relative to it);
/// each mount namespace's mountinfo and each user namespace's maps are read once, from one
/// member; each namespace is inspected once. Races (a process exiting mid-scan) are skipped
/// and counted, never errors. The scanner records facts only; the renderers put them in words.
public final class SnapshotScanner {
    /// What a scan reads (everything by default).
    public struct Options: Sendable {
        /// Read `/proc/PID/task/*/ns` (threads in other namespaces).
        public var threads = true
        /// Read `/proc/PID/fd/*` (namespaces held by open fds).
        public var fileDescriptors = true
        /// Read `/proc/PID/status`, `stat` and `comm` (each process's ppid, ids, start time, name).
        public var processDetails = true
        /// Read `/proc/PID/cmdline` (the snapshot's `commandLine`).
        public var commandLines = true
        /// Parse whole mount tables (`.all`), or only find the nsfs bind mounts that hold
        /// namespaces (`.namespaceFilesOnly`, for the namespace views; no tables in the result).
        public var mountTables: MountTablePass.Scope = .all
        /// Look inside every network and IPC namespace (devices, routes, IPC objects; live
        /// only, see ``NamespaceContentsReader``).
        public var namespaceContents = true
        /// Every source read.
        public init() {}

        /// What `cutaway namespaces --json` needs: members, holders, relations and id maps.
        public static var namespacesOnly: Options {
            var o = Options()
            o.processDetails = false
            o.commandLines = false
            o.mountTables = .namespaceFilesOnly
            o.namespaceContents = false
            return o
        }
    }

    private let source: any ProcSource
    private let options: Options

    /// A scanner of `source` that reads what `options` asks for.
    public init(source: any ProcSource, options: Options = Options()) {
        self.source = source
        self.options = options
    }

    /// The passes, in order. A new source of facts is one more entry here.
    public var passes: [any ScanPass] {
        var list: [any ScanPass] = [ProcessPass(details: options.processDetails, commandLines: options.commandLines, inspectsNamespaces: true)]
        if options.threads { list.append(ThreadPass()) }
        if options.fileDescriptors { list.append(FileDescriptorPass()) }
        list.append(MountTablePass(scope: options.mountTables))
        list.append(BindMountHolderPass())
        list.append(NamespaceRelationPass())
        list.append(IDMapPass())
        return list
    }

    /// Runs the passes over the source and returns the snapshot; never throws (what could not be
    /// read is in its ``Snapshot/visibility`` and ``Snapshot/diagnostics``).
    public func scan() -> Snapshot {
        let reader = source.readerInfo()
        var state = ScanState(reader: reader)
        var list = passes
        // The per-process passes right after the process pass share its walk of /proc.
        if let processes = list.first as? ProcessPass {
            let along = list.dropFirst().prefix { $0 is any ProcessFilesPass }.compactMap { $0 as? any ProcessFilesPass }
            processes.run(&state, source: source, along: along)
            list.removeFirst(1 + along.count)
        }
        // Consecutive per-namespace passes share one parallel sweep.
        while let pass = list.first {
            let swept = list.prefix { $0 is any SweepPass }.compactMap { $0 as? any SweepPass }
            if swept.count > 1 {
                SweepPassRunner.sweep(swept, &state, source: source)
                list.removeFirst(swept.count)
            } else {
                pass.run(&state, source: source)
                list.removeFirst()
            }
        }
        let readerNamespaces = ProcessDirectory.open(reader.pid, in: source).map { NamespaceLinks.read($0, "ns", forChildren: false).links } ?? [:]
        var snapshot = Snapshot(
            hostname: reader.hostname, kernelRelease: reader.kernelRelease, takenAt: reader.takenAt,
            origin: source.rootDescription == "/proc" ? .live : .capture(directory: source.rootDescription),
            reader: .init(pid: reader.pid, uid: reader.uid, namespaces: readerNamespaces),
            features: .init(namespaceHierarchy: reader.namespaceHierarchy, namespaceIDs: reader.namespaceIDs),
            processes: state.processes, namespaces: state.namespaces,
            mountTables: options.mountTables == .all ? state.mountTables : [], idMaps: state.idMaps,
            visibility: state.visibility, diagnostics: state.diagnostics
        )
        // Devices, routes and IPC objects inside each network and IPC namespace (live only).
        if options.namespaceContents { NamespaceContentsReader.fill(&snapshot, source: source) }
        return snapshot
    }
}

import CutawayModel

/// Pass 1, processes: lists `/proc`, then reads each process's `status`, `stat` (start time
/// and name; `comm` only when stat gives none), `cmdline` and namespace links (`ns/TYPE`,
/// `ns/pid_for_children`, `ns/time_for_children`), all relative to its directory. Records
/// members and `*_for_children` holders; counts processes that exited (skipped) or refused
/// (denied). Processes are read in parallel and recorded in pid order.
public struct ProcessPass: ScanPass {
    /// Read `status`, `stat` and `comm` (ppid, ids, NSpid, start time, name: the snapshot and
    /// the text views show them; `namespaces --json` does not).
    public var details: Bool
    /// Read `cmdline` (the snapshot keeps it; the namespace views do not need it).
    public var commandLines: Bool

    /// On the live `/proc`, ask each namespace for its relations (``NamespaceRelationPass``)
    /// the first time a process shows it, during the walk, through the process's `ns`
    /// directory that is open anyway: one name to look up instead of a whole path later, and
    /// no wait between the passes. The relation pass takes these answers and asks the rest.
    /// The answers do not depend on which member was asked, so the result is the same.
    public var inspectsNamespaces: Bool

    /// The pass, reading details and command lines as asked.
    public init(details: Bool = true, commandLines: Bool = true, inspectsNamespaces: Bool = false) {
        self.details = details; self.commandLines = commandLines; self.inspectsNamespaces = inspectsNamespaces
    }

    /// What reading one process gave, before it is recorded.
    enum Reading {
        case gone
        case statusDenied(Diagnostic?)
        case read(ProcessRecord, forChildren: [String: UInt64], errors: [ProcReadError], diagnostics: [Diagnostic])
    }

    /// One process's reading, what the passes along read of it, and the namespaces it was
    /// the first to show, with their answers.
    typealias Outcome = (reading: Reading, along: [any Sendable], inspected: [(SnapshotIndex.NamespaceKey, NamespaceInspection)])

    /// The pass alone (no other per-process pass sharing its walk).
    public func run(_ state: inout ScanState, source: any ProcSource) { run(&state, source: source, along: []) }

    /// The pass, with the per-process reads of `along` done in the same walk: each process's
    /// directory is opened once, for this pass and for them. Each of `along` then records as if
    /// it ran after this pass, in the order given.
    func run(_ state: inout ScanState, source: any ProcSource, along: [any ProcessFilesPass]) {
        do {
            state.pids = try source.listDirectory("").compactMap { Int32($0) }.sorted()
        } catch {
            state.diagnostics.append(Diagnostic(file: source.rootDescription, message: "cannot list processes: \(error)"))
            state.pids = []
        }
        state.visibility.processesListed = state.pids.count
        let pids = state.pids
        let concurrent = source is DirectoryProcSource
        let inspectors = inspectsNamespaces && concurrent && source.rootDescription == "/proc"
            ? (0..<ParallelMap.workers).map { _ in LiveNamespaceInspector(procRoot: "/proc") } : []
        let claims = NamespaceClaims()
        let readings = ParallelMap.mapWithWorker(pids.count, concurrent: concurrent) { worker, i -> Outcome in
            guard let dir = ProcessDirectory.open(pids[i], in: source) else { return (.gone, [], []) }
            let (reading, nsDirectory) = read(pids[i], dir, source)
            guard case .read(let record, _, _, _) = reading else { return (reading, [], []) }
            var inspected: [(SnapshotIndex.NamespaceKey, NamespaceInspection)] = []
            if !inspectors.isEmpty, let nsFD = nsDirectory?.descriptor {
                for (type, inode) in record.namespaces where claims.claim(.init(type, inode)) {
                    inspected.append((.init(type, inode), inspectors[worker].inspect(
                        link: type.rawValue, in: nsFD, path: "\(pids[i])/ns/\(type.rawValue)", type: type, inode: inode)))
                }
            }
            return (reading, along.map { $0.read(record, in: dir) }, inspected)
        }
        state.namespaceInspectors = inspectors
        state.processes.reserveCapacity(pids.count)
        state.ledger.reserveCapacity(2 * pids.count + 64)
        state.namespaceInspections.reserveCapacity(2 * pids.count + 64)
        var alongReadings = along.map { _ in [any Sendable]() }
        for (pid, (reading, extra, inspected)) in zip(pids, readings) {
            for (key, inspection) in inspected { state.namespaceInspections[key] = inspection }
            switch reading {
            case .gone:
                state.visibility.processesGone += 1
            case .statusDenied(let refusal):
                if let refusal { state.diagnostics.append(refusal) }
                state.deny(pid)
            case .read(var record, let forChildren, let errors, let diagnostics):
                state.diagnostics.append(contentsOf: diagnostics)
                let links = record.namespaces
                if errors.contains(.permissionDenied) {
                    state.deny(pid)
                } else if !errors.isEmpty && !links.isEmpty {
                    state.visibility.zombieLinks += 1 // mnt/net vanish first when a process is exiting
                } else if links.isEmpty && errors.contains(.gone) {
                    state.visibility.processesGone += 1
                    continue
                }
                for type in NamespaceType.allCases {
                    guard let inode = links[type] else { continue }
                    state.ledger.note(type, inode, via: "\(pid)/ns/\(type.rawValue)") { $0.pids.append(pid) }
                }
                if let child = forChildren["pid_for_children"], child != links[.pid] {
                    record.pidForChildren = child
                    state.ledger.note(.pid, child, via: "\(pid)/ns/pid_for_children") { $0.holders.append(.init(kind: .pidForChildren, pid: pid)) }
                }
                if let child = forChildren["time_for_children"], child != links[.time] {
                    record.timeForChildren = child
                    state.ledger.note(.time, child, via: "\(pid)/ns/time_for_children") { $0.holders.append(.init(kind: .timeForChildren, pid: pid)) }
                }
                state.processes.append(record)
                for k in alongReadings.indices { alongReadings[k].append(extra[k]) }
            }
        }
        for (pass, readings) in zip(along, alongReadings) { pass.record(readings, into: &state) }
    }

    /// One process's reading, and its `ns` directory when it was opened as one.
    func read(_ pid: Int32, _ dir: ProcessDirectory, _ source: any ProcSource) -> (Reading, ProcessDirectory?) {
        guard details else {
            var record = ProcessRecord(pid: pid)
            let links = NamespaceLinks.read(dir, "ns")
            record.namespaces = links.links
            return (.read(record, forChildren: links.forChildren, errors: links.errors, diagnostics: []), links.directory)
        }
        let status: ProcStatus
        let diagnostics: [Diagnostic]
        let file = "\(source.rootDescription)/\(pid)/status"
        do {
            (status, diagnostics) = ProcStatusParser.parse(try dir.readFile("status"), file: file)
        } catch {
            // A FIFO, device or link where status should be (a planted capture): say so.
            return (error == .gone ? .gone : .statusDenied(error.isRefusal ? Diagnostic(file: file, message: "not read: \(error)") : nil), nil)
        }
        var record = ProcessRecord(pid: pid, ppid: status.ppid ?? 0, uids: status.uids, gids: status.gids,
                                   nsPID: status.nsPID, nsTGID: status.nsTGID)
        if let stat = try? dir.readFile("stat") {
            record.startTime = ProcStatParser.startTime(stat) ?? 0
            // stat's field 2 is comm: one file fewer per process.
            if let name = ProcStatParser.command(stat) { record.command = ByteString(name) }
        }
        if record.command.isEmpty, var comm = try? dir.readFile("comm") {
            if comm.last == ByteScanning.newline { comm.removeLast() }
            record.command = ByteString(comm)
        }
        if commandLines, let cmdline = try? dir.readFile("cmdline"), !cmdline.isEmpty {
            var args = ByteScanning.split(cmdline[...], on: 0)
            if args.last?.isEmpty == true { args.removeLast() }
            record.commandLine = args.map { ByteString($0) }
        }
        let links = NamespaceLinks.read(dir, "ns")
        record.namespaces = links.links
        return (.read(record, forChildren: links.forChildren, errors: links.errors, diagnostics: diagnostics), links.directory)
    }
}

/// The namespace links of one `ns` directory (`PID/ns` or `task/TID/ns`).
struct NamespaceLinks {
    /// Sized for all eight types up front (a table grown one entry at a time is rebuilt
    /// four times, for every process).
    var links = [NamespaceType: UInt64](minimumCapacity: NamespaceType.allCases.count)
    var forChildren: [String: UInt64] = [:]
    var errors: [ProcReadError] = []
    /// The `ns` directory the links were read in, when it was opened as one.
    var directory: ProcessDirectory?

    /// The links of `dir`'s subdirectory `ns`, read relative to it when it can be opened
    /// (see ``ProcessDirectory/subdirectory(_:)``), through `ns/NAME` otherwise.
    static func read(_ dir: ProcessDirectory, _ ns: String, forChildren wanted: Bool = true) -> NamespaceLinks {
        if let sub = dir.subdirectory(ns) {
            var links = read(sub, prefix: "", forChildren: wanted)
            links.directory = sub
            return links
        }
        return read(dir, prefix: ns + "/", forChildren: wanted)
    }

    /// The links `prefix` + TYPE of `dir`.
    static func read(_ dir: ProcessDirectory, prefix: String, forChildren wanted: Bool) -> NamespaceLinks {
        var out = NamespaceLinks()
        for type in NamespaceType.allCases {
            do {
                if let (t, inode) = try dir.namespaceLink(prefix + type.rawValue), t == type { out.links[type] = inode }
            } catch { out.errors.append(error) }
        }
        guard wanted else { return out }
        for name in ["pid_for_children", "time_for_children"] {
            // ENOENT is normal here: unshare(CLONE_NEWPID) before the first child exists.
            if let link = (try? dir.namespaceLink(prefix + name)) ?? nil {
                out.forChildren[name] = link.inode
            }
        }
        return out
    }
}

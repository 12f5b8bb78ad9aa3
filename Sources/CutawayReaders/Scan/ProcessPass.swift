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

    /// The pass, reading details and command lines as asked.
    public init(details: Bool = true, commandLines: Bool = true) { self.details = details; self.commandLines = commandLines }

    /// What reading one process gave, before it is recorded.
    enum Reading {
        case gone
        case statusDenied(Diagnostic?)
        case read(ProcessRecord, forChildren: [String: UInt64], errors: [ProcReadError], diagnostics: [Diagnostic])
    }

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
        let readings = ParallelMap.map(pids.count, concurrent: source is DirectoryProcSource) { i -> (Reading, [any Sendable]) in
            guard let dir = ProcessDirectory.open(pids[i], in: source) else { return (.gone, []) }
            let reading = read(pids[i], dir, source)
            guard case .read(let record, _, _, _) = reading, !along.isEmpty else { return (reading, []) }
            return (reading, along.map { $0.read(record, in: dir) })
        }
        state.processes.reserveCapacity(pids.count)
        var alongReadings = along.map { _ in [any Sendable]() }
        for (pid, (reading, extra)) in zip(pids, readings) {
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

    func read(_ pid: Int32, _ dir: ProcessDirectory, _ source: any ProcSource) -> Reading {
        guard details else {
            var record = ProcessRecord(pid: pid)
            let links = NamespaceLinks.read(dir, "ns")
            record.namespaces = links.links
            return .read(record, forChildren: links.forChildren, errors: links.errors, diagnostics: [])
        }
        let status: ProcStatus
        let diagnostics: [Diagnostic]
        let file = "\(source.rootDescription)/\(pid)/status"
        do {
            (status, diagnostics) = ProcStatusParser.parse(try dir.readFile("status"), file: file)
        } catch {
            // A FIFO, device or link where status should be (a planted capture): say so.
            return error == .gone ? .gone : .statusDenied(error.isRefusal ? Diagnostic(file: file, message: "not read: \(error)") : nil)
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
        return .read(record, forChildren: links.forChildren, errors: links.errors, diagnostics: diagnostics)
    }
}

/// The namespace links of one `ns` directory (`PID/ns` or `task/TID/ns`).
struct NamespaceLinks {
    var links: [NamespaceType: UInt64] = [:]
    var forChildren: [String: UInt64] = [:]
    var errors: [ProcReadError] = []

    static func read(_ dir: ProcessDirectory, _ ns: String, forChildren wanted: Bool = true) -> NamespaceLinks {
        var out = NamespaceLinks()
        for type in NamespaceType.allCases {
            do {
                if let (t, inode) = NamespaceLinkParser.parse(try dir.readLink("\(ns)/\(type.rawValue)")), t == type { out.links[type] = inode }
            } catch { out.errors.append(error) }
        }
        guard wanted else { return out }
        for name in ["pid_for_children", "time_for_children"] {
            // ENOENT is normal here: unshare(CLONE_NEWPID) before the first child exists.
            if let target = try? dir.readLink("\(ns)/\(name)"), let (_, inode) = NamespaceLinkParser.parse(target) {
                out.forChildren[name] = inode
            }
        }
        return out
    }
}

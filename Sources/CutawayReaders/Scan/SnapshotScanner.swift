import CutawayModel

/// Builds a ``Snapshot`` from a ``ProcSource``: every process and thread, every namespace
/// they are in or hold (fds, `*_for_children`, nsfs bind mounts in every mount table),
/// hidden ancestors through the nsfs ioctls, one mount table per mount namespace and one
/// set of id maps per user namespace.
///
/// Cost: one pass over `/proc`; each mount namespace's mountinfo and each user namespace's
/// maps are read once, from one member; each namespace is inspected once. Races (a process
/// exiting mid-scan) are skipped and counted, never errors.
public final class SnapshotScanner {
    public struct Options: Sendable {
        /// Read `/proc/PID/task/*/ns` (threads in other namespaces).
        public var threads = true
        /// Read `/proc/PID/fd/*` (namespaces held by open fds).
        public var fileDescriptors = true
        public init() {}
    }

    private let source: any ProcSource
    private let options: Options

    public init(source: any ProcSource, options: Options = Options()) {
        self.source = source
        self.options = options
    }

    /// Accumulates one namespace while scanning.
    private struct Pending {
        var type: NamespaceType
        var inode: UInt64
        var pids: [Int32] = []
        var threads: [Int32] = []
        var holders: [NamespaceHolder] = []
        /// The first path it was seen through, for the ioctls.
        var via: String
    }

    private var pending: [SnapshotIndex.NamespaceKey: Pending] = [:]
    private var order: [SnapshotIndex.NamespaceKey] = []
    private var visibility = Visibility()
    private var diagnostics: [Diagnostic] = []

    private func note(_ type: NamespaceType, _ inode: UInt64, via path: String, _ update: (inout Pending) -> Void) {
        let key = SnapshotIndex.NamespaceKey(type, inode)
        if pending[key] == nil {
            pending[key] = Pending(type: type, inode: inode, via: path)
            order.append(key)
        }
        update(&pending[key]!)
    }

    /// Reads the namespace links in `dir` (`PID/ns` or `PID/task/TID/ns`).
    private func readLinks(_ dir: String) -> (links: [NamespaceType: UInt64], forChildren: [String: UInt64], errors: [ProcReadError]) {
        var links: [NamespaceType: UInt64] = [:]
        var forChildren: [String: UInt64] = [:]
        var errors: [ProcReadError] = []
        for type in NamespaceType.allCases {
            do {
                if let (t, inode) = NamespaceLinkParser.parse(try source.readLink("\(dir)/\(type.rawValue)")), t == type { links[type] = inode }
            } catch { errors.append(error) }
        }
        for name in ["pid_for_children", "time_for_children"] {
            // ENOENT is normal here: unshare(CLONE_NEWPID) before the first child exists.
            if let target = try? source.readLink("\(dir)/\(name)"), let (_, inode) = NamespaceLinkParser.parse(target) {
                forChildren[name] = inode
            }
        }
        return (links, forChildren, errors)
    }

    public func scan() -> Snapshot {
        pending = [:]; order = []; visibility = Visibility(); diagnostics = []
        let reader = source.readerInfo()
        visibility.readerIsRoot = reader.uid == 0

        let pids: [Int32]
        do {
            pids = try source.listDirectory("").compactMap { Int32($0) }.sorted()
        } catch {
            diagnostics.append(Diagnostic(file: source.rootDescription, message: "cannot list processes: \(error)"))
            pids = []
        }
        visibility.processesListed = pids.count

        var processes: [ProcessRecord] = []
        processes.reserveCapacity(pids.count)
        for pid in pids {
            if let p = scanProcess(pid) { processes.append(p) }
        }
        let readerNamespaces = readLinks("\(reader.pid)/ns").links

        let mountTables = scanMountTables()
        let namespaces = resolveNamespaces()
        let idMaps = scanIDMaps(namespaces)

        if visibility.processesDenied > 0 {
            let n = visibility.processesDenied
            let who = "\(n) process\(n == 1 ? "'s" : "es'") namespaces could not be read (permission denied: pid\(n == 1 ? "" : "s") \(visibility.deniedPIDs.prefix(10).map(String.init).joined(separator: ", "))\(n > 10 ? ", …" : ""))"
            visibility.hints.append(visibility.readerIsRoot
                ? "\(who); even root is refused by the ptrace access check here (a security module or a process that is not dumpable)"
                : "\(who); run cutaway as root to see them")
        }
        if visibility.fdDirectoriesDenied > 0 && !visibility.readerIsRoot {
            visibility.hints.append("\(visibility.fdDirectoriesDenied) fd directories could not be listed, so namespaces held open by those processes are missing; run as root to see them")
        }
        if visibility.mountTablesUnreadable > 0 {
            visibility.hints.append("\(visibility.mountTablesUnreadable) mount namespace(s) have no readable mount table")
        }
        if visibility.idMapsUnreadable > 0 {
            visibility.hints.append("\(visibility.idMapsUnreadable) user namespace(s) have no readable uid_map/gid_map")
        }
        if visibility.relationsUnavailable > 0 {
            visibility.hints.append("the parent or owner of \(visibility.relationsUnavailable) namespace(s) could not be asked (see each namespace's notes)")
        }

        var snapshot = Snapshot(
            hostname: reader.hostname, kernelRelease: reader.kernelRelease, takenAt: reader.takenAt,
            origin: source.rootDescription == "/proc" ? "live" : "capture:\(source.rootDescription)",
            reader: .init(pid: reader.pid, uid: reader.uid, namespaces: readerNamespaces),
            features: .init(namespaceHierarchy: reader.namespaceHierarchy, namespaceIDs: reader.namespaceIDs),
            processes: processes, namespaces: namespaces, mountTables: mountTables, idMaps: idMaps,
            visibility: visibility, diagnostics: diagnostics
        )
        // Devices, routes and IPC objects inside each network and IPC namespace (live only).
        NamespaceContentsReader.fill(&snapshot, source: source)
        return snapshot
    }

    private func scanProcess(_ pid: Int32) -> ProcessRecord? {
        let status: ProcStatus
        do {
            status = ProcStatusParser.parse(try source.readFile("\(pid)/status"))
        } catch {
            if error == .gone { visibility.processesGone += 1 } else { deny(pid) }
            return nil
        }
        var record = ProcessRecord(pid: pid, ppid: status.ppid ?? 0, uids: status.uids, gids: status.gids,
                                   nsPID: status.nsPID, nsTGID: status.nsTGID)
        if let stat = try? source.readFile("\(pid)/stat") { record.startTime = ProcStatParser.startTime(stat) ?? 0 }
        if var comm = try? source.readFile("\(pid)/comm") {
            if comm.last == ByteScanning.newline { comm.removeLast() }
            record.command = ByteString(comm)
        }
        if let cmdline = try? source.readFile("\(pid)/cmdline"), !cmdline.isEmpty {
            var args = ByteScanning.split(cmdline[...], on: 0)
            if args.last?.isEmpty == true { args.removeLast() }
            record.commandLine = args.map { ByteString($0) }
        }

        let (links, forChildren, errors) = readLinks("\(pid)/ns")
        if errors.contains(.permissionDenied) {
            deny(pid)
        } else if !errors.isEmpty && !links.isEmpty {
            visibility.zombieLinks += 1 // mnt/net vanish first when a process is exiting
        } else if links.isEmpty && errors.contains(.gone) {
            visibility.processesGone += 1
            return nil
        }
        record.namespaces = links
        for (type, inode) in links {
            note(type, inode, via: "\(pid)/ns/\(type.rawValue)") { $0.pids.append(pid) }
        }
        if let child = forChildren["pid_for_children"], child != links[.pid] {
            record.pidForChildren = child
            note(.pid, child, via: "\(pid)/ns/pid_for_children") { $0.holders.append(.init(kind: .pidForChildren, pid: pid)) }
        }
        if let child = forChildren["time_for_children"], child != links[.time] {
            record.timeForChildren = child
            note(.time, child, via: "\(pid)/ns/time_for_children") { $0.holders.append(.init(kind: .timeForChildren, pid: pid)) }
        }
        guard !links.isEmpty else { return record }

        // Every tid but the main one (no shortcut on the count: a capture checked out of git
        // has no directory for a main thread that had nothing recorded).
        if options.threads, let tids = try? source.listDirectory("\(pid)/task") {
            for tid in tids.compactMap(Int32.init).sorted() where tid != pid {
                let t = readLinks("\(pid)/task/\(tid)/ns")
                if t.links.isEmpty { visibility.threadsGone += 1; continue }
                let differing = t.links.filter { links[$0.key] != $0.value }
                guard !differing.isEmpty else { continue }
                record.threads.append(ThreadRecord(tid: tid, namespaces: differing))
                for (type, inode) in differing {
                    note(type, inode, via: "\(pid)/task/\(tid)/ns/\(type.rawValue)") { $0.threads.append(tid) }
                }
            }
        }
        if options.fileDescriptors {
            do {
                for name in try source.listDirectory("\(pid)/fd") {
                    guard let fd = Int32(name), let target = try? source.readLink("\(pid)/fd/\(name)"),
                          let (type, inode) = NamespaceLinkParser.parse(target) else { continue }
                    note(type, inode, via: "\(pid)/fd/\(name)") { $0.holders.append(.init(kind: .openFD, pid: pid, fd: fd)) }
                }
            } catch {
                if error == .permissionDenied { visibility.fdDirectoriesDenied += 1 }
            }
        }
        return record
    }

    private func deny(_ pid: Int32) {
        visibility.processesDenied += 1
        visibility.deniedPIDs.append(pid)
    }

    /// One mountinfo per mount namespace, from the first member that lets cutaway read it;
    /// records nsfs bind mounts as namespace holders.
    private func scanMountTables() -> [MountTable] {
        var tables: [MountTable] = []
        let mountNamespaces = order.filter { $0.type == .mnt }.sorted { $0.inode < $1.inode }
        for key in mountNamespaces {
            let members = pending[key]!.pids.sorted()
            guard !members.isEmpty else { continue }
            var table: MountTable?
            for pid in members {
                guard let data = try? source.readFile("\(pid)/mountinfo") else { continue }
                let parsed = MountInfoParser.parse(data, file: "\(source.rootDescription)/\(pid)/mountinfo")
                diagnostics.append(contentsOf: parsed.diagnostics)
                table = MountTable(mountNamespace: key.inode, readFrom: pid, mounts: parsed.mounts)
                break
            }
            guard let table else { visibility.mountTablesUnreadable += 1; continue }
            tables.append(table)
            for m in table.mounts where m.isNamespaceFile {
                guard let (type, inode) = NamespaceLinkParser.parse(m.root.bytes) else { continue }
                let path = "\(table.readFrom)/root" + (m.mountPoint.utf8String ?? m.mountPoint.lossyString)
                note(type, inode, via: path) {
                    $0.holders.append(.init(kind: .bindMount, pid: table.readFrom, path: m.mountPoint, mountNamespace: key.inode, mountID: m.id))
                }
            }
        }
        return tables
    }

    /// Asks each namespace for its relations once; adds hidden ancestors and owners.
    private func resolveNamespaces() -> [Namespace] {
        var facts: [SnapshotIndex.NamespaceKey: NamespaceFacts] = [:]
        var problems: [SnapshotIndex.NamespaceKey: [String]] = [:]
        var hiddenOrder: [SnapshotIndex.NamespaceKey] = []
        for key in order {
            let p = pending[key]!
            var inspection = source.inspectNamespace(at: p.via, type: key.type, inode: key.inode)
            if inspection.subject == nil, inspection.openError != nil {
                // The first holder vanished: try the others (members first).
                let alternatives = p.pids.dropFirst().map { "\($0)/ns/\(key.type.rawValue)" }
                for path in alternatives {
                    inspection = source.inspectNamespace(at: path, type: key.type, inode: key.inode)
                    if inspection.subject != nil { break }
                }
            }
            for f in inspection.discovered {
                let k = SnapshotIndex.NamespaceKey(f.type, f.inode)
                if facts[k] == nil { facts[k] = f; if pending[k] == nil { hiddenOrder.append(k) } }
            }
            if let s = inspection.subject {
                facts[key] = s
            } else if let e = inspection.openError {
                problems[key, default: []].append("relations: could not open the namespace (\(e))")
            }
        }
        var out: [Namespace] = []
        out.reserveCapacity(order.count + hiddenOrder.count)
        for key in order + hiddenOrder {
            let f = facts[key]
            let p = pending[key]
            var notes = (problems[key] ?? []) + (f?.problems ?? [])
            if f == nil && problems[key] == nil { notes.append("relations: not recorded") }
            if !notes.isEmpty { visibility.relationsUnavailable += 1 }
            if p == nil { notes.append("hidden: no process, fd or mount holds it; found as an ancestor or owner") }
            out.append(Namespace(
                type: key.type, inode: key.inode, id: f?.id, parent: f?.parent, owner: f?.owner, ownerUID: f?.ownerUID,
                pids: (p?.pids ?? []).sorted(), threads: (p?.threads ?? []).sorted(), holders: p?.holders ?? [],
                hidden: p == nil, notes: notes
            ))
        }
        out.sort { ($0.type, $0.inode) < ($1.type, $1.inode) }
        return out
    }

    private func scanIDMaps(_ namespaces: [Namespace]) -> [UserNamespaceIDMaps] {
        var out: [UserNamespaceIDMaps] = []
        for ns in namespaces where ns.type == .user && !ns.pids.isEmpty {
            var found: UserNamespaceIDMaps?
            for pid in ns.pids {
                guard let uid = try? source.readFile("\(pid)/uid_map"), let gid = try? source.readFile("\(pid)/gid_map") else { continue }
                let u = IDMapParser.parse(uid, file: "\(source.rootDescription)/\(pid)/uid_map")
                let g = IDMapParser.parse(gid, file: "\(source.rootDescription)/\(pid)/gid_map")
                diagnostics += u.diagnostics + g.diagnostics
                let setgroups = (try? source.readFile("\(pid)/setgroups")).map {
                    String(decoding: ByteScanning.words($0[...]).first ?? [], as: UTF8.self)
                }
                found = UserNamespaceIDMaps(userNamespace: ns.inode, readFrom: pid, uidMap: u.ranges, gidMap: g.ranges, setgroups: setgroups)
                break
            }
            if let found { out.append(found) } else { visibility.idMapsUnreadable += 1 }
        }
        return out
    }
}

import CutawayModel

/// Pass 4, mount tables: one `PID/mountinfo` per mount namespace, from the first member
/// (lowest pid) that lets cutaway read it. Tables are read and parsed in parallel and kept
/// in inode order; malformed lines become diagnostics. Counts mount namespaces with no
/// readable table.
///
/// With ``Scope/namespaceFilesOnly`` only the nsfs mounts are kept (what the bind-mount
/// holder pass needs, e.g. for `cutaway namespaces`): each line is checked for the bytes
/// `nsfs` before it is parsed, and the tables do not go into the snapshot.
public struct MountTablePass: SweepPass {
    /// Which mounts the pass keeps.
    public enum Scope: Sendable {
        /// Every mount of every table, parsed and kept in the snapshot (`snapshot`, `mounts`).
        case all
        /// Only the nsfs mounts (bind mounts that hold namespaces); the tables are dropped
        /// (`namespaces`).
        case namespaceFilesOnly
    }
    /// Which mounts this pass keeps.
    public var scope: Scope

    /// The pass, keeping `scope`.
    public init(scope: Scope = .all) { self.scope = scope }

    public func run(_ state: inout ScanState, source: any ProcSource) { runSwept(&state, source: source) }

    func plan(_ state: ScanState, source: any ProcSource, workers: SweepWorkers) -> SweepPlan {
        let keys = state.ledger.order.filter { $0.type == .mnt }.sorted { $0.inode < $1.inode }
        let members = keys.map { state.ledger[$0]!.pids.sorted() }
        let scope = scope
        return SweepPlan(count: keys.count, read: { i, _ in
            Self.read(keys[i].inode, members: members[i], scope: scope, source: source)
        }, record: { readings, state in
            for (i, reading) in zip(0..., readings) where !members[i].isEmpty {
                let result = reading as! Reading
                state.diagnostics.append(contentsOf: result.diagnostics)
                guard let table = result.table else { state.visibility.mountTablesUnreadable += 1; continue }
                state.mountTables.append(table)
            }
        })
    }

    /// One mount namespace's table, read from the first member that allows it.
    struct Reading: Sendable {
        var table: MountTable?
        var diagnostics: [Diagnostic]
    }

    static func read(_ namespace: UInt64, members: [Int32], scope: Scope, source: any ProcSource) -> Reading {
        var refusals: [Diagnostic] = []
        for pid in members {
            guard let dir = ProcessDirectory.open(pid, in: source) else { continue }
            let file = "\(source.rootDescription)/\(pid)/mountinfo"
            let data: [UInt8]
            do throws(ProcReadError) { data = try dir.readFile("mountinfo") } catch {
                // A FIFO, device or link where mountinfo should be (a planted capture): say so.
                if error.isRefusal { refusals.append(Diagnostic(file: file, message: "not read: \(error)")) }
                continue
            }
            let parsed = scope == .all ? MountInfoParser.parse(data, file: file) : MountInfoParser.parseNamespaceFiles(data, file: file)
            return Reading(table: MountTable(mountNamespace: namespace, readFrom: pid, mounts: parsed.mounts), diagnostics: refusals + parsed.diagnostics)
        }
        return Reading(table: nil, diagnostics: refusals)
    }
}

/// Pass 5, bind-mount holders: every nsfs mount in a mount table (`ip netns add` bind-mounts
/// `/proc/PID/ns/net` on `/run/netns/NAME`) holds its namespace; recorded with the table's
/// mount namespace, mount id and mount point.
public struct BindMountHolderPass: SweepPass {
    /// The pass.
    public init() {}

    public func run(_ state: inout ScanState, source: any ProcSource) { runSwept(&state, source: source) }

    func plan(_ state: ScanState, source: any ProcSource, workers: SweepWorkers) -> SweepPlan {
        SweepPlan(count: 0, read: { _, _ in () }, record: { _, state in Self.record(&state) })
    }

    /// Notes the holder of every nsfs mount in the state's mount tables.
    static func record(_ state: inout ScanState) {
        for table in state.mountTables {
            for m in table.mounts where m.isNamespaceFile {
                guard let (type, inode) = NamespaceLinkParser.parse(m.root.bytes) else { continue }
                state.ledger.note(type, inode, via: "\(table.readFrom)/root" + (m.mountPoint.utf8String ?? m.mountPoint.lossyString)) {
                    $0.holders.append(.init(kind: .bindMount, pid: table.readFrom, path: m.mountPoint, mountNamespace: table.mountNamespace, mountID: m.id))
                }
            }
        }
    }
}

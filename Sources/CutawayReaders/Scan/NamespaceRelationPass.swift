import CutawayModel

/// Pass 6, relations: asks each namespace in the ledger for its parent, owner, owner uid and
/// id once (the nsfs ioctls of ioctl_ns(2), through ``ProcSource/inspectNamespace(at:type:inode:)``),
/// through the first path it was seen by, then through its other members if that one
/// vanished. Adds the hidden ancestors and owners found on the way and turns the ledger into
/// the snapshot's namespaces, sorted by type and inode. Counts namespaces whose relations
/// could not be asked.
///
/// On the live `/proc` the namespaces are asked on every core, each worker with its own
/// ``LiveNamespaceInspector`` (the inspector memoizes and is not shared between threads);
/// the answers are merged in ledger order, so the result is the same as one after another.
public struct NamespaceRelationPass: ScanPass {
    /// The pass.
    public init() {}

    static func inspect(_ key: SnapshotIndex.NamespaceKey, _ entry: NamespaceLedger.Entry,
                        _ ask: (String, NamespaceType, UInt64) -> NamespaceInspection) -> NamespaceInspection {
        var inspection = ask(entry.via, key.type, key.inode)
        if inspection.subject == nil, inspection.openError != nil {
            // The first holder vanished: try the others (members first).
            for pid in entry.pids.dropFirst() {
                inspection = ask("\(pid)/ns/\(key.type.rawValue)", key.type, key.inode)
                if inspection.subject != nil { break }
            }
        }
        return inspection
    }

    public func run(_ state: inout ScanState, source: any ProcSource) {
        let ledger = state.ledger
        var facts: [SnapshotIndex.NamespaceKey: NamespaceFacts] = [:]
        var problems: [SnapshotIndex.NamespaceKey: [String]] = [:]
        var hiddenOrder: [SnapshotIndex.NamespaceKey] = []
        let keys = ledger.order
        let inspections: [NamespaceInspection]
        if source is DirectoryProcSource, source.rootDescription == "/proc" {
            let inspectors = (0..<ParallelMap.workers).map { _ in LiveNamespaceInspector(procRoot: "/proc") }
            inspections = ParallelMap.mapPerWorker(keys.count) { worker, i in
                Self.inspect(keys[i], ledger[keys[i]]!) { inspectors[worker].inspect(path: $0, type: $1, inode: $2) }
            }
        } else {
            inspections = keys.map { key in Self.inspect(key, ledger[key]!) { source.inspectNamespace(at: $0, type: $1, inode: $2) } }
        }
        for (key, inspection) in zip(keys, inspections) {
            for f in inspection.discovered {
                let k = SnapshotIndex.NamespaceKey(f.type, f.inode)
                if facts[k] == nil { facts[k] = f; if ledger[k] == nil { hiddenOrder.append(k) } }
            }
            if let s = inspection.subject {
                facts[key] = s
            } else if let e = inspection.openError {
                problems[key, default: []].append("relations: could not open the namespace (\(e))")
            }
        }
        var out: [Namespace] = []
        out.reserveCapacity(ledger.order.count + hiddenOrder.count)
        for key in ledger.order + hiddenOrder {
            let f = facts[key]
            let p = ledger[key]
            var notes = (problems[key] ?? []) + (f?.problems ?? [])
            if f == nil && problems[key] == nil { notes.append("relations: not recorded") }
            if !notes.isEmpty { state.visibility.relationsUnavailable += 1 }
            if p == nil { notes.append("hidden: no process, fd or mount holds it; found as an ancestor or owner") }
            out.append(Namespace(
                type: key.type, inode: key.inode, id: f?.id, parent: f?.parent, owner: f?.owner, ownerUID: f?.ownerUID,
                pids: (p?.pids ?? []).sorted(), threads: (p?.threads ?? []).sorted(), holders: p?.holders ?? [],
                hidden: p == nil, notes: notes
            ))
        }
        out.sort { ($0.type, $0.inode) < ($1.type, $1.inode) }
        state.namespaces = out
    }
}

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
/// Namespaces the process walk already asked (``ProcessPass/inspectsNamespaces``) are not
/// asked again unless that ask failed.
public struct NamespaceRelationPass: SweepPass {
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

    public func run(_ state: inout ScanState, source: any ProcSource) { runSwept(&state, source: source) }

    func plan(_ state: ScanState, source: any ProcSource, workers: SweepWorkers) -> SweepPlan {
        // On the live /proc each worker has its own inspector (they memoize and are not shared
        // between threads); anything else is asked through the source.
        let live = source is DirectoryProcSource && source.rootDescription == "/proc"
        let inspectors = !live ? [] : state.namespaceInspectors.count == workers.count ? state.namespaceInspectors
            : (0..<workers.count).map { _ in LiveNamespaceInspector(procRoot: "/proc") }
        // Answers the process walk already has (ProcessPass.inspectsNamespaces).
        let known = state.namespaceInspections
        func ask(_ worker: Int) -> (String, NamespaceType, UInt64) -> NamespaceInspection {
            live ? { inspectors[worker].inspect(path: $0, type: $1, inode: $2) } : { source.inspectNamespace(at: $0, type: $1, inode: $2) }
        }
        let ledger = state.ledger
        let keys = ledger.order
        return SweepPlan(count: keys.count, read: { i, worker in
            guard let answer = known[keys[i]] else { return Self.inspect(keys[i], ledger[keys[i]]!, ask(worker)) }
            if answer.subject != nil { return answer }
            // Asked and not answered (the process went away): ask through the other paths,
            // keeping what the first ask found on the way.
            var again = Self.inspect(keys[i], ledger[keys[i]]!, ask(worker))
            again.discovered = answer.discovered + again.discovered
            return again
        }, record: { readings, state in
            state.namespaceInspections = [:]
            state.namespaceInspectors = []
            var inspections = readings.map { $0 as! NamespaceInspection }
            // Namespaces noted by the passes recorded since the plan (bind mounts): asked now.
            for key in state.ledger.order.dropFirst(keys.count) {
                inspections.append(Self.inspect(key, state.ledger[key]!, ask(0)))
            }
            Self.record(inspections, into: &state)
        })
    }

    /// Turns the ledger and `inspections` (one per ledger key, in ledger order) into the
    /// snapshot's namespaces.
    static func record(_ inspections: [NamespaceInspection], into state: inout ScanState) {
        let ledger = state.ledger
        var facts: [SnapshotIndex.NamespaceKey: NamespaceFacts] = [:]
        facts.reserveCapacity(ledger.order.count + 16)
        var problems: [SnapshotIndex.NamespaceKey: [String]] = [:]
        var hiddenOrder: [SnapshotIndex.NamespaceKey] = []
        for (key, inspection) in zip(ledger.order, inspections) {
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
        // Sorted by type and inode: the keys, before the namespaces are built (no moving of
        // whole namespaces while sorting).
        let keys = (ledger.order + hiddenOrder).sorted { ($0.type, $0.inode) < ($1.type, $1.inode) }
        // Each namespace is built from the tables alone: on every core, in key order.
        let built = ParallelMap.map(keys.count, concurrent: keys.count >= 256) { i -> (namespace: Namespace, unavailable: Bool) in
            let key = keys[i]
            let f = facts[key]
            let p = ledger[key]
            var notes = (problems[key] ?? []) + (f?.problems ?? [])
            if f == nil && problems[key] == nil { notes.append("relations: not recorded") }
            let unavailable = !notes.isEmpty
            if p == nil { notes.append("hidden: no process, fd or mount holds it; found as an ancestor or owner") }
            return (Namespace(
                type: key.type, inode: key.inode, id: f?.id, parent: f?.parent, owner: f?.owner, ownerUID: f?.ownerUID,
                pids: (p?.pids ?? []).sorted(), threads: (p?.threads ?? []).sorted(), holders: p?.holders ?? [],
                hidden: p == nil, notes: notes
            ), unavailable)
        }
        state.visibility.relationsUnavailable += built.lazy.filter(\.unavailable).count
        let out = built.map(\.namespace)
        state.namespaces = out
    }
}

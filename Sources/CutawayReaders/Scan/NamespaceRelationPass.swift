import CutawayModel

/// Pass 6, relations: asks each namespace in the ledger for its parent, owner, owner uid and
/// id once (the nsfs ioctls of ioctl_ns(2), through ``ProcSource/inspectNamespace(at:type:inode:)``),
/// through the first path it was seen by, then through its other members if that one
/// vanished. Adds the hidden ancestors and owners found on the way and turns the ledger into
/// the snapshot's namespaces, sorted by type and inode. Counts namespaces whose relations
/// could not be asked.
public struct NamespaceRelationPass: ScanPass {
    public init() {}

    public func run(_ state: inout ScanState, source: any ProcSource) {
        let ledger = state.ledger
        var facts: [SnapshotIndex.NamespaceKey: NamespaceFacts] = [:]
        var problems: [SnapshotIndex.NamespaceKey: [String]] = [:]
        var hiddenOrder: [SnapshotIndex.NamespaceKey] = []
        for key in ledger.order {
            let p = ledger[key]!
            var inspection = source.inspectNamespace(at: p.via, type: key.type, inode: key.inode)
            if inspection.subject == nil, inspection.openError != nil {
                // The first holder vanished: try the others (members first).
                for pid in p.pids.dropFirst() {
                    inspection = source.inspectNamespace(at: "\(pid)/ns/\(key.type.rawValue)", type: key.type, inode: key.inode)
                    if inspection.subject != nil { break }
                }
            }
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

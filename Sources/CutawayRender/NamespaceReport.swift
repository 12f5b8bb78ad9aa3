import CutawayModel

/// `cutaway namespaces`: every namespace as a tree, like `lsns -T`, with the facts lsns
/// does not show (PID 1's host pid, id maps, bind-mount and fd holders, hidden ancestors).
public enum NamespaceReport {
    public static func render(_ snapshot: Snapshot, relation: NamespaceTree.Relation, types: Set<NamespaceType>) -> String {
        let index = SnapshotIndex(snapshot)
        let describer = NamespaceDescriber(index: index)
        let tree = NamespaceTree(snapshot: snapshot, relation: relation, types: types)
        var table = TextTable(headers: ["NAMESPACE", "PROCS", "LEADER", "DETAILS"], rightAligned: [1])
        for line in tree.lines() {
            let (node, prefix) = (line.node, line.prefix)
            if let note = line.foldNote { table.add([prefix + note, "", "", ""]); continue }
            let ns = node.namespace
            table.add([prefix + NamespaceDescriber.name(ns), String(ns.pids.count), describer.leader(ns),
                       describer.details(ns).joined(separator: "; ")])
        }
        var out = table.render()
        out += VisibilityReport.render(snapshot.visibility)
        return out
    }
}

/// The "what could not be seen" footer every report ends with.
public enum VisibilityReport {
    public static func render(_ v: Visibility) -> String {
        var lines: [String] = []
        if v.processesGone > 0 { lines.append("\(v.processesGone) process\(v.processesGone == 1 ? "" : "es") exited during the scan and were skipped.") }
        lines.append(contentsOf: v.hints.map { $0.prefix(1).uppercased() + $0.dropFirst() + "." })
        return lines.isEmpty ? "" : "\n" + lines.map { "note: " + $0 }.joined(separator: "\n") + "\n"
    }
}

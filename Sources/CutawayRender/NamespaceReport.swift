import CutawayModel

/// `cutaway namespaces`: every namespace as a tree, like `lsns -T`, with the facts lsns
/// does not show (PID 1's host pid, id maps, bind-mount and fd holders, hidden ancestors).
/// Alike namespace sets fold into one line each (``NamespaceFold``) unless `fold` is false;
/// the footer says how many lines were folded.
public enum NamespaceReport {
    public static func render(_ snapshot: Snapshot, relation: NamespaceTree.Relation, types: Set<NamespaceType>,
                              fold: Bool = true, header: String? = nil) -> String {
        let index = SnapshotIndex(snapshot)
        let describer = NamespaceDescriber(index: index)
        let tree = NamespaceTree(snapshot: snapshot, relation: relation, types: types)
        let folding = fold ? NamespaceFold(snapshot: snapshot, index: index) : nil
        var table = TextTable(headers: ["NAMESPACE", "PROCS", "LEADER", "DETAILS"], rightAligned: [1])
        var foldedLines = 0
        // Unfolded: the tree's own iterative lines (deep chains folded, linear memory).
        if folding == nil {
            for line in tree.lines() {
                if let note = line.foldNote { table.add([line.prefix + note, "", "", ""]); continue }
                let ns = line.node.namespace
                table.add([line.prefix + NamespaceDescriber.name(ns), String(ns.pids.count), describer.leader(ns),
                           describer.details(ns).joined(separator: "; ")])
            }
        }
        for (row, prefix) in folding == nil ? [] : FoldedRow.lines(tree.roots, tree: tree, folding: folding) {
            switch row {
            case .namespace(let ns, _):
                table.add([prefix + NamespaceDescriber.name(ns), String(ns.pids.count), describer.leader(ns),
                           describer.details(ns).joined(separator: "; ")])
            case .group(let group, let lines):
                foldedLines += lines
                let example = group.pids.first.flatMap { index.process($0) }.map { "e.g. \($0.pid) \($0.command)" } ?? "-"
                var details = [group.processesPerUnit, "\(lines) lines folded", "differ only in " + group.varies.joined(separator: ", ")]
                if !group.containerNames.isEmpty { details.insert("containers " + group.containerNames.prefix(3).joined(separator: ", ") + (group.containerNames.count > 3 ? ", …" : ""), at: 0) }
                table.add([prefix + group.title, String(group.pids.count), example, details.joined(separator: "; ")])
            }
        }
        var out = header.map { $0 + "\n\n" } ?? ""
        out += table.render()
        if foldedLines > 0, let folding {
            let groups = Set(folding.groups.map(\.id)).count
            out += "\nFolded \(foldedLines) lines: alike namespace sets in \(groups) group\(groups == 1 ? "" : "s") (same types, owners, creator uid, id-map shape, engine); --unfold lists every namespace.\n"
        }
        out += VisibilityReport.render(snapshot.visibility)
        return out
    }
}

/// A line of a folded namespace tree: a namespace, or a group of alike sets standing for many.
enum FoldedRow {
    case namespace(Namespace, [FoldedRow])
    case group(NamespaceFold.Group, lines: Int)

    /// The tree with every folded subtree replaced by one group line (per parent and group);
    /// namespaces below a folded one that are not folded themselves move up beside it.
    static func rows(_ nodes: [NamespaceTree.Node], tree: NamespaceTree, folding: NamespaceFold?) -> [FoldedRow] {
        guard let folding else { return nodes.map { .namespace($0.namespace, rows(tree.children(of: $0), tree: tree, folding: nil)) } }
        var out: [FoldedRow] = []
        var groupSlot: [Int: Int] = [:]   // group id -> index in out
        var lifted: [NamespaceTree.Node] = []
        func absorb(_ node: NamespaceTree.Node, into group: NamespaceFold.Group) -> Int {
            var count = 1
            for child in tree.children(of: node) {
                if folding.group(of: child.namespace.type, child.namespace.inode)?.id == group.id { count += absorb(child, into: group) } else { lifted.append(child) }
            }
            return count
        }
        for node in nodes {
            if let group = folding.group(of: node.namespace.type, node.namespace.inode) {
                let n = absorb(node, into: group)
                if let slot = groupSlot[group.id], case .group(let g, let lines) = out[slot] { out[slot] = .group(g, lines: lines + n) } else {
                    groupSlot[group.id] = out.count
                    out.append(.group(group, lines: n))
                }
            } else {
                out.append(.namespace(node.namespace, rows(tree.children(of: node), tree: tree, folding: folding)))
            }
        }
        if !lifted.isEmpty { out += rows(lifted, tree: tree, folding: folding) }
        return out
    }

    /// Depth-first with the tree-drawing prefix, as ``NamespaceTree/lines()``.
    static func lines(_ nodes: [NamespaceTree.Node], tree: NamespaceTree, folding: NamespaceFold?) -> [(FoldedRow, String)] {
        var out: [(FoldedRow, String)] = []
        func visit(_ row: FoldedRow, indent: String, branch: String) {
            out.append((row, branch))
            guard case .namespace(_, let children) = row else { return }
            for (k, child) in children.enumerated() {
                let last = k == children.count - 1
                visit(child, indent: indent + (last ? "  " : "│ "), branch: indent + (last ? "└─" : "├─"))
            }
        }
        for row in rows(nodes, tree: tree, folding: folding) { visit(row, indent: "", branch: "") }
        return out
    }
}

/// The "what could not be seen" footer every report ends with.
public enum VisibilityReport {
    public static func render(_ v: Visibility) -> String {
        var lines: [String] = []
        if v.processesGone > 0 { lines.append("\(v.processesGone) process\(v.processesGone == 1 ? "" : "es") exited during the scan and \(v.processesGone == 1 ? "was" : "were") skipped.") }
        lines.append(contentsOf: VisibilityHints.sentences(v).map { $0.prefix(1).uppercased() + $0.dropFirst() + "." })
        return lines.isEmpty ? "" : "\n" + lines.map { "note: " + $0 }.joined(separator: "\n") + "\n"
    }
}

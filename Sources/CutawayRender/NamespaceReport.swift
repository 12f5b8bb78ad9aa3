import CutawayModel

/// `cutaway namespaces`: every namespace as a tree, like `lsns -T`, with the facts lsns
/// does not show (PID 1's host pid, id maps, bind-mount and fd holders, hidden ancestors).
/// Alike namespace sets fold into one line each (``NamespaceFold``) unless `fold` is false;
/// the footer says how many lines were folded.
public enum NamespaceReport {
    /// The namespaces of `types` as a tree along `relation`, one line each with type, inode,
    /// leader and facts; `header`, when given, is printed above the table.
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
        for (row, prefix) in folding.map({ FoldedRow.lines(tree.roots, tree: tree, folding: $0) }) ?? [] {
            switch row {
            case .more(let count):
                table.add([prefix + NamespaceTree.foldNote(count), "", "", ""])
            case .namespace(let ns):
                table.add([prefix + NamespaceDescriber.name(ns), String(ns.pids.count), describer.leader(ns),
                           describer.details(ns).joined(separator: "; ")])
            case .group(let group, let lines):
                foldedLines += lines
                let example = group.pids.first.flatMap { index.process($0) }.map { "e.g. \($0.pid) \($0.command)" } ?? "-"
                var details = [group.processesPerUnit, "\(Count.of(lines, "line")) folded", "differ only in " + group.varies.joined(separator: ", ")]
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

/// A line of a folded namespace tree: a namespace, a group of alike sets standing for many,
/// or the fold of a subtree nested deeper than ``NamespaceTree/maxDepth``.
enum FoldedRow {
    case namespace(Namespace)
    case group(NamespaceFold.Group, lines: Int)
    /// `… 19,990 more nested here`: a subtree below ``NamespaceTree/maxDepth``, counted.
    case more(Int)

    /// One level of the folded tree: `nodes` with every folded subtree replaced by one group
    /// line (per group); namespaces below a folded one that are not folded themselves move up
    /// beside it. Iterative: a hostile snapshot nested 20,000 deep costs no stack.
    private enum Entry { case node(NamespaceTree.Node), group(NamespaceFold.Group, lines: Int) }
    private static func level(_ nodes: [NamespaceTree.Node], tree: NamespaceTree, folding: NamespaceFold) -> [Entry] {
        var all: [Entry] = []
        var batch = nodes
        while !batch.isEmpty {
            var out: [Entry] = []
            var groupSlot: [Int: Int] = [:]   // group id -> index in out
            var lifted: [NamespaceTree.Node] = []
            for node in batch {
                guard let group = folding.group(of: node.namespace.type, node.namespace.inode) else { out.append(.node(node)); continue }
                // The group's part of the subtree, in depth-first order; what is not in the group is lifted.
                enum Step { case absorb(NamespaceTree.Node), lift(NamespaceTree.Node) }
                var count = 0
                var steps = [Step.absorb(node)]
                while let step = steps.popLast() {
                    switch step {
                    case .lift(let n): lifted.append(n)
                    case .absorb(let n):
                        count += 1
                        for child in tree.children(of: n).reversed() {
                            steps.append(folding.group(of: child.namespace.type, child.namespace.inode)?.id == group.id ? .absorb(child) : .lift(child))
                        }
                    }
                }
                if let slot = groupSlot[group.id], case .group(let g, let lines) = out[slot] { out[slot] = .group(g, lines: lines + count) } else {
                    groupSlot[group.id] = out.count
                    out.append(.group(group, lines: count))
                }
            }
            all += out
            batch = lifted
        }
        return all
    }

    /// Depth-first with the tree-drawing prefix, as ``NamespaceTree/lines()``: iterative, and
    /// subtrees deeper than ``NamespaceTree/maxDepth`` folded into one ``more(_:)`` line.
    static func lines(_ nodes: [NamespaceTree.Node], tree: NamespaceTree, folding: NamespaceFold) -> [(FoldedRow, String)] {
        var out: [(FoldedRow, String)] = []
        var stack: [(entry: Entry, depth: Int, indent: String, branch: String)] =
            level(nodes, tree: tree, folding: folding).reversed().map { ($0, 0, "", "") }
        while let item = stack.popLast() {
            switch item.entry {
            case .group(let group, let lines): out.append((.group(group, lines: lines), item.branch))
            case .node(let node) where item.depth > NamespaceTree.maxDepth:
                var count = 0
                var inner = [node.slot]
                while let n = inner.popLast() { count += 1; inner.append(contentsOf: tree.children[n]) }
                out.append((.more(count), item.branch))
            case .node(let node):
                out.append((.namespace(node.namespace), item.branch))
                let children = level(tree.children(of: node), tree: tree, folding: folding)
                for (k, child) in children.enumerated().reversed() {
                    let last = k == children.count - 1
                    stack.append((child, item.depth + 1, item.indent + (last ? "  " : "│ "), item.indent + (last ? "└─" : "├─")))
                }
            }
        }
        return out
    }
}

/// The "what could not be seen" footer every report ends with.
public enum VisibilityReport {
    /// `note:` lines for what the scan could not see; empty when nothing was hidden.
    public static func render(_ v: Visibility) -> String {
        var lines: [String] = []
        if v.processesGone > 0 { lines.append("\(v.processesGone) process\(v.processesGone == 1 ? "" : "es") exited during the scan and \(v.processesGone == 1 ? "was" : "were") skipped.") }
        lines.append(contentsOf: VisibilityHints.sentences(v).map { $0.prefix(1).uppercased() + $0.dropFirst() + "." })
        return lines.isEmpty ? "" : "\n" + lines.map { "note: " + $0 }.joined(separator: "\n") + "\n"
    }
}

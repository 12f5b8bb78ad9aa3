import CutawayModel

/// Diagram 2: the mount tree of one mount namespace with propagation: shared mounts green,
/// slaves orange, unbindable red; peer groups drawn across namespaces (each peer in another
/// namespace appears in that namespace's box, joined by a bold line of the group's colour),
/// master -> slave arrows, propagate_from dashed.
public struct MountDiagram {
    /// At most this many mounts of the main table are drawn (the rest is counted).
    public var limit: Int
    public init(limit: Int = 250) { self.limit = limit }

    static func fill(_ m: Mount) -> String {
        if m.shared != nil && m.master != nil { return "#fff0b3" }
        if m.shared != nil { return "#cdeccf" }
        if m.master != nil { return "#ffd9b0" }
        return "#ffffff"
    }

    static func label(_ m: Mount) -> String {
        var lines = [DOT.middleTruncated(m.mountPoint.description, max: 44), "\(m.fsType) \(DOT.middleTruncated(m.source.isEmpty ? "\"\"" : m.source.description, max: 28))"]
        if m.root != "/" { lines.append("bind of " + DOT.middleTruncated(m.root.description, max: 36)) }
        lines.append(m.propagationTags)
        return lines.joined(separator: "\n")
    }

    static func node(_ ns: UInt64, _ m: Mount) -> String { DOT.id("m", ns, m.id) }

    static func attrs(_ m: Mount) -> [(String, String)] {
        var a: [(String, String)] = [("label", label(m)), ("fillcolor", fill(m))]
        if m.unbindable { a += [("color", Palette.unbindable), ("penwidth", "2"), ("style", "filled,bold,diagonals")] }
        return a
    }

    public func dot(table: MountTable, allTables: [MountTable], title: String, namer: (UInt64) -> String) -> String {
        var g = DOTGraph()
        g.graphAttributes([("rankdir", "LR"), ("fontname", Palette.font), ("fontsize", "11"), ("label", title), ("labelloc", "t"), ("newrank", "true")])
        g.nodeDefaults([("shape", "box"), ("style", "filled"), ("fontname", Palette.font), ("fontsize", "9")])
        g.edgeDefaults([("fontname", Palette.font), ("fontsize", "8"), ("color", "#777777")])
        let tree = MountTree(mounts: table.mounts)
        let lines = tree.lines()
        let shown = Array(lines.prefix(limit))
        let shownIDs = Set(shown.filter { $0.folded == 0 }.map { $0.mount.id })
        g.subgraph("cluster_main", [("label", namer(table.mountNamespace)), ("style", "rounded"), ("color", "#1f6fbf")]) { inner in
            for line in shown {
                if let note = line.foldNote {
                    inner.node(DOT.id("fold", table.mountNamespace, line.index), [("label", note), ("style", "dotted")])
                } else {
                    inner.node(Self.node(table.mountNamespace, line.mount), Self.attrs(line.mount))
                }
            }
            if lines.count > shown.count {
                inner.node(DOT.id("more", table.mountNamespace), [("label", "\(lines.count - shown.count) more mounts"), ("style", "dotted")])
            }
        }
        // Each line hangs from the nearest line above it that is one level up (folds included).
        // A folded stack sits between its head and its tail: the tail hangs from the fold.
        var parentAtDepth: [String] = []
        var previousFold: (depth: Int, id: String)?
        for line in shown {
            let id = line.folded > 0 ? DOT.id("fold", table.mountNamespace, line.index) : Self.node(table.mountNamespace, line.mount)
            if let fold = previousFold, fold.depth == line.depth {
                g.edge(fold.id, id, [("arrowhead", "none")])
            } else if line.depth > 0, line.depth <= parentAtDepth.count {
                g.edge(parentAtDepth[line.depth - 1], id, [("arrowhead", "none")])
            }
            previousFold = line.folded > 0 ? (line.depth, id) : nil
            if parentAtDepth.count > line.depth { parentAtDepth.removeLast(parentAtDepth.count - line.depth) }
            parentAtDepth.append(id)
        }

        // Peer groups touching this table, with their members and slaves elsewhere.
        let groups = PeerGroup.groups(touching: shown.map(\.mount), in: allTables)
        let colors = ["#2e8b57", "#1f6fbf", "#8e44ad", "#b8860b", "#16a085", "#7f8c8d", "#2c3e50", "#6b8e23"]
        var others: [UInt64: [Mount]] = [:]
        let mountsByNS = Dictionary(allTables.map { ($0.mountNamespace, $0.mounts) }, uniquingKeysWith: { a, _ in a })
        for grp in groups {
            for ref in grp.members + grp.slaves + grp.propagatesTo where ref.mountNamespace != table.mountNamespace {
                if let m = mountsByNS[ref.mountNamespace]?.last(where: { $0.id == ref.mountID }), !(others[ref.mountNamespace]?.contains(m) ?? false) {
                    others[ref.mountNamespace, default: []].append(m)
                }
            }
        }
        for ns in others.keys.sorted() {
            g.subgraph("cluster_ns_\(ns)", [("label", namer(ns)), ("style", "rounded,dashed"), ("color", "#888888")]) { inner in
                for m in others[ns]!.sorted(by: { $0.id < $1.id }) { inner.node(Self.node(ns, m), Self.attrs(m)) }
            }
        }
        for (n, grp) in groups.enumerated() {
            let color = colors[n % colors.count]
            let members = grp.members.filter { ref in ref.mountNamespace != table.mountNamespace || shownIDs.contains(ref.mountID) }
            // Peers: a bold undirected chain through the members.
            for (a, b) in zip(members, members.dropFirst()) {
                g.edge(DOT.id("m", a.mountNamespace, a.mountID), DOT.id("m", b.mountNamespace, b.mountID),
                       [("dir", "both"), ("color", color), ("penwidth", "2.5"), ("label", "peer group \(grp.id)"), ("fontcolor", color), ("constraint", "false")])
            }
            if let master = members.first {
                for s in grp.slaves where s.mountNamespace != table.mountNamespace || shownIDs.contains(s.mountID) {
                    g.edge(DOT.id("m", master.mountNamespace, master.mountID), DOT.id("m", s.mountNamespace, s.mountID),
                           [("color", Palette.slave), ("penwidth", "2"), ("label", "master:\(grp.id) -> slave"), ("fontcolor", Palette.slave)])
                }
                for s in grp.propagatesTo where s.mountNamespace != table.mountNamespace || shownIDs.contains(s.mountID) {
                    g.edge(DOT.id("m", master.mountNamespace, master.mountID), DOT.id("m", s.mountNamespace, s.mountID),
                           [("style", "dashed"), ("color", Palette.slave), ("label", "propagate_from:\(grp.id)")])
                }
            }
        }
        Legend.box(&g, "mounts", rows: [
            ("#cdeccf", "shared:N: in peer group N, sends and receives mount events"),
            ("#ffd9b0", "master:N: slave of group N, only receives"),
            ("#fff0b3", "shared and slave"),
            ("#ffffff", "private: no propagation"),
            (Palette.unbindable, "red, crossed corners: unbindable"),
            ("#2e8b57", "bold line: peers of one group, across namespaces"),
            (Palette.slave, "orange arrow: master -> slave; dashed: propagate_from"),
            ("#777777", "thin line: parent mount -> child mount"),
        ])
        return g.render(name: "mounts")
    }
}

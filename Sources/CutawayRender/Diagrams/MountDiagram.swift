import CutawayModel

/// Diagram 2: the mount tree of one mount namespace with propagation: shared mounts green,
/// slaves orange, unbindable red; peer groups drawn across namespaces (each peer in another
/// namespace appears in that namespace's box, joined by a bold line of the group's colour),
/// master -> slave arrows, propagate_from dashed.
public struct MountDiagram {
    /// At most this many mounts of the main table are drawn (the rest is counted).
    public var limit: Int
    /// A diagram of at most `limit` mounts.
    public init(limit: Int = 250) { self.limit = limit }

    static func fill(_ m: Mount) -> String {
        if m.shared != nil && m.master != nil { return Palette.sharedSlaveFill }
        if m.shared != nil { return Palette.sharedFill }
        if m.master != nil { return Palette.slaveFill }
        return Palette.plain
    }

    static func label(_ m: Mount) -> String {
        var lines = [DOT.middleTruncated(m.mountPoint.description, max: 44), "\(m.fsType) \(DOT.middleTruncated(m.source.isEmpty ? "\"\"" : m.source.description, max: 28))"]
        if m.root != "/" { lines.append("bind of " + DOT.middleTruncated(m.root.description, max: 36)) }
        lines.append(m.propagationTags)
        return lines.joined(separator: "\n")
    }

    static func node(_ ns: UInt64, _ m: Mount) -> String { DOT.id("m", ns, m.id) }

    /// cgroup and cgroup2 mounts with no mounts below them, where at least four share a
    /// parent (the machine's `/sys/fs/cgroup/*`): drawn as one node, by mount id.
    /// Private leaf mounts that the host's table has with the same point, type, source, root
    /// and options, by mount id; empty unless there are at least three.
    static func hostCopies(_ lines: [MountTree.Line], host: MountTable) -> [Int: Mount] {
        struct Same: Hashable { var point, type, source, root: ByteString; var options: String }
        func same(_ m: Mount) -> Same { Same(point: m.mountPoint, type: m.fsType, source: m.source, root: m.root, options: m.mountOptions) }
        let hostMounts = Set(host.mounts.filter { $0.shared == nil && $0.master == nil }.map(same))
        let parents = Set(lines.map(\.mount.parentID))
        var out: [Int: Mount] = [:]
        for m in lines.map(\.mount) where !parents.contains(m.id) && m.shared == nil && m.master == nil && !m.unbindable && hostMounts.contains(same(m)) {
            out[m.id] = m
        }
        return out.count >= 3 ? out : [:]
    }

    static func cgroupClutter(_ lines: [MountTree.Line]) -> [Int: Mount] {
        let parents = Set(lines.map(\.mount.parentID))
        let leaves = lines.map(\.mount).filter { ($0.fsType == "cgroup" || $0.fsType == "cgroup2") && !parents.contains($0.id) }
        var out: [Int: Mount] = [:]
        for (_, siblings) in Dictionary(grouping: leaves, by: \.parentID) where siblings.count >= 4 {
            for m in siblings { out[m.id] = m }
        }
        return out
    }

    static func attrs(_ m: Mount) -> [(String, String)] {
        var a: [(String, String)] = [("label", label(m)), ("fillcolor", fill(m))]
        if m.unbindable { a += [("color", Palette.unbindable), ("penwidth", "2"), ("style", "filled,bold,diagonals")] }
        return a
    }

    /// `hostTable`: the reader's table; private leaf mounts this table has exactly as the
    /// host has them (same point, type, source, root, options) are drawn as one node.
    public func dot(table: MountTable, allTables: [MountTable], title: String, namer: (UInt64) -> String, hostTable: MountTable? = nil) -> String {
        var g = DOTGraph()
        g.graphAttributes([("rankdir", "LR"), ("fontname", Palette.font), ("fontsize", "11"), ("label", title), ("labelloc", "t"), ("newrank", "true")])
        g.nodeDefaults([("shape", "box"), ("style", "filled"), ("fontname", Palette.font), ("fontsize", "9")])
        g.edgeDefaults([("fontname", Palette.font), ("fontsize", "8"), ("color", Palette.mountParent)])
        let tree = MountTree(mounts: table.mounts)
        let lines = tree.lines()
        let clutter = Self.cgroupClutter(lines)
        let copies = hostTable.map { Self.hostCopies(lines, host: $0) }?.filter { clutter[$0.key] == nil } ?? [:]
        let shown = Array(lines.prefix(limit)).filter { $0.folded > 0 || (clutter[$0.mount.id] == nil && copies[$0.mount.id] == nil) }
        let shownIDs = Set(shown.filter { $0.folded == 0 }.map { $0.mount.id })
        g.subgraph("cluster_main", [("label", namer(table.mountNamespace)), ("style", "rounded"), ("color", Palette.mainTable)]) { inner in
            for line in shown {
                if let note = line.foldNote {
                    inner.node(DOT.id("fold", table.mountNamespace, line.index), [("label", note), ("style", "dotted")])
                } else {
                    inner.node(Self.node(table.mountNamespace, line.mount), Self.attrs(line.mount))
                }
            }
            if lines.count > min(limit, lines.count) {
                inner.node(DOT.id("more", table.mountNamespace), [("label", "\(Count.of(lines.count - min(limit, lines.count), "more mount", "more mounts"))"), ("style", "dotted")])
            }
            // Host clutter: the cgroup hierarchies under one directory, one node.
            for (parentID, members) in Dictionary(grouping: clutter.values, by: \.parentID).sorted(by: { $0.key < $1.key }) {
                let names = members.sorted { $0.id < $1.id }.map { m in m.mountPoint.description.split(separator: "/").last.map(String.init) ?? m.mountPoint.description }
                let node = DOT.id("cgroups", table.mountNamespace, parentID)
                inner.node(node, [("label", "\(Count.of(members.count, "cgroup hierarchy", "cgroup hierarchies"))\n" + DOT.middleTruncated(names.joined(separator: ", "), max: 60) + "\n(folded; JSON and text list each)"),
                                  ("style", "filled,dotted"), ("fillcolor", Palette.faded)])
                if shownIDs.contains(parentID), let parent = table.mounts.last(where: { $0.id == parentID }) {
                    inner.edge(Self.node(table.mountNamespace, parent), node, [("arrowhead", "none")])
                }
            }
            // The machine's own mounts, copied unchanged into this namespace: one node.
            if copies.count >= 3 {
                let points = copies.values.sorted { $0.id < $1.id }.map(\.mountPoint.description)
                let node = DOT.id("hostcopies", table.mountNamespace)
                inner.node(node, [("label", "\(Count.of(copies.count, "mount")) as in the host's table\n" + DOT.middleTruncated(points.joined(separator: " "), max: 60) + "\n(folded; JSON and text list each)"),
                                  ("style", "filled,dotted"), ("fillcolor", Palette.faded)])
                for parentID in Set(copies.values.map(\.parentID)).sorted() where shownIDs.contains(parentID) {
                    if let parent = table.mounts.last(where: { $0.id == parentID }) { inner.edge(Self.node(table.mountNamespace, parent), node, [("arrowhead", "none")]) }
                }
            }
        }
        // Each mount hangs from its parent; a fold (a stack's middle) from the line above it,
        // and the stack's tail from the fold.
        var lastAtDepth: [Int: String] = [:]
        var previousFold: (depth: Int, id: String)?
        for line in shown {
            let id = line.folded > 0 ? DOT.id("fold", table.mountNamespace, line.index) : Self.node(table.mountNamespace, line.mount)
            if let fold = previousFold, fold.depth == line.depth {
                g.edge(fold.id, id, [("arrowhead", "none")])
            } else if line.folded > 0 {
                if let parent = lastAtDepth[line.depth - 1] { g.edge(parent, id, [("arrowhead", "none")]) }
            } else if line.depth > 0, shownIDs.contains(line.mount.parentID) {
                g.edge(Self.node(table.mountNamespace, table.mounts.last { $0.id == line.mount.parentID }!), id, [("arrowhead", "none")])
            }
            previousFold = line.folded > 0 ? (line.depth, id) : nil
            lastAtDepth[line.depth] = id
        }

        // Peer groups touching this table, with their members and slaves elsewhere.
        let groups = PeerGroup.groups(touching: shown.map(\.mount), in: allTables)
        let colors = Palette.peerGroupLines
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
            g.subgraph("cluster_ns_\(ns)", [("label", namer(ns)), ("style", "rounded,dashed"), ("color", Palette.groupBorder)]) { inner in
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
            (Palette.sharedFill, "shared:N: in peer group N, sends and receives mount events"), (Palette.slaveFill, "master:N: slave of group N, only receives"),
            (Palette.sharedSlaveFill, "shared and slave"), (Palette.plain, "private: no propagation"),
            (Palette.unbindable, "red, crossed corners: unbindable"), (Palette.shared, "bold line: peers of one group, across namespaces"),
            (Palette.slave, "orange arrow: master -> slave; dashed: propagate_from"), (Palette.mountParent, "thin line: parent mount -> child mount"),
        ])
        return g.render(name: "mounts")
    }
}

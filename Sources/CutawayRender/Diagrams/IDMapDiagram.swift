import CutawayModel

/// Diagram 4: the id maps at each level of a process's user-namespace chain: each inside
/// range of a namespace points at the range it is in the parent namespace, down to the host.
public enum IDMapDiagram {
    /// The diagram of `chain`.
    public static func dot(_ chain: IDMapChain, index: SnapshotIndex) -> String {
        var g = DOTGraph()
        let who = index.process(chain.pid).map { "pid \($0.pid) (\($0.command))" } ?? "pid \(chain.pid)"
        g.graphAttributes([("rankdir", "LR"), ("fontname", Palette.font), ("fontsize", "11"), ("labelloc", "t"),
                           ("label", "User-ID maps of \(who): each range inside a namespace -> the ids it is in the parent")])
        g.nodeDefaults([("shape", "box"), ("style", "rounded,filled"), ("fontname", Palette.font), ("fontsize", "10")])
        g.edgeDefaults([("fontname", Palette.font), ("fontsize", "9")])
        // Outermost on the right, the process's own namespace on the left.
        let (levels, omitted) = chain.drawnLevels
        for (k, level) in levels.enumerated().reversed() {
            if k > 0, levels[k - 1].depth + 1 != level.depth {
                g.node(DOT.id("omitted", omitted), [("label", NamespaceTree.foldNote(omitted) + "\n(user namespaces not drawn)"), ("style", "rounded,dotted")])
            }
            let ns = level.namespace
            var title = "user:\(ns.inode)"
            title += ns.owner == nil ? " (the host's initial user namespace)" : (ns.ownerUID.map { ", created by uid \($0)" } ?? "")
            if ns.hidden { title += "\n(hidden: no process left in it)" }
            g.subgraph("cluster_\(ns.inode)", [("label", title), ("style", "rounded,filled"), ("fillcolor", ns.owner == nil ? Palette.initialUserNamespace : Palette.userNamespace),
                                                ("color", ns.owner == nil ? Palette.host : Palette.userNamespaceBorder)]) { inner in
                guard let maps = level.maps else {
                    inner.node(DOT.id("nomap", ns.inode), [("label", "maps not readable"), ("style", "dashed")])
                    return
                }
                for (kind, ranges) in [("uid", maps.uidMap), ("gid", maps.gidMap)] {
                    if ranges.isEmpty { inner.node(DOT.id(kind, ns.inode, "none"), [("label", "no \(kind) map written"), ("style", "dashed")]) }
                    for (n, r) in ranges.enumerated() {
                        let span = r.count == 1 ? "\(kind) \(r.inside)" : "\(kind)s \(r.inside)-\(r.lastInside)"
                        var label = span
                        if ns.owner != nil { label += "\non the host: \(r.count == 1 ? "\(r.outside)" : "\(r.outside)-\(r.lastOutside)")" }
                        let isRootIdentity = ns.owner != nil && r.inside == 0 && r.outside == 0
                        inner.node(DOT.id(kind, ns.inode, n), [("label", label), ("fillcolor", isRootIdentity ? Palette.alarm : (kind == "uid" ? Palette.uidRange : Palette.gidRange))])
                    }
                }
            }
        }
        // Arrows: a range -> the parent's range that holds its outside ids.
        for (k, level) in levels.enumerated() where k > 0 && levels[k - 1].depth + 1 == level.depth {
            guard let maps = level.maps, let parent = levels[k - 1].maps else { continue }
            for (kind, ranges, parentRanges) in [("uid", maps.uidMap, parent.uidMap), ("gid", maps.gidMap, parent.gidMap)] {
                for (n, r) in ranges.enumerated() {
                    guard let p = parentRanges.firstIndex(where: { $0.toInside(r.outside) != nil }) else { continue }
                    let inParent = parentRanges[p].toInside(r.outside)!
                    let label = r.count == 1 ? "\(r.inside) is \(inParent) there" : "\(r.inside)-\(r.lastInside) are \(inParent)-\(inParent + (r.count - 1)) there"
                    g.edge(DOT.id(kind, level.namespace.inode, n), DOT.id(kind, levels[k - 1].namespace.inode, p), [("label", label)])
                }
            }
        }
        Legend.box(&g, "idmap", rows: [
            (Palette.uidRange, "uid range inside this user namespace"),
            (Palette.gidRange, "gid range"),
            (Palette.alarm, "red: uid 0 inside is uid 0 outside: root in here IS root on the host"),
            (Palette.plain, "arrow: the ids the range is in the parent namespace"),
        ])
        return g.render(name: "idmap")
    }
}

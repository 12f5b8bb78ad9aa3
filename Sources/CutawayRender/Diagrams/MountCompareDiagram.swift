import CutawayModel

/// Two mount namespaces side by side (a new mount namespace is a clone of its parent's
/// table that then diverges, mount_namespaces(7)): the mounts both have, and those only one
/// has, as ``MountComparison`` finds them.
public enum MountCompareDiagram {
    /// The diagram of `comparison`, the tables called `nameA` and `nameB`, at most `limit` mounts
    /// a side.
    public static func dot(_ comparison: MountComparison, nameA: String, nameB: String, limit: Int = 200) -> String {
        let a = comparison.first, b = comparison.second
        let both = comparison.both, onlyA = comparison.onlyFirst, onlyB = comparison.onlySecond
        var g = DOTGraph()
        g.graphAttributes([("rankdir", "TB"), ("fontname", Palette.font), ("fontsize", "11"), ("labelloc", "t"),
                           ("label", "\(nameA) and \(nameB): \(Count.of(both.count, "mount")) in both, \(onlyA.count) only in the first, \(onlyB.count) only in the second")])
        g.nodeDefaults([("shape", "box"), ("style", "filled"), ("fontname", Palette.font), ("fontsize", "9")])
        func column(_ name: String, _ title: String, _ mounts: [Mount], color: String, ns: UInt64, into g: inout DOTGraph) {
            g.subgraph("cluster_\(name)", [("label", title), ("style", "rounded"), ("color", color)]) { inner in
                for m in mounts.prefix(limit) {
                    var attrs = MountDiagram.attrs(m)
                    attrs.append(("color", color))
                    inner.node(DOT.id(name, ns, m.id), attrs)
                }
                if mounts.count > limit { inner.node(DOT.id(name, "more"), [("label", "\(mounts.count - limit) more"), ("style", "dotted")]) }
                for (x, y) in zip(mounts.prefix(limit), mounts.prefix(limit).dropFirst()) { inner.edge(DOT.id(name, ns, x.id), DOT.id(name, ns, y.id), [("style", "invis")]) }
            }
        }
        column("onlyA", "only in \(nameA) (made after the split, or not propagated)", onlyA, color: Palette.onlyFirst, ns: a.mountNamespace, into: &g)
        column("both", "in both: copied when the namespace was cloned", both, color: Palette.inBoth, ns: a.mountNamespace, into: &g)
        column("onlyB", "only in \(nameB)", onlyB, color: Palette.onlySecond, ns: b.mountNamespace, into: &g)
        Legend.box(&g, "compare", rows: [
            (Palette.onlyFirst, "blue: only in the first namespace"), (Palette.onlySecond, "gold: only in the second namespace"),
            (Palette.inBoth, "grey: in both (same mount point, device and root)"), (Palette.sharedFill, "green fill: shared, events propagate between peers"),
            (Palette.slaveFill, "orange fill: slave, only receives"),
        ])
        return g.render(name: "compare")
    }
}

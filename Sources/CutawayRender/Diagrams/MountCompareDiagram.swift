import CutawayModel

/// Diagram 6: two mount namespaces side by side (concept 4: a new mount namespace is a clone
/// that then diverges): the mounts both have, and those only one has. Mounts are the same
/// when their mount point, device and root agree; peers of one group are linked.
public enum MountCompareDiagram {
    struct Key: Hashable { var point: ByteString; var device: String; var root: ByteString }

    public static func dot(_ a: MountTable, _ b: MountTable, nameA: String, nameB: String, limit: Int = 200) -> String {
        func key(_ m: Mount) -> Key { Key(point: m.mountPoint, device: m.majorMinor, root: m.root) }
        let keysA = Set(a.mounts.map(key)), keysB = Set(b.mounts.map(key))
        let both = a.mounts.filter { keysB.contains(key($0)) }
        let onlyA = a.mounts.filter { !keysB.contains(key($0)) }
        let onlyB = b.mounts.filter { !keysA.contains(key($0)) }
        var g = DOTGraph()
        g.graphAttributes([("rankdir", "TB"), ("fontname", Palette.font), ("fontsize", "11"), ("labelloc", "t"),
                           ("label", "\(nameA) and \(nameB): \(both.count) mounts in both, \(onlyA.count) only in the first, \(onlyB.count) only in the second")])
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
        column("onlyA", "only in \(nameA) (made after the split, or not propagated)", onlyA, color: "#1f6fbf", ns: a.mountNamespace, into: &g)
        column("both", "in both: copied when the namespace was cloned", both, color: "#555555", ns: a.mountNamespace, into: &g)
        column("onlyB", "only in \(nameB)", onlyB, color: "#b8860b", ns: b.mountNamespace, into: &g)
        Legend.box(&g, "compare", rows: [
            ("#1f6fbf", "blue: only in the first namespace"),
            ("#b8860b", "gold: only in the second namespace"),
            ("#555555", "grey: in both (same mount point, device and root)"),
            ("#cdeccf", "green fill: shared, events propagate between peers"),
            ("#ffd9b0", "orange fill: slave, only receives"),
        ])
        return g.render(name: "compare")
    }
}

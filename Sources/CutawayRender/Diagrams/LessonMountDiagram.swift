import CutawayModel

/// A lesson's picture of mount tables, side by side: only what the lesson is about — each
/// table's root mount and the mounts at or under the lesson's directory (`$LAB`) — with every
/// other mount of the machine folded into one node. Mounts that are not in every table shown
/// have a thick outline (made after a split, not propagated, or left behind by pivot_root);
/// peer groups get a colour each, named in the legend, and the four propagation types
/// (mount_namespaces(7)) are drawn distinctly: shared (filled in its group's colour), slave
/// (its master group's colour, dashed, with an arrow from the master), private (white) and
/// unbindable (red, crossed corners).
public enum LessonMountDiagram {
    /// One table of the picture with its title.
    public struct Panel: Sendable {
        /// The heading drawn above the table.
        public var title: String
        /// The mount table drawn.
        public var table: MountTable
        /// A panel of `table` titled `title`.
        public init(title: String, table: MountTable) { self.title = title; self.table = table }
    }

    static let groupColors = Palette.lessonGroupFills
    static let groupEdges = Palette.lessonGroupLines

    /// Identity of a mount across namespaces: ``MountIdentity`` (same device, same root in it,
    /// same mount point).
    static func key(_ m: Mount) -> MountIdentity { MountIdentity(m) }

    /// `focus` is the lesson's directory; it is shown as `focusLabel`.
    public static func dot(panels: [Panel], focus: String, focusLabel: String = "$LAB", title: String) -> String {
        func inFocus(_ m: Mount) -> Bool {
            let p = m.mountPoint.description
            return p == focus || p.hasPrefix(focus + "/")
        }
        // The first panel's root is the machine's root file system (the sandbox shares it).
        let machineRoot = panels.first?.table.rootMount.map(key)
        /// The visible root mount (the last one mounted on `/`) and the mounts of the lesson;
        /// all mounts of a table whose root is not the machine's (after pivot_root).
        func relevant(_ t: MountTable) -> [Mount] {
            let root = t.rootMount
            if let root, key(root) != machineRoot { return t.mounts }
            return t.mounts.filter { $0.id == root?.id || inFocus($0) }
        }
        let shownPerPanel = panels.map { relevant($0.table) }
        let keySets = shownPerPanel.map { Set($0.map(key)) }
        let everywhere = keySets.dropFirst().reduce(keySets.first ?? []) { $0.intersection($1) }
        // Peer groups in order of first appearance.
        var groups: [Int] = []
        for m in shownPerPanel.flatMap({ $0 }) {
            for g in [m.shared, m.master].compactMap({ $0 }) where !groups.contains(g) { groups.append(g) }
        }
        func color(_ group: Int) -> (fill: String, edge: String) {
            let i = (groups.firstIndex(of: group) ?? 0) % groupColors.count
            return (groupColors[i], groupEdges[i])
        }
        // The lesson directory's device, to say which directory a bind mount shows.
        let focusDevice = panels.first.flatMap { p in p.table.mounts.last { $0.mountPoint.description == focus && $0.root.description == "/" } }
        func display(_ path: String) -> String {
            path == focus ? focusLabel : path.hasPrefix(focus + "/") ? focusLabel + path.dropFirst(focus.count) : path
        }
        func label(_ m: Mount, isRootOfMachine: Bool) -> String {
            var lines = [display(m.mountPoint.description)]
            if isRootOfMachine {
                lines.append("the machine's root file system")
            } else {
                lines.append("\(m.fsType) \(m.source)")
                if m.root.description != "/" {
                    if let d = focusDevice, d.majorMinor == m.majorMinor { lines.append("bind of " + focusLabel + m.root.description) }
                    else { lines.append("bind of " + DOT.middleTruncated(m.root.description, max: 40)) }
                }
            }
            var tags: [String] = []
            if let s = m.shared { tags.append("shared:\(s)") }
            if let s = m.master { tags.append("master:\(s) (slave)") }
            if m.unbindable { tags.append("unbindable") }
            lines.append(tags.isEmpty ? "private" : tags.joined(separator: ", "))
            return lines.joined(separator: "\n")
        }

        var g = DOTGraph()
        g.graphAttributes([("rankdir", "TB"), ("fontname", Palette.font), ("fontsize", "11"), ("label", title), ("labelloc", "t"), ("newrank", "true")])
        g.nodeDefaults([("shape", "box"), ("style", "filled"), ("fillcolor", Palette.plain), ("fontname", Palette.font), ("fontsize", "10")])
        g.edgeDefaults([("fontname", Palette.font), ("fontsize", "9"), ("color", Palette.parentChild), ("arrowhead", "none")])
        var slaveEdges: [(from: String, to: String, group: Int)] = []
        var groupMembers: [Int: String] = [:]
        for (n, panel) in panels.enumerated() {
            let shown = shownPerPanel[n]
            let ids = Set(shown.map(\.id))
            let folded = panel.table.mounts.count - shown.count
            func node(_ m: Mount) -> String { DOT.id("p", n, m.id) }
            g.subgraph("cluster_\(n)", [("label", panel.title), ("style", "rounded"), ("color", Palette.host), ("fontsize", "11")]) { c in
                for m in shown.sorted(by: { $0.mountPoint.description < $1.mountPoint.description }) {
                    let isMachineRoot = key(m) == machineRoot
                    var attrs: [(String, String)] = [("label", label(m, isRootOfMachine: isMachineRoot))]
                    if let s = m.shared {
                        attrs.append(("fillcolor", color(s).fill)); attrs.append(("color", color(s).edge))
                        groupMembers[s] = groupMembers[s] ?? node(m)
                    } else if let s = m.master {
                        attrs.append(("fillcolor", color(s).fill)); attrs.append(("color", color(s).edge)); attrs.append(("style", "filled,dashed"))
                    }
                    if m.unbindable { attrs += [("color", Palette.unbindable), ("style", "filled,diagonals"), ("fontcolor", Palette.unbindable)] }
                    if !everywhere.contains(key(m)) { attrs.append(("penwidth", "3")) }
                    c.node(node(m), attrs)
                    if let s = m.master, m.shared == nil { slaveEdges.append((node(m), node(m), s)) }
                }
                if folded > 0, let root = shown.first(where: { $0.mountPoint.description == "/" }) {
                    let id = DOT.id("p", n, "folded")
                    c.node(id, [("label", "+ \(folded) other mount\(folded == 1 ? "" : "s") of the machine\n(/proc, /sys, /dev, /tmp …)"), ("style", "dashed"), ("color", Palette.hidden), ("fontcolor", Palette.foldedText)])
                    c.edge(node(root), id, [("style", "dashed")])
                }
                for m in shown where m.mountPoint.description != "/" {
                    if ids.contains(m.parentID), let parent = shown.first(where: { $0.id == m.parentID }) {
                        c.edge(node(parent), node(m))
                    } else if let root = shown.first(where: { $0.mountPoint.description == "/" }) {
                        c.edge(node(root), node(m), [("style", "dotted"), ("label", "…")])
                    }
                }
            }
        }
        for e in slaveEdges {
            guard let master = groupMembers[e.group] else { continue }
            // No label on this edge: libgvc crashes laying out labels of non-constraint edges
            // between clusters.
            g.edge(master, e.to, [("color", color(e.group).edge), ("style", "dashed"), ("arrowhead", "normal"), ("constraint", "false")])
        }
        var rows: [(String, String)] = groups.map { (color($0).fill, "peer group \($0): shared:\($0) sends and receives; master:\($0) (dashed) only receives") }
        if !slaveEdges.isEmpty { rows.append((Palette.plain, "dashed arrow: master -> slave, mount events flow one way")) }
        rows.append((Palette.plain, "white: private, passes nothing on"))
        rows.append((Palette.unbindable, "red, crossed corners: unbindable (cannot be bind-mounted)"))
        rows.append((Palette.outline, "thick outline: not in every mount table shown"))
        rows.append((Palette.plain, "\(focusLabel): the lesson's working directory"))
        Legend.box(&g, "lesson-mounts", rows: rows)
        return g.render(name: "lesson-mounts")
    }
}

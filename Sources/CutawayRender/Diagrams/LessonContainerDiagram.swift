import CutawayModel

/// A lesson's picture of a container it built by hand: its overlay layers -> the merged
/// directory -> the root of its own mount namespace (pivot_root, the old root unmounted) ->
/// its PID 1 with its pid at every level; the namespaces it has of its own and those it
/// shares with the lesson sandbox. Paths under the lesson's directory are shown as `$LAB/…`.
public enum LessonContainerDiagram {
    /// The diagram of the container whose root is `stack` and whose PID 1 is `p`.
    public static func dot(stack: OverlayStack, process p: ProcessRecord, mountTable: MountTable?, snapshot: Snapshot,
                           focus: String, focusLabel: String = "$LAB", readerName: String, title: String) -> String {
        func display(_ path: String) -> String {
            path == focus ? focusLabel : path.hasPrefix(focus + "/") ? focusLabel + path.dropFirst(focus.count) : DOT.middleTruncated(path, max: 48)
        }
        var g = DOTGraph()
        g.graphAttributes([("rankdir", "TB"), ("fontname", Palette.font), ("fontsize", "11"), ("labelloc", "t"), ("compound", "true"),
                           ("label", title + "\na container = image layers + its own upper layer + new namespaces + pivot_root")])
        g.nodeDefaults([("shape", "box"), ("style", "rounded,filled"), ("fontname", Palette.font), ("fontsize", "10")])
        g.edgeDefaults([("fontname", Palette.font), ("fontsize", "9")])
        g.subgraph("cluster_layers", [("label", "overlay layers, top first"), ("style", "rounded"), ("color", Palette.groupBorder)]) { inner in
            for (i, l) in stack.layers.enumerated() {
                let role = l.role == .upper ? "upperdir: the container's own layer" : "lowerdir: a read-only image layer"
                inner.node(DOT.id("layer", i), [("label", "\(display(l.path.description))\n\(role)"), ("style", "filled"),
                                                ("fillcolor", l.role == .upper ? Palette.upper : Palette.lower)])
                if i > 0 { inner.edge(DOT.id("layer", i - 1), DOT.id("layer", i), [("style", "invis")]) }
            }
        }
        let mountNS = p.namespaces[.mnt].map { "mnt:\($0)" } ?? "its mount namespace"
        let merged = DOT.id("merged")
        let mergedPath = stack.mergedDir.description == "/" ? focusLabel + "/merged" : display(stack.mergedDir.description)
        g.node(merged, [("label", "merged directory \(mergedPath)\nthe overlay mount: all layers in one view"), ("fillcolor", Palette.merged)])
        g.edge(DOT.id("layer", 0), merged, [("label", "mount -t overlay"), ("ltail", "cluster_layers")])
        let root = DOT.id("root")
        let others = (mountTable?.mounts.count ?? 1) - 1
        g.node(root, [("label", "/ of \(mountNS)\nthe container's root after pivot_root\nold root unmounted: \(others) other mount\(others == 1 ? "" : "s") (\(mountTable?.mounts.filter { $0.mountPoint.description != "/" }.map(\.mountPoint.description).joined(separator: ", ") ?? ""))"),
                      ("fillcolor", Palette.fill(.mnt))])
        g.edge(merged, root, [("label", "pivot_root")])
        let pid1 = DOT.id("pid1")
        let pids = p.nsPID.enumerated().map { i, pid in i == 0 ? "pid \(pid) in the \(readerName)" : i == p.nsPID.count - 1 ? "PID \(pid) in its own pid namespace" : "pid \(pid)" }
        g.node(pid1, [("label", "\(p.command)\n" + pids.joined(separator: "\n")), ("fillcolor", Palette.fill(.pid)), ("penwidth", "2")])
        g.edge(root, pid1, [("label", "runs in")])
        let reader = snapshot.reader.namespaces
        let types = NamespaceType.allCases.sorted().filter { p.namespaces[$0] != nil }
        g.subgraph("cluster_own", [("label", "new namespaces of its own"), ("style", "rounded"), ("color", Palette.container)]) { inner in
            for t in types where p.namespaces[t] != reader[t] {
                inner.node(DOT.id("own", t.rawValue), [("label", "\(t.rawValue):\(p.namespaces[t]!)\n\(t.isolates)"), ("fillcolor", Palette.fill(t)), ("color", Palette.container), ("penwidth", "2")])
            }
        }
        g.subgraph("cluster_shared", [("label", "shared with the \(readerName)"), ("style", "rounded"), ("color", Palette.host)]) { inner in
            for t in types where p.namespaces[t] == reader[t] {
                var label = "\(t.rawValue):\(p.namespaces[t]!)"
                if t == .user { label += "\nno user namespace: root in here is root outside" }
                inner.node(DOT.id("shared", t.rawValue), [("label", label), ("fillcolor", Palette.fill(t)), ("color", Palette.host)])
            }
        }
        for t in types {
            g.edge(pid1, p.namespaces[t] == reader[t] ? DOT.id("shared", t.rawValue) : DOT.id("own", t.rawValue), [("arrowhead", "none"), ("color", Palette.membership)])
        }
        Legend.box(&g, "lesson-container", rows: [
            (Palette.upper, "the container's own read-write layer"),
            (Palette.lower, "read-only image layers"),
            (Palette.merged, "merged directory: the overlay mount"),
            (Palette.fill(.mnt), "its mount namespace, whose root is the merged directory"),
            (Palette.container, "blue border: namespaces made for it"),
            (Palette.host, "dark border: namespaces it shares with the \(readerName)"),
        ])
        return g.render(name: "lesson-container")
    }
}

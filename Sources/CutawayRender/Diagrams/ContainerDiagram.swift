import CutawayModel

/// Diagram 5: a container's anatomy: image layers + its own upper
/// layer -> merged dir -> the root of its own mount namespace (pivot_root) -> its PID 1; host
/// paths bind-mounted in; the namespaces it has of its own and those it shares with the host.
public enum ContainerDiagram {
    /// The diagram of `c`, its overlay drawn from `picture` when there is one.
    public static func dot(_ c: Container, picture: OverlayPicture?, index: SnapshotIndex) -> String {
        var g = DOTGraph()
        g.graphAttributes([("rankdir", "TB"), ("fontname", Palette.font), ("fontsize", "11"), ("labelloc", "t"), ("compound", "true"),
                           ("label", ContainerReport.title(c)
                            + "\na container = image layers + its own upper layer + new namespaces + pivot_root")])
        g.nodeDefaults([("shape", "box"), ("style", "rounded,filled"), ("fontname", Palette.font), ("fontsize", "10")])
        g.edgeDefaults([("fontname", Palette.font), ("fontsize", "9")])
        let layers = picture?.stack.layers ?? c.layers
        g.subgraph("cluster_layers", [("label", "overlay layers (top first)"), ("style", "rounded"), ("color", Palette.groupBorder)]) { inner in
            for (i, l) in layers.enumerated() {
                var label = "\(i) \(l.role.rawValue)"
                if let info = l.engine { label += ": " + DOT.middleTruncated(info.createdBy ?? info.note ?? info.layerID, max: 50) }
                inner.node(DOT.id("layer", i), [("label", label), ("shape", "box"), ("style", "filled"),
                                                ("fillcolor", l.role == .upper ? Palette.upper : (l.role == .data ? Palette.data : Palette.lower))])
                if i > 0 { inner.edge(DOT.id("layer", i - 1), DOT.id("layer", i), [("style", "invis")]) }
            }
        }
        let merged = DOT.id("merged")
        g.node(merged, [("label", "merged dir\n" + DOT.middleTruncated(c.mergedDir ?? picture?.stack.mergedDir.description ?? "?", max: 50)), ("fillcolor", Palette.merged)])
        g.edge(DOT.id("layer", 0), merged, [("label", "overlay mount", ), ("ltail", "cluster_layers")])
        guard let pid = c.pid, let p = index.process(pid) else {
            g.node(DOT.id("stopped"), [("label", "not running: no process, no namespaces"), ("style", "dashed")])
            g.edge(merged, DOT.id("stopped"), [("style", "dashed")])
            return g.render(name: "container")
        }
        let mnt = p.namespaces[.mnt]
        let root = DOT.id("root")
        g.node(root, [("label", "/ of mnt:\(mnt.map(String.init) ?? "?")\n(the container's root after pivot_root)"), ("fillcolor", Palette.fill(.mnt))])
        g.edge(merged, root, [("label", "pivot_root")])
        let init_ = DOT.id("pid1")
        g.node(init_, [("label", "PID \(p.innermostPID) inside = host PID \(pid)\n\(p.command)"), ("fillcolor", Palette.fill(.pid)), ("penwidth", "2")])
        g.edge(root, init_, [("label", "runs in")])
        // Host paths bind-mounted in (real filesystems only; kernel-filesystem masks are counted).
        if let mnt, let table = index.mountTable(mnt) {
            let binds = ContainerReport.bindMounts(in: table).hostPaths
            g.subgraph("cluster_binds", [("label", "bind-mounted from the host before pivot_root"), ("style", "rounded,dashed"), ("color", Palette.groupBorder)]) { inner in
                for (n, b) in binds.enumerated() {
                    inner.node(DOT.id("bind", n), [("label", "host \(DOT.middleTruncated(b.root.description, max: 44))\n-> \(b.mountPoint)"), ("fillcolor", Palette.plain)])
                }
            }
            for n in binds.indices { g.edge(DOT.id("bind", n), root, [("style", "dashed"), ("label", "bind")]) }
        }
        let reader = index.snapshot.reader.namespaces
        let types = NamespaceType.allCases.sorted().filter { p.namespaces[$0] != nil }
        g.subgraph("cluster_own", [("label", "new namespaces of its own"), ("style", "rounded"), ("color", Palette.container)]) { inner in
            for t in types where p.namespaces[t] != reader[t] {
                inner.node(DOT.id("own", t.rawValue), [("label", "\(t.rawValue):\(p.namespaces[t]!)" + NetworkDiagram.deviceLines(t, p.namespaces[t]!, index: index)), ("fillcolor", Palette.fill(t)), ("color", Palette.container), ("penwidth", "2")])
            }
        }
        g.subgraph("cluster_shared", [("label", "shared with the host"), ("style", "rounded"), ("color", Palette.host)]) { inner in
            for t in types where p.namespaces[t] == reader[t] {
                var label = "\(t.rawValue):\(p.namespaces[t]!) (host)"
                if t == .user { label += "\nroot in here IS root on the host" }
                inner.node(DOT.id("shared", t.rawValue), [("label", label), ("fillcolor", Palette.fill(t)), ("color", Palette.host), ("penwidth", "2")])
            }
        }
        for t in types {
            let target = p.namespaces[t] == reader[t] ? DOT.id("shared", t.rawValue) : DOT.id("own", t.rawValue)
            g.edge(init_, target, [("arrowhead", "none"), ("color", Palette.membership)])
        }
        Legend.box(&g, "container", rows: [
            (Palette.upper, "the container's own read-write layer"),
            (Palette.lower, "read-only image layers (one per build step)"),
            (Palette.merged, "merged dir: the overlay the engine mounts"),
            (Palette.fill(.mnt), "its mount namespace, whose root is the merged dir"),
            (Palette.container, "blue border: namespaces created for it"),
            (Palette.host, "dark border: namespaces it shares with the host"),
        ])
        return g.render(name: "container")
    }
}

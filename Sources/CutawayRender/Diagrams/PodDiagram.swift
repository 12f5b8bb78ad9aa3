import CutawayModel

/// A Kubernetes pod in one picture: the sandbox holds the namespaces the pod shares (net, ipc,
/// uts: one network stack, one hostname, one IPC space for all its containers); each
/// container has its own pid and mount namespaces, its own overlay layers and merged root.
/// Namespaces shared with the host (typically user, cgroup, time) are named once at the bottom.
public enum PodDiagram {
    /// Containers beyond this many are folded into a "… N more" node.
    public static let maxContainers = 12
    /// Layers of a container beyond this many are folded into a "… N more" node.
    public static let maxLayers = 8

    /// The diagram of `pod`.
    public static func dot(_ pod: Pod, index: SnapshotIndex) -> String {
        var g = DOTGraph()
        let title = "pod \(pod.ref.namespace)/\(pod.ref.name) (sandbox \(String(pod.ref.sandboxID.prefix(12))))"
            + "\nits containers join the sandbox's namespaces; each keeps its own pid and mount namespace and its own layers"
        g.graphAttributes([("rankdir", "TB"), ("fontname", Palette.font), ("fontsize", "11"), ("labelloc", "t"), ("compound", "true"),
                           ("label", title)])
        g.nodeDefaults([("shape", "box"), ("style", "rounded,filled"), ("fontname", Palette.font), ("fontsize", "10")])
        g.edgeDefaults([("fontname", Palette.font), ("fontsize", "9")])
        let reader = index.snapshot.reader.namespaces
        let sandboxNamespaces = pod.sandbox?.namespaces ?? [:]
        let members = (pod.sandbox.map { [$0] } ?? []) + pod.containers
        // Namespaces the pod shares: the sandbox's, other than the host's, that a container also has.
        let podShared = NamespaceType.allCases.sorted().filter { t in
            guard let ns = sandboxNamespaces[t], ns != reader[t] else { return false }
            return pod.containers.isEmpty || pod.containers.contains { $0.namespaces[t] == ns }
        }
        g.subgraph("cluster_shared", [("label", "shared by the pod (held by the sandbox)"), ("style", "rounded"), ("color", Palette.container), ("penwidth", "2")]) { inner in
            if podShared.isEmpty {
                inner.node(DOT.id("shared", "none"), [("label", pod.sandbox == nil ? "sandbox not found" : "sandbox not running: namespaces unknown"), ("style", "dashed")])
            }
            for t in podShared {
                inner.node(DOT.id("shared", t.rawValue), [("label", "\(t.rawValue):\(sandboxNamespaces[t]!)\n" + what(t)), ("fillcolor", Palette.fill(t)), ("color", Palette.container), ("penwidth", "2")])
            }
        }
        var hostShared = Set<NamespaceType>()
        for (n, c) in members.prefix(maxContainers + 1).enumerated() {
            let label = c.role == .sandbox ? "sandbox \(c.shortID)" : "container \(c.podContainerName ?? c.shortID) (\(c.shortID))"
            let cluster = "cluster_member_\(n)"
            g.subgraph(cluster, [("label", label + (c.image.map { "\nimage \(DOT.middleTruncated($0, max: 50))" } ?? "")), ("style", "rounded"), ("color", Palette.groupBorder)]) { inner in
                let layers = c.layers
                for (i, l) in layers.prefix(maxLayers).enumerated() {
                    var text = "\(i) \(l.role.rawValue)"
                    if let info = l.engine { text += ": " + DOT.middleTruncated(info.createdBy ?? info.note ?? info.layerID, max: 44) }
                    inner.node(DOT.id("layer", n, i), [("label", text), ("shape", "box"), ("style", "filled"),
                                                        ("fillcolor", l.role == .upper ? Palette.upper : Palette.lower)])
                    if i > 0 { inner.edge(DOT.id("layer", n, i - 1), DOT.id("layer", n, i), [("style", "invis")]) }
                }
                if layers.count > maxLayers {
                    inner.node(DOT.id("layer", n, "more"), [("label", "… \(layers.count - maxLayers) more layers"), ("style", "dashed")])
                }
                let pid = c.pid.flatMap { index.process($0) }
                let root = DOT.id("root", n)
                inner.node(root, [("label", "merged root /\n" + (c.namespaces[.mnt].map { "of mnt:\($0)" } ?? "not mounted")), ("fillcolor", Palette.merged)])
                if !layers.isEmpty { inner.edge(DOT.id("layer", n, 0), root, [("label", "overlay")]) }
                let proc = DOT.id("pid", n)
                if let pid {
                    inner.node(proc, [("label", "PID \(pid.innermostPID) inside = host PID \(pid.pid)\n\(pid.command)"), ("fillcolor", Palette.fill(.pid)), ("penwidth", "2")])
                } else {
                    inner.node(proc, [("label", "not running"), ("style", "dashed")])
                }
                inner.edge(root, proc, [("label", "pivot_root")])
                for t in [NamespaceType.pid, .mnt] {
                    guard let ns = c.namespaces[t], ns != reader[t], !(podShared.contains(t) && ns == sandboxNamespaces[t]) else { continue }
                    inner.node(DOT.id("own", n, t.rawValue), [("label", "\(t.rawValue):\(ns)\nits own"), ("fillcolor", Palette.fill(t))])
                    inner.edge(proc, DOT.id("own", n, t.rawValue), [("arrowhead", "none"), ("color", Palette.membership)])
                }
            }
            for t in podShared where c.namespaces[t] == sandboxNamespaces[t] {
                g.edge(DOT.id("pid", n), DOT.id("shared", t.rawValue), c.role == .sandbox
                       ? [("label", t == podShared.first ? "holds" : ""), ("color", Palette.container), ("penwidth", "2")]
                       : [("label", t == podShared.first ? "joins" : ""), ("style", "dashed"), ("color", Palette.container)])
            }
            for t in NamespaceType.allCases where c.namespaces[t] != nil && c.namespaces[t] == reader[t] { hostShared.insert(t) }
            if n == maxContainers {
                g.node(DOT.id("more"), [("label", "… \(members.count - maxContainers) more containers"), ("style", "dashed")])
                break
            }
        }
        if !hostShared.isEmpty {
            var label = "shared with the host: " + hostShared.sorted().map(\.rawValue).joined(separator: ", ")
            if hostShared.contains(.user) { label += "\nno user namespace of its own: root in a container IS root on the host" }
            g.node(DOT.id("host"), [("label", label), ("fillcolor", Palette.plain), ("color", Palette.host), ("penwidth", "2")])
        }
        Legend.box(&g, "pod", rows: [
            (Palette.container, "blue border: the pod's shared namespaces, held by its sandbox"), (Palette.upper, "a container's own read-write layer"),
            (Palette.lower, "read-only image layers"), (Palette.merged, "merged dir: the container's /"),
            (Palette.host, "dark border: namespaces shared with the host"),
        ])
        return g.render(name: "pod")
    }

    static func what(_ t: NamespaceType) -> String {
        switch t {
        case .net: "one network stack: same IP, localhost"
        case .ipc: "one System V IPC / POSIX mqueue space"
        case .uts: "one hostname"
        case .pid: "one process tree (shareProcessNamespace)"
        default: "shared"
        }
    }
}

import CutawayModel

/// The network diagram (each network namespace has its own devices, addresses, routes and
/// ports, like a separate host: network_namespaces(7)): every network namespace a box,
/// labelled with its processes, container or holder; its devices inside with their addresses; veth pairs as thick lines between
/// the two ends (across boxes when the ends are in different namespaces); bridge ports
/// tied to their bridge; the main routes under each box's devices.
///
/// Namespaces that hold nothing but a loopback device are folded into one node (sandboxes
/// and lesson shells make many), and at most `limit` namespaces are drawn: the ones with
/// the most devices, the host's always, then "N more".
///
/// `readerName` is what cutaway's own namespace is called ("host"; "lesson sandbox" in a
/// lesson, whose reader is the sandbox, not the machine).
public enum NetworkDiagram {
    /// Extra label lines for a namespace node in other diagrams (the container diagram): a
    /// network namespace's devices with their first address and veth peer; empty otherwise.
    public static func deviceLines(_ type: NamespaceType, _ inode: UInt64, index: SnapshotIndex) -> String {
        guard type == .net, let net = index.snapshot.network(inode) else { return "" }
        return "\n" + NetworkReport.deviceSummary(net, index: index, limit: 4).map { DOT.middleTruncated($0, max: 80) }.joined(separator: "\n")
    }

    /// The diagram of `snapshot`'s network namespaces (only the one with inode `focus`, when given),
    /// at most `limit` boxes.
    public static func dot(_ snapshot: Snapshot, focus: UInt64? = nil, limit: Int = 40, readerName: String = "host") -> String {
        let index = SnapshotIndex(snapshot)
        let describer = NamespaceDescriber(index: index, readerName: readerName)
        let hostNet = snapshot.reader.namespaces[.net]
        var g = DOTGraph()
        g.graphAttributes([("rankdir", "LR"), ("compound", "true"), ("fontname", Palette.font), ("fontsize", "11"), ("labelloc", "t"),
                           ("nodesep", "0.25"), ("ranksep", "0.9"),
                           ("label", "Network namespaces of \(snapshot.hostname): each box has its own devices, addresses and routes; veth pairs join them")])
        g.nodeDefaults([("shape", "box"), ("style", "rounded,filled"), ("fontname", Palette.font), ("fontsize", "10")])
        g.edgeDefaults([("fontname", Palette.font), ("fontsize", "9")])

        var selected = snapshot.networks
        if let focus {
            // The namespace asked for and every namespace its veths lead to.
            let peers = Set(snapshot.networks.first { $0.namespace == focus }?.interfaces.compactMap { $0.peer?.namespace } ?? [])
            selected = selected.filter { $0.namespace == focus || peers.contains($0.namespace) }
        }
        let onlyLoopback = selected.filter { n in n.namespace != focus && n.namespace != hostNet && n.interfaces.allSatisfy { $0.kind == "loopback" } && n.routes.isEmpty }
        if onlyLoopback.count > 1 {
            let folded = Set(onlyLoopback.map(\.namespace))
            selected = selected.filter { !folded.contains($0.namespace) }
        }
        var more = 0
        if selected.count > limit {
            let ranked = selected.sorted { a, b in
                (a.namespace == hostNet ? 0 : 1, -a.interfaces.count, a.namespace) < (b.namespace == hostNet ? 0 : 1, -b.interfaces.count, b.namespace)
            }
            more = selected.count - limit
            let keep = Set(ranked.prefix(limit).map(\.namespace))
            selected = selected.filter { keep.contains($0.namespace) }
        }
        let drawn = Set(selected.map(\.namespace))
        func deviceID(_ ns: UInt64, _ index: Int32) -> String { DOT.id("dev", ns, index) }

        for net in selected {
            var title = ["net:\(net.namespace)"]
            if let ns = index.namespace(.net, net.namespace) {
                let containers = index.containers(in: ns)
                if net.namespace == hostNet { title.append(readerName + (containers.isEmpty ? "" : ", shared with " + containers.map(\.name).joined(separator: ", "))) }
                else if !containers.isEmpty { title.append("container " + containers.map { "\($0.engine.rawValue) \($0.name)" }.joined(separator: ", ")) }
                let leader = describer.leader(ns)
                if leader != "-" { title.append("pid \(leader)" + (ns.pids.count > 1 ? " and \(ns.pids.count - 1) more" : "")) }
                if let holder = describer.holders(ns).first { title.append(holder) }
            }
            let isHost = net.namespace == hostNet
            let isContainer = index.namespace(.net, net.namespace).map { !index.containers(in: $0).isEmpty && !isHost } ?? false
            g.subgraph("cluster_net_\(net.namespace)", [("label", title.map { DOT.middleTruncated($0, max: 80) }.joined(separator: "\n")),
                                                        ("style", "rounded,filled"), ("fillcolor", Palette.networkNamespace),
                                                        ("color", isHost ? Palette.host : (isContainer ? Palette.container : Palette.networkNamespaceBorder)),
                                                        ("penwidth", isHost || isContainer ? "2.5" : "1.2")]) { inner in
                for i in net.interfaces {
                    var lines = ["\(i.name) (\(i.kind))", "\(i.up ? "up" : "DOWN"), mtu \(i.mtu)"]
                    lines += i.addresses.prefix(4)
                    if i.addresses.count > 4 { lines.append("+\(i.addresses.count - 4) more") }
                    let fill = i.kind == "loopback" ? Palette.loopback : (i.kind == "bridge" ? Palette.bridge : (i.up ? Palette.fill(.net) : Palette.deviceDown))
                    inner.node(deviceID(net.namespace, i.index), [("label", lines.joined(separator: "\n")), ("fillcolor", fill),
                                                                  ("style", i.up ? "rounded,filled" : "rounded,filled,dashed"),
                                                                  ("shape", i.kind == "bridge" ? "box3d" : "box")])
                }
                // IPv6 link-local routes (one per device) are counted, not listed.
                let linkLocal = net.routes.filter { $0.destination == "fe80::/64" }.count
                let shown = net.routes.filter { $0.destination != "fe80::/64" }
                if !net.routes.isEmpty {
                    var lines = shown.prefix(6).map { r in
                        r.destination + (r.gateway.map { " via \($0)" } ?? "") + (r.device.map { " dev \($0)" } ?? "") + (r.type == "unicast" ? "" : " (\(r.type))")
                    }
                    if shown.count > 6 { lines.append("+\(shown.count - 6) more routes") }
                    if linkLocal > 0 { lines.append("+\(linkLocal) fe80::/64 link-local route\(linkLocal == 1 ? "" : "s")") }
                    inner.node(DOT.id("routes", net.namespace), [("label", "routes (main)\n" + lines.joined(separator: "\n")), ("shape", "note"),
                                                                   ("style", "filled"), ("fillcolor", Palette.plain), ("fontsize", "9")])
                }
            }
        }
        // Bridge ports and veth pairs.
        var unseen = 0
        for net in selected {
            let byName = Dictionary(net.interfaces.map { ($0.name, $0.index) }, uniquingKeysWith: { a, _ in a })
            for i in net.interfaces {
                if let master = i.master, let m = byName[master] {
                    g.edge(deviceID(net.namespace, i.index), deviceID(net.namespace, m), [("label", "port"), ("color", Palette.bridgePort), ("style", "dashed")])
                }
                guard let peer = i.peer else { continue }
                if let ns = peer.namespace, drawn.contains(ns) {
                    // Each pair once: from the end with the smaller (namespace, index).
                    guard (net.namespace, i.index) < (ns, peer.index) else { continue }
                    g.edge(deviceID(net.namespace, i.index), deviceID(ns, peer.index),
                           [("dir", "none"), ("penwidth", "2.5"), ("color", Palette.veth), ("label", "veth pair")])
                } else {
                    unseen += 1
                    let ghost = DOT.id("peer", net.namespace, i.index)
                    let text = peer.namespace.map { "peer \(peer.name?.description ?? "ifindex \(peer.index)")\nin net:\($0) (not drawn)" }
                        ?? "peer ifindex \(peer.index)\nin a namespace cutaway cannot see"
                    g.node(ghost, [("label", text), ("style", "rounded,dashed"), ("fillcolor", Palette.plain)])
                    g.edge(deviceID(net.namespace, i.index), ghost, [("dir", "none"), ("penwidth", "2"), ("style", "dashed"), ("color", Palette.veth)])
                }
            }
        }
        FoldedNamespaces.notes(&g, folded: onlyLoopback.count > 1 ? "\(onlyLoopback.count) more network namespaces\nwith only a loopback device (lo) and no routes" : nil,
                               more: more, kind: "network", command: "cutaway net", nothingRead: snapshot.networks.isEmpty, visibility: snapshot.visibility)
        Legend.box(&g, "network", rows: [
            (Palette.fill(.net), "a device that is up (name, kind, addresses)"), (Palette.deviceDown, "dashed: a device that is down"),
            (Palette.bridge, "a bridge; dashed lines: its ports"), (Palette.veth, "thick line: a veth pair (a cable between two devices)"),
            (Palette.host, "dark border: the \(readerName)'s network namespace"), (Palette.container, "blue border: a container's network namespace"),
        ])
        return g.render(name: "network")
    }
}

/// The nodes that stand for what a namespace-contents diagram leaves out: folded namespaces,
/// namespaces over the limit, and why there is nothing at all.
enum FoldedNamespaces {
    static func notes(_ g: inout DOTGraph, folded: String?, more: Int, kind: String, command: String, nothingRead: Bool, visibility: Visibility) {
        let style: [(String, String)] = [("shape", "box"), ("style", "rounded,dashed"), ("fillcolor", Palette.plain)]
        if let folded { g.node(DOT.id("folded"), [("label", folded)] + style) }
        if more > 0 { g.node(DOT.id("more"), [("label", "\(more) more \(kind) namespace\(more == 1 ? "" : "s") (\(command) lists them)")] + style) }
        if nothingRead {
            let why = visibility.namespaceContentsRead ? "no \(kind) namespace could be read" : "no \(kind) namespace contents: they are read from the live kernel only"
            g.node(DOT.id("empty"), [("label", why)] + style)
        }
    }
}

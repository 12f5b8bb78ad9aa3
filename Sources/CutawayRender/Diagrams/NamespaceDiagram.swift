import CutawayModel

/// Diagram 1: user namespaces as nested ownership clusters, every other namespace inside the
/// user namespace that owns it, coloured by type, with its leader process; the pid-namespace
/// parent chain as arrows; containers named; the host's initial namespaces set apart.
/// On a large host each cluster shows at most `perType` namespaces of a type and one
/// "N more" node for the rest, so the default picture stays readable.
public struct NamespaceDiagram {
    public var perType: Int
    /// What the reader's own namespaces are called: "host", or "sandbox" when cutaway runs
    /// inside the lesson sandbox.
    public var readerName: String
    /// Replaces the title (which names the host and the time).
    public var title: String?
    public init(perType: Int = 6, readerName: String = "host", title: String? = nil) {
        self.perType = perType; self.readerName = readerName; self.title = title
    }

    public func dot(_ snapshot: Snapshot) -> String {
        let index = SnapshotIndex(snapshot)
        let describer = NamespaceDescriber(index: index)
        let users = snapshot.namespaces.filter { $0.type == .user }.sorted { $0.inode < $1.inode }
        var owned: [UInt64?: [Namespace]] = [:]     // owner user ns -> its non-user namespaces
        var childUsers: [UInt64?: [Namespace]] = [:]
        let userInodes = Set(users.map(\.inode))
        for ns in snapshot.namespaces.sorted(by: { ($0.type, $0.inode) < ($1.type, $1.inode) }) {
            let owner = ns.owner.flatMap { userInodes.contains($0) ? $0 : nil }
            if ns.type == .user { childUsers[owner, default: []].append(ns) } else { owned[owner, default: []].append(ns) }
        }
        var g = DOTGraph()
        g.graphAttributes([("rankdir", "TB"), ("compound", "true"), ("fontname", Palette.font), ("fontsize", "11"), ("newrank", "true"),
                           ("label", title ?? "Namespaces of \(snapshot.hostname), \(snapshot.takenAt): each box is owned by the user namespace around it"),
                           ("labelloc", "t")])
        g.nodeDefaults([("shape", "box"), ("style", "rounded,filled"), ("fontname", Palette.font), ("fontsize", "10")])
        g.edgeDefaults([("fontname", Palette.font), ("fontsize", "9")])

        var drawn = Set<String>()
        func nodeID(_ ns: Namespace) -> String { DOT.id("ns", ns.type.rawValue, ns.inode) }

        func label(_ ns: Namespace) -> String {
            var lines = ["\(ns.type.rawValue):\(ns.inode)"]
            let containers = index.containers(in: ns)
            if !containers.isEmpty, !index.isReaders(ns) { lines.append("container " + containers.map(\.name).joined(separator: ", ")) }
            if index.isReaders(ns) { lines.append(readerName) }
            if let init_ = index.initProcess(of: ns), init_.nsPID.count > 1 { lines.append("PID 1 here = \(readerName) PID \(init_.pid)") }
            let leader = describer.leader(ns)
            if leader != "-" { lines.append("leader \(leader)") }
            lines.append("\(ns.pids.count) process\(ns.pids.count == 1 ? "" : "es")")
            for h in describer.holders(ns).prefix(2) { lines.append(h) }
            if ns.hidden { lines.append("hidden: no process left") }
            return lines.map { DOT.middleTruncated($0, max: 56) }.joined(separator: "\n")
        }

        /// Draws a cluster's namespaces one row per type, rows stacked with invisible edges;
        /// returns the first node of each row, top to bottom.
        @discardableResult
        func drawNamespaces(_ list: [Namespace], in g: inout DOTGraph, cluster: String) -> [String] {
            var rowHeads: [String] = []
            for type in NamespaceType.allCases.sorted() {
                let ofType = list.filter { $0.type == type }
                guard !ofType.isEmpty else { continue }
                // Interesting ones first: the host's, containers', then by process count.
                let ranked = ofType.sorted {
                    let a = (index.isReaders($0) ? 0 : 1, index.containers(in: $0).isEmpty ? 1 : 0, -$0.pids.count, $0.inode)
                    let b = (index.isReaders($1) ? 0 : 1, index.containers(in: $1).isEmpty ? 1 : 0, -$1.pids.count, $1.inode)
                    return a < b
                }
                var row: [String] = []
                for ns in ranked.prefix(perType) {
                    var attrs: [(String, String)] = [("label", label(ns)), ("fillcolor", Palette.fill(ns.type))]
                    if index.isReaders(ns) { attrs += [("penwidth", "2"), ("color", Palette.host)] }
                    if !index.containers(in: ns).isEmpty && !index.isReaders(ns) { attrs += [("penwidth", "2"), ("color", Palette.container)] }
                    if ns.hidden { attrs += [("style", "rounded,filled,dashed")] }
                    g.node(nodeID(ns), attrs)
                    drawn.insert(nodeID(ns))
                    row.append(nodeID(ns))
                }
                let rest = ofType.count - min(ofType.count, perType)
                if rest > 0 {
                    let processes = ranked.dropFirst(perType).reduce(0) { $0 + $1.pids.count }
                    let more = DOT.id("more", cluster, type.rawValue)
                    g.node(more, [("label", "\(rest) more \(type.rawValue) namespaces\n(\(processes) processes)"),
                                  ("fillcolor", Palette.fill(type)), ("style", "rounded,filled,dotted")])
                    row.append(more)
                }
                if row.count > 1 { g.raw("{ rank=same; " + row.joined(separator: "; ") + " }") }
                if let previous = rowHeads.last { g.edge(previous, row[0], [("style", "invis")]) }
                rowHeads.append(row[0])
            }
            return rowHeads
        }

        func drawUser(_ user: Namespace, in g: inout DOTGraph) {
            let isHost = index.isReaders(user) || user.owner == nil
            var title = "user:\(user.inode)"
            if user.owner == nil { title += "  HOST: the initial user namespace" }
            // A container that shares the host's user namespace is not named on the host's box.
            let containers = index.isReaders(user) ? [] : index.containers(in: user)
            if !containers.isEmpty { title += "  container " + containers.map(\.name).joined(separator: ", ") }
            if let maps = index.idMaps(user.inode) { title += "\n" + NamespaceDescriber.mapSummary(maps.uidMap, kind: "uid") }
            if let uid = user.ownerUID, user.owner != nil { title += ", created by uid \(uid)" }
            if user.hidden { title += "\n(hidden: no process left in it)" }
            g.subgraph("cluster_user_\(user.inode)", [("label", title), ("style", user.hidden ? "rounded,filled,dashed" : "rounded,filled"),
                                                      ("fillcolor", isHost ? "#f4f0f8" : "#faf6fd"), ("color", isHost ? Palette.host : "#8e6bb5"),
                                                      ("penwidth", isHost ? "2" : "1"), ("labeljust", "l")]) { inner in
                // An invisible anchor so that edges can point at the cluster.
                let anchor = DOT.id("anchor", user.inode)
                inner.node(anchor, [("shape", "point"), ("style", "invis"), ("width", "0")])
                let rows = drawNamespaces(owned[user.inode] ?? [], in: &inner, cluster: "u\(user.inode)")
                if let first = rows.first { inner.edge(anchor, first, [("style", "invis")]) }
                // Child user namespaces below this one's own namespaces.
                for child in childUsers[user.inode] ?? [] {
                    drawUser(child, in: &inner)
                    inner.edge(rows.last ?? anchor, DOT.id("anchor", child.inode), [("style", "invis")])
                }
            }
        }

        for root in (childUsers[nil] ?? []) { drawUser(root, in: &g) }
        // Namespaces whose owner is not known (unreadable relations): outside every cluster.
        drawNamespaces(owned[nil] ?? [], in: &g, cluster: "none")

        // The pid hierarchy: parent -> child.
        for ns in snapshot.namespaces where ns.type == .pid {
            guard let parent = ns.parent, drawn.contains(nodeID(ns)) else { continue }
            let parentID = DOT.id("ns", "pid", parent)
            guard drawn.contains(parentID) else { continue }
            g.edge(parentID, nodeID(ns), [("label", "child pid ns"), ("color", "#c26a00"), ("fontcolor", "#c26a00")])
        }
        Legend.namespaces(&g, readerName: readerName)
        return g.render(name: "namespaces")
    }
}

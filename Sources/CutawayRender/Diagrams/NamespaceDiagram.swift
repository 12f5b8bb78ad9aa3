import CutawayModel

/// Diagram 1: user namespaces as nested ownership clusters, every other namespace inside the
/// user namespace that owns it, coloured by type, with its leader process; the pid-namespace
/// parent chain as arrows; containers named; the host's initial namespaces set apart.
/// On a busy host alike namespace sets fold into one box each (``NamespaceFold``, the rule is
/// in the legend) and each cluster shows at most `perType` namespaces of a type and one
/// "N more" node for the rest, so the default picture stays readable; ``unfolded`` draws
/// every namespace.
public struct NamespaceDiagram {
    /// At most this many namespaces of a type in one cluster; the rest become one "N more" node.
    public var perType: Int
    /// Fold alike namespace sets (``NamespaceFold``); false draws every namespace.
    public var fold: Bool
    /// What the reader's own namespaces are called: "host", or "lesson sandbox" when cutaway
    /// runs inside the lesson sandbox.
    public var readerName: String
    /// Replaces the title (which names the host and the time).
    public var title: String?
    /// A diagram with these settings.
    public init(perType: Int = 6, fold: Bool = true, readerName: String = "host", title: String? = nil) {
        self.perType = perType; self.fold = fold; self.readerName = readerName; self.title = title
    }

    /// Every namespace, one box each, no "N more".
    public static var unfolded: NamespaceDiagram { NamespaceDiagram(perType: .max, fold: false) }

    /// `highlighted`: namespaces drawn with a bold red border (a focus's own).
    public func dot(_ snapshot: Snapshot, title: String? = nil, highlighted: Set<SnapshotIndex.NamespaceKey> = []) -> String {
        let index = SnapshotIndex(snapshot)
        let describer = NamespaceDescriber(index: index, readerName: readerName)
        let folding = fold ? NamespaceFold(snapshot: snapshot, index: index) : nil
        let groupsAt = Dictionary(grouping: folding?.groups ?? [], by: \.home)
        let visible = folding.map { f in snapshot.namespaces.filter { !f.isFolded($0) } } ?? snapshot.namespaces
        let users = visible.filter { $0.type == .user }.sorted { $0.inode < $1.inode }
        var owned: [UInt64?: [Namespace]] = [:]     // owner user ns -> its non-user namespaces
        var childUsers: [UInt64?: [Namespace]] = [:]
        let userInodes = Set(users.map(\.inode))
        for ns in visible.sorted(by: { ($0.type, $0.inode) < ($1.type, $1.inode) }) {
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
                    if highlighted.contains(SnapshotIndex.NamespaceKey(ns.type, ns.inode)) { attrs += [("penwidth", "3"), ("color", Palette.focus)] }
                    g.node(nodeID(ns), attrs)
                    drawn.insert(nodeID(ns))
                    row.append(nodeID(ns))
                }
                let rest = ofType.count - min(ofType.count, perType)
                if rest > 0 {
                    let processes = ranked.dropFirst(perType).reduce(0) { $0 + $1.pids.count }
                    let more = DOT.id("more", cluster, type.rawValue)
                    g.node(more, [("label", "\(rest) more \(type.rawValue) namespace\(rest == 1 ? "" : "s")\n(\(Count.of(processes, "process", "processes")))"),
                                  ("fillcolor", Palette.fill(type)), ("style", "rounded,filled,dotted")])
                    row.append(more)
                }
                if row.count > 1 { g.raw("{ rank=same; " + row.joined(separator: "; ") + " }") }
                if let previous = rowHeads.last { g.edge(previous, row[0], [("style", "invis")]) }
                rowHeads.append(row[0])
            }
            return rowHeads
        }

        func groupID(_ group: NamespaceFold.Group) -> String { DOT.id("group", group.id) }

        /// One box per folded group living in this user namespace (nil: outside every cluster).
        func drawGroups(at home: UInt64?, in g: inout DOTGraph) -> [String] {
            var ids: [String] = []
            for group in groupsAt[home] ?? [] {
                var lines = [group.headline, "(\(group.detail))", group.processesPerUnit + ", \(Count.of(group.folded.count, "namespace")) folded"]
                let examples = group.pids.prefix(3).map { pid in index.process(pid).map { "\($0.pid) \($0.command)" } ?? "\(pid)" }
                lines.append("e.g. pid " + examples.joined(separator: ", ") + (group.pids.count > 3 ? ", …" : ""))
                if !group.containerNames.isEmpty {
                    lines.append("containers " + group.containerNames.prefix(3).joined(separator: ", ") + (group.containerNames.count > 3 ? ", …" : ""))
                }
                lines.append("differ only in: " + group.varies.joined(separator: ", "))
                g.node(groupID(group), [("label", lines.map { DOT.middleTruncated($0, max: 72) }.joined(separator: "\n")),
                                        ("shape", "box3d"), ("style", "filled"), ("fillcolor", Palette.folded), ("color", Palette.container),
                                        ("penwidth", "2")])
                ids.append(groupID(group))
            }
            return ids
        }

        /// The namespaces of a user namespace's subtree (itself included), counted without recursion.
        func subtreeCount(_ user: Namespace) -> Int {
            var count = 0, seen = Set<UInt64>(), stack = [user]
            while let u = stack.popLast() {
                guard seen.insert(u.inode).inserted else { continue }
                count += 1 + (owned[u.inode]?.count ?? 0)
                stack += childUsers[u.inode] ?? []
            }
            return count
        }

        /// Nested clusters stop at ``NamespaceTree/maxDepth`` (the kernel stops at 32; only a
        /// damaged snapshot goes deeper): below it one dotted node counts the rest, so neither
        /// this recursion nor Graphviz's layout ever sees a chain 20,000 deep.
        func drawUser(_ user: Namespace, depth: Int = 0, in g: inout DOTGraph) {
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
                                                      ("fillcolor", isHost ? Palette.initialUserNamespace : Palette.userNamespace), ("color", isHost ? Palette.host : Palette.userNamespaceBorder),
                                                      ("penwidth", isHost ? "2" : "1"), ("labeljust", "l")]) { inner in
                // An invisible anchor so that edges can point at the cluster.
                let anchor = DOT.id("anchor", user.inode)
                inner.node(anchor, [("shape", "point"), ("style", "invis"), ("width", "0")])
                var rows = drawNamespaces(owned[user.inode] ?? [], in: &inner, cluster: "u\(user.inode)")
                let groups = drawGroups(at: user.inode, in: &inner)
                if let head = groups.first {
                    if groups.count > 1 { inner.raw("{ rank=same; " + groups.joined(separator: "; ") + " }") }
                    if let last = rows.last { inner.edge(last, head, [("style", "invis")]) }
                    rows.append(head)
                }
                if let first = rows.first { inner.edge(anchor, first, [("style", "invis")]) }
                // Child user namespaces below this one's own namespaces.
                let children = childUsers[user.inode] ?? []
                if depth >= NamespaceTree.maxDepth, !children.isEmpty {
                    let more = DOT.id("deeper", user.inode)
                    inner.node(more, [("label", NamespaceTree.foldNote(children.reduce(0) { $0 + subtreeCount($1) })),
                                      ("fillcolor", Palette.fill(.user)), ("style", "rounded,filled,dotted")])
                    inner.edge(rows.last ?? anchor, more, [("style", "invis")])
                    return
                }
                for child in children {
                    drawUser(child, depth: depth + 1, in: &inner)
                    inner.edge(rows.last ?? anchor, DOT.id("anchor", child.inode), [("style", "invis")])
                }
            }
        }

        for root in (childUsers[nil] ?? []) { drawUser(root, in: &g) }
        // Namespaces whose owner is not known (unreadable relations): outside every cluster.
        drawNamespaces(owned[nil] ?? [], in: &g, cluster: "none")
        _ = drawGroups(at: nil, in: &g)

        // The pid hierarchy: parent -> child.
        for ns in snapshot.namespaces where ns.type == .pid {
            guard let parent = ns.parent, drawn.contains(nodeID(ns)) else { continue }
            let parentID = DOT.id("ns", "pid", parent)
            guard drawn.contains(parentID) else { continue }
            // Parent and child in one cluster share a row: a flat edge, whose plain label makes
            // libgvc 2.43 free memory twice in gvFreeLayout; an xlabel does not.
            let sameRow = index.namespace(.pid, parent)?.owner == ns.owner
            g.edge(parentID, nodeID(ns), [(sameRow ? "xlabel" : "label", "child pid ns"), ("color", Palette.childPidNamespace), ("fontcolor", Palette.childPidNamespace)])
        }
        // A folded group's pid namespaces: one arrow from each drawn parent.
        for group in folding?.groups ?? [] {
            var parents: [UInt64: Int] = [:]
            for key in group.folded where key.type == .pid {
                if let parent = index.namespace(.pid, key.inode)?.parent, drawn.contains(DOT.id("ns", "pid", parent)) { parents[parent, default: 0] += 1 }
            }
            for (parent, n) in parents.sorted(by: { $0.key < $1.key }) {
                g.edge(DOT.id("ns", "pid", parent), groupID(group), [("label", "\(n) child pid ns"), ("color", Palette.childPidNamespace), ("fontcolor", Palette.childPidNamespace)])
            }
        }
        Legend.namespaces(&g, folded: !(folding?.groups.isEmpty ?? true), focused: !highlighted.isEmpty, readerName: readerName)
        return g.render(name: "namespaces")
    }
}

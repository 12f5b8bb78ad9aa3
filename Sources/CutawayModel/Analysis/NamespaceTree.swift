/// Namespaces arranged as a forest, like `lsns --tree=owner` and `lsns --tree=parent`.
///
/// - `owner`: every namespace under the user namespace that owns it (NS_GET_USERNS); user
///   namespaces under their parent user namespace (which is their owner).
/// - `parent`: pid and user namespaces under their parent (NS_GET_PARENT); other types flat.
///
/// Built in O(n) with an explicit child index; cycles (impossible in the kernel, possible in
/// a damaged snapshot) cannot loop: every namespace appears exactly once.
public struct NamespaceTree: Sendable {
    public enum Relation: String, Sendable, CaseIterable { case owner, parent }

    public struct Node: Sendable {
        public var namespace: Namespace
        public var children: [Node]
    }

    public var roots: [Node]

    public init(snapshot: Snapshot, relation: Relation, types: Set<NamespaceType> = Set(NamespaceType.allCases)) {
        let all = snapshot.namespaces
        // Keys are (type, inode); the edge always points at a namespace of a known type.
        typealias Key = SnapshotIndex.NamespaceKey
        var slot: [Key: Int] = [:]
        for (i, n) in all.enumerated() { slot[Key(n.type, n.inode)] = i }

        func edge(_ n: Namespace) -> Int? {
            switch relation {
            case .owner: return n.owner.flatMap { slot[Key(.user, $0)] }
            case .parent: return n.type.isHierarchical ? n.parent.flatMap { slot[Key(n.type, $0)] } : nil
            }
        }
        // Filtered types: attach to the nearest selected ancestor.
        func selectedAncestor(_ i: Int) -> Int? {
            var seen: Set<Int> = [i]
            var next = edge(all[i])
            while let j = next, seen.insert(j).inserted {
                if types.contains(all[j].type) { return j }
                next = edge(all[j])
            }
            return nil
        }
        var children: [[Int]] = Array(repeating: [], count: all.count)
        var rootSlots: [Int] = []
        for i in all.indices where types.contains(all[i].type) {
            if let p = selectedAncestor(i) { children[p].append(i) } else { rootSlots.append(i) }
        }
        func order(_ a: Int, _ b: Int) -> Bool {
            (all[a].type, all[a].inode) < (all[b].type, all[b].inode)
        }
        var visited = Set<Int>()
        func build(_ i: Int) -> Node {
            visited.insert(i)
            let kids = children[i].filter { !visited.contains($0) }.sorted(by: order)
            return Node(namespace: all[i], children: kids.map(build))
        }
        var roots = rootSlots.sorted(by: order).map(build)
        // Anything on a cycle was never reached from a root: show it as a root.
        for i in all.indices where types.contains(all[i].type) && !visited.contains(i) { roots.append(build(i)) }
        self.roots = roots
    }

    /// Depth-first order with depth and the tree-drawing prefix, for text reports.
    public func lines() -> [(node: Node, prefix: String)] {
        var out: [(Node, String)] = []
        func visit(_ node: Node, indent: String, branch: String) {
            out.append((node, branch))
            for (k, child) in node.children.enumerated() {
                let last = k == node.children.count - 1
                visit(child, indent: indent + (last ? "  " : "│ "), branch: indent + (last ? "└─" : "├─"))
            }
        }
        for root in roots { visit(root, indent: "", branch: "") }
        return out
    }
}

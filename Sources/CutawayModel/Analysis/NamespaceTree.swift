/// Namespaces arranged as a forest, like `lsns --tree=owner` and `lsns --tree=parent`.
///
/// - `owner`: every namespace under the user namespace that owns it (NS_GET_USERNS); user
///   namespaces under their parent user namespace (which is their owner).
/// - `parent`: pid and user namespaces under their parent (NS_GET_PARENT); other types flat.
///
/// Built in O(n) with an explicit child index; cycles (impossible in the kernel, possible in
/// a damaged snapshot) cannot loop: every namespace appears exactly once.
public struct NamespaceTree: Sendable {
    /// Which edge the forest follows: the owning user namespace or the parent.
    public enum Relation: String, Sendable, CaseIterable {
        /// Under the owning user namespace (NS_GET_USERNS), like `lsns --tree=owner`.
        case owner
        /// Pid and user namespaces under their parent (NS_GET_PARENT), like `lsns --tree=parent`.
        case parent
    }

    /// One namespace of the forest; its children are ``NamespaceTree/children`` at `slot`.
    public struct Node: Sendable {
        /// The namespace.
        public var namespace: Namespace
        /// Index into ``NamespaceTree/namespaces``.
        public var slot: Int
    }

    /// Index-based (no nested values): building, walking and freeing a tree never recurse,
    /// so a damaged snapshot nested 100,000 deep costs linear memory and no stack.
    public let namespaces: [Namespace]
    /// Slots of the roots, in display order.
    public let rootSlots: [Int]
    /// Children of each slot, in display order.
    public let children: [[Int]]

    /// The roots of the forest, in display order.
    public var roots: [Node] { rootSlots.map { Node(namespace: namespaces[$0], slot: $0) } }

    /// The children of `node`, in display order.
    public func children(of node: Node) -> [Node] { children[node.slot].map { Node(namespace: namespaces[$0], slot: $0) } }

    /// The forest of `snapshot`'s namespaces of `types` along `relation`; a namespace whose
    /// parent or owner is not in the snapshot (or not of a kept type) is a root.
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
        // Keep each namespace once: a child already reached (a cycle) is dropped there.
        var visited = [Bool](repeating: false, count: all.count)
        var kept: [[Int]] = Array(repeating: [], count: all.count)
        func reach(_ root: Int) {
            var stack = [root]
            visited[root] = true
            while let i = stack.popLast() {
                let kids = children[i].filter { !visited[$0] }.sorted(by: order)
                for k in kids { visited[k] = true }
                kept[i] = kids
                stack.append(contentsOf: kids)
            }
        }
        var roots = rootSlots.sorted(by: order)
        for r in roots { reach(r) }
        // Anything on a cycle was never reached from a root: show it as a root.
        for i in all.indices where types.contains(all[i].type) && !visited[i] { roots.append(i); reach(i) }
        self.namespaces = all
        self.rootSlots = roots
        self.children = kept
    }

    /// Namespaces nested deeper than this (as drawn) are folded into one line per subtree.
    /// The kernel stops pid and user nesting at 32; only a damaged snapshot goes deeper.
    public static let maxDepth = 40

    /// One line of ``lines()``: a namespace, or a fold standing for `folded` namespaces below.
    public struct Line: Sendable {
        /// The namespace of the line (for a fold: the first one it stands for).
        public var node: Node
        /// `├─` / `└─` drawing, empty for roots.
        public var prefix: String
        /// 0 for a namespace line; otherwise how many namespaces this line stands for.
        public var folded: Int
    }

    /// Depth-first order with the tree-drawing prefix, for text reports; iterative, and
    /// subtrees deeper than ``maxDepth`` folded, so memory stays linear at any depth.
    public func lines() -> [Line] {
        var out: [Line] = []
        var stack: [(slot: Int, depth: Int, indent: String, branch: String)] = rootSlots.reversed().map { ($0, 0, "", "") }
        while let item = stack.popLast() {
            let node = Node(namespace: namespaces[item.slot], slot: item.slot)
            if item.depth > Self.maxDepth {
                var count = 0
                var inner = [item.slot]
                while let n = inner.popLast() { count += 1; inner.append(contentsOf: children[n]) }
                out.append(Line(node: node, prefix: item.branch, folded: count))
                continue
            }
            out.append(Line(node: node, prefix: item.branch, folded: 0))
            let kids = children[item.slot]
            for (k, child) in kids.enumerated().reversed() {
                let last = k == kids.count - 1
                stack.append((child, item.depth + 1, item.indent + (last ? "  " : "│ "), item.indent + (last ? "└─" : "├─")))
            }
        }
        return out
    }
}

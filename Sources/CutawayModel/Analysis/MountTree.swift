/// The mount tree of one mount namespace, built by id as proc_pid_mountinfo(5) requires:
/// lines come in mount-list order, a parent can be listed after its child, ids are reused,
/// and the parent of the root mount is not in the table (it lies outside the reader's root).
///
/// Orphans (parent id absent or equal to their own) become roots; the tree is index-based
/// and traversed without recursion, so a 100,000-mount table or a deep stack of mounts on
/// one directory costs O(n).
public struct MountTree: Sendable {
    public let mounts: [Mount]
    /// Indices into `mounts`.
    public let roots: [Int]
    public let children: [[Int]]

    public init(mounts: [Mount]) {
        self.mounts = mounts
        // A reused id: the last line with that id is the live one for parent lookups.
        var slotByID: [Int: Int] = [:]
        slotByID.reserveCapacity(mounts.count)
        for (i, m) in mounts.enumerated() { slotByID[m.id] = i }
        var children: [[Int]] = Array(repeating: [], count: mounts.count)
        var roots: [Int] = []
        var hasParent = [Bool](repeating: false, count: mounts.count)
        for (i, m) in mounts.enumerated() {
            if m.parentID != m.id, let p = slotByID[m.parentID], p != i {
                children[p].append(i)
                hasParent[i] = true
            } else {
                roots.append(i)
            }
        }
        // Parent links that form a cycle leave nodes unreachable: promote the first of each.
        var reached = [Bool](repeating: false, count: mounts.count)
        var stack = roots
        func mark() {
            while let i = stack.popLast() {
                guard !reached[i] else { continue }
                reached[i] = true
                stack.append(contentsOf: children[i])
            }
        }
        mark()
        for i in mounts.indices where !reached[i] {
            roots.append(i)
            // Break the cycle: drop i from its parent's children.
            if hasParent[i], let p = slotByID[mounts[i].parentID] { children[p].removeAll { $0 == i } }
            stack = [i]
            mark()
        }
        self.roots = roots
        self.children = children
    }

    /// One line of a depth-first walk.
    public struct Line: Sendable {
        public var index: Int
        public var depth: Int
        /// `├─` / `└─` drawing, empty for roots.
        public var prefix: String
        public var mount: Mount
    }

    /// Depth-first, children in table order, iterative.
    public func lines() -> [Line] {
        var out: [Line] = []
        out.reserveCapacity(mounts.count)
        var stack: [(index: Int, depth: Int, indent: String, branch: String)] = roots.reversed().map { ($0, 0, "", "") }
        var emitted = [Bool](repeating: false, count: mounts.count)
        while let item = stack.popLast() {
            guard !emitted[item.index] else { continue }
            emitted[item.index] = true
            out.append(Line(index: item.index, depth: item.depth, prefix: item.branch, mount: mounts[item.index]))
            let kids = children[item.index]
            for (k, child) in kids.enumerated().reversed() {
                let last = k == kids.count - 1
                stack.append((child, item.depth + 1, item.indent + (last ? "  " : "│ "), item.indent + (last ? "└─" : "├─")))
            }
        }
        return out
    }
}

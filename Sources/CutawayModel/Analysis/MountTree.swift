/// The mount tree of one mount namespace, built by id as proc_pid_mountinfo(5) requires:
/// lines come in mount-list order, a parent can be listed after its child, ids are reused,
/// and the parent of the root mount is not in the table (it lies outside the reader's root).
///
/// Orphans (parent id absent or equal to their own) become roots; the tree is index-based
/// and traversed without recursion, so a 100,000-mount table or a deep stack of mounts on
/// one directory costs O(n).
public struct MountTree: Sendable {
    /// The table's mounts, in the kernel's order.
    public let mounts: [Mount]
    /// Indices into `mounts`.
    public let roots: [Int]
    /// For each mount (by index into `mounts`), the indices of the mounts mounted on it.
    public let children: [[Int]]

    /// The tree of `mounts`: a mount is a root when its parent id names itself or no mount of
    /// the table.
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

    /// One line of a depth-first walk: a mount, or a fold standing for mounts not listed.
    public struct Line: Sendable {
        /// The mount's index in ``MountTree/mounts``.
        public var index: Int
        /// Depth as drawn (folded levels do not count).
        public var depth: Int
        /// `├─` / `└─` drawing, empty for roots.
        public var prefix: String
        /// The mount; for a fold, the first mount it stands for.
        public var mount: Mount
        /// 0 for a mount line; otherwise how many mounts this line stands for.
        public var folded: Int = 0

        /// For a fold: true when the mounts it stands for are stacked on one mount point,
        /// false when they are nested below it (deeper than ``MountTree/maxDepth``).
        public var stacked = false
    }

    /// A run of mounts stacked on one mount point (each the only child of the one below,
    /// same mount point) longer than this is folded: its first ``keptHead`` and last
    /// ``keptTail`` mounts are listed, the rest become one line.
    public static let foldStacksLongerThan = 8
    /// How many mounts at the bottom of a long stack stay listed.
    public static let keptHead = 3
    /// How many mounts at the top of a long stack stay listed.
    public static let keptTail = 2
    /// Mounts nested deeper than this (as drawn) are folded into one line per subtree.
    public static let maxDepth = 64

    /// The mounts stacked on `i`'s mount point from `i` up: `i`, its only child if that has
    /// the same mount point, and so on.
    private func stackRun(from i: Int, limit: Int) -> [Int] {
        var run = [i]
        var current = i
        while children[current].count == 1, let next = children[current].first, mounts[next].mountPoint == mounts[current].mountPoint {
            run.append(next)
            current = next
            if run.count > limit { break }
        }
        return run
    }

    /// How many mounts the subtree under `i` holds, `i` included (iterative).
    private func subtreeSize(_ i: Int) -> Int {
        var count = 0
        var stack = [i]
        while let j = stack.popLast() {
            count += 1
            stack.append(contentsOf: children[j])
        }
        return count
    }

    /// Depth-first, children in table order, iterative. Memory is linear in the number of
    /// mounts at any depth: stacks longer than ``foldStacksLongerThan`` and subtrees deeper
    /// than ``maxDepth`` are folded into one line each, so no prefix is longer than
    /// `2 * maxDepth` characters (20,000 mounts stacked on one directory used to take
    /// O(depth²) memory for the indentation alone).
    public func lines() -> [Line] {
        var out: [Line] = []
        out.reserveCapacity(mounts.count)
        var stack: [(index: Int, depth: Int, indent: String, branch: String)] = roots.reversed().map { ($0, 0, "", "") }
        var emitted = [Bool](repeating: false, count: mounts.count)
        while let item = stack.popLast() {
            guard !emitted[item.index] else { continue }
            if item.depth > Self.maxDepth {
                let hidden = subtreeSize(item.index)
                var marker = Line(index: item.index, depth: item.depth, prefix: item.branch, mount: mounts[item.index], folded: hidden)
                marker.stacked = false
                out.append(marker)
                var mark = [item.index]
                while let j = mark.popLast() { emitted[j] = true; mark.append(contentsOf: children[j]) }
                continue
            }
            var last = item.index
            var depth = item.depth, indent = item.indent, branch = item.branch
            let run = stackRun(from: item.index, limit: mounts.count)
            if run.count > Self.foldStacksLongerThan {
                // The head of the stack, one fold line, the tail; each a child of the line before.
                let head = run.prefix(Self.keptHead), tail = run.suffix(Self.keptTail)
                for j in head {
                    emitted[j] = true
                    out.append(Line(index: j, depth: depth, prefix: branch, mount: mounts[j]))
                    (depth, branch, indent) = (depth + 1, indent + "└─", indent + "  ")
                }
                let folded = run.count - head.count - tail.count
                for j in run.dropFirst(head.count).dropLast(tail.count) { emitted[j] = true }
                var marker = Line(index: run[head.count], depth: depth, prefix: String(branch.dropLast(2)), mount: mounts[run[head.count]], folded: folded)
                marker.stacked = true
                out.append(marker)
                for (k, j) in tail.enumerated() {
                    emitted[j] = true
                    out.append(Line(index: j, depth: depth, prefix: branch, mount: mounts[j]))
                    if k < tail.count - 1 { (depth, branch, indent) = (depth + 1, indent + "└─", indent + "  ") }
                }
                last = run[run.count - 1]
            } else {
                emitted[item.index] = true
                out.append(Line(index: item.index, depth: depth, prefix: branch, mount: mounts[item.index]))
            }
            let kids = children[last]
            for (k, child) in kids.enumerated().reversed() {
                let isLast = k == kids.count - 1
                stack.append((child, depth + 1, indent + (isLast ? "  " : "│ "), indent + (isLast ? "└─" : "├─")))
            }
        }
        return out
    }
}

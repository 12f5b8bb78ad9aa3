import CutawayModel

/// The words of the lines that stand for what a tree folded (``MountTree``, ``NamespaceTree``).
extension MountTree.Line {
    /// For a fold: `… 19,990 more stacked here` (or `… N more mounts nested below`).
    public var foldNote: String? {
        guard folded > 0 else { return nil }
        return stacked ? "… \(FoldNotes.grouped(folded)) more stacked here" : "… \(FoldNotes.grouped(folded)) more mount\(folded == 1 ? "" : "s") nested below"
    }
}

extension NamespaceTree.Line {
    /// `… 19,990 more nested here`.
    public var foldNote: String? { folded > 0 ? NamespaceTree.foldNote(folded) : nil }
}

extension NamespaceTree {
    /// `… 19,990 more nested here`: the line standing for a subtree folded below ``maxDepth``.
    public static func foldNote(_ folded: Int) -> String { "… \(FoldNotes.grouped(folded)) more nested here" }
}

enum FoldNotes {
    /// `19990` -> `19,990`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }
}

import CutawayModel

/// How a folded group of alike namespace sets (``NamespaceFold``) is named in text, diagrams
/// and the explorer page.
extension NamespaceFold.Group {
    /// `300 × alike namespace sets (user, pid, mnt, net, uts, ipc; user ns created by uid 0)`
    public var title: String { "\(headline) (\(detail))" }

    /// `300 × container-like sets`
    public var headline: String {
        let kind = engine.map { "\($0) containers" } ?? (types.contains(.pid) && types.contains(.mnt) ? "container-like sets" : "alike namespace sets")
        return "\(count) × \(kind)"
    }

    /// `user, pid, mnt, net, uts, ipc; user ns created by uid 0`
    public var detail: String {
        var detail = types.map(\.rawValue).joined(separator: ", ")
        if let creatorUID { detail += "; user ns created by uid \(creatorUID)" }
        return detail
    }

    /// `1 process each` or `1-3 processes each`.
    public var processesPerUnit: String {
        let counts = units.map { $0.pids.count }
        let lo = counts.min() ?? 0, hi = counts.max() ?? 0
        let range = lo == hi ? "\(lo)" : "\(lo)-\(hi)"
        return "\(range) process\(hi == 1 ? "" : "es") each"
    }
}

extension NamespaceFold {
    /// Sentences for legends and help: how folding decides.
    public static let rule = [
        "folded: \(defaultMinimumGroup) or more alike namespace sets drawn as one box, 'N ×'",
        "alike = same types, owners, creator uid, id-map shape, engine, sharing",
        "pids, inodes, names and outside ids may differ; --unfold draws each",
    ]
}

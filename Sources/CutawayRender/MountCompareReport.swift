import CutawayModel

/// `cutaway mounts --compare PID1 PID2` as text: how many mounts both namespaces have and the
/// mounts only one of them has (``MountComparison``).
public enum MountCompareReport {
    /// The comparison, the two tables called `nameA` and `nameB` in the text.
    public static func render(_ comparison: MountComparison, nameA: String, nameB: String) -> String {
        func line(_ m: Mount) -> String { "  \(m.mountPoint)  \(m.fsType) \(m.source)  \(m.propagationTags)\n" }
        var out = "\(nameA) mnt:\(comparison.first.mountNamespace) and \(nameB) mnt:\(comparison.second.mountNamespace)\n"
        out += "in both (same mount point, device and root): \(comparison.both.count)\n"
        out += "only in \(nameA):\n" + comparison.onlyFirst.map(line).joined()
        out += "only in \(nameB):\n" + comparison.onlySecond.map(line).joined()
        return out
    }
}

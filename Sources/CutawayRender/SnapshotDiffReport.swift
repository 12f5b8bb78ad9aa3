import CutawayModel

/// What changed between two snapshots (``SnapshotDiff``), one line per change: namespaces
/// that appeared (with their leader, and for a mount namespace the size of the table it was
/// copied from) or vanished, and mounts added or removed. The lessons print it after a step.
public enum SnapshotDiffReport {
    /// The lines for `diff`, names looked up in `snapshot` (the later of the two).
    public static func lines(_ diff: SnapshotDiff, in snapshot: Snapshot) -> [String] {
        let index = SnapshotIndex(snapshot)
        var out: [String] = []
        for ns in diff.addedNamespaces.sorted(by: { ($0.type, $0.inode) < ($1.type, $1.inode) }) {
            let who = index.leader(of: ns).map { ", leader \($0.pid) \($0.command)" } ?? ""
            var line = "+ new namespace \(ns.type.rawValue):\(ns.inode)\(who)"
            if ns.type == .mnt, let t = diff.newMountTables.first(where: { $0.mountNamespace == ns.inode }) {
                line += " (a copy of \(Count.of(t.mounts, "mount")))"
            }
            out.append(line)
        }
        for ns in diff.removedNamespaces.sorted(by: { ($0.type, $0.inode) < ($1.type, $1.inode) }) {
            out.append("- namespace \(ns.type.rawValue):\(ns.inode) is gone")
        }
        for (ns, m) in diff.addedMounts { out.append("+ mount \(m.mountPoint) (\(m.fsType) \(m.source), \(m.propagationTags)) in mnt:\(ns)") }
        for (ns, m) in diff.removedMounts { out.append("- mount \(m.mountPoint) (\(m.fsType)) removed from mnt:\(ns)") }
        return out
    }
}

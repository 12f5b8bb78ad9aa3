import CutawayModel

/// `cutaway mounts`: the mount tree of one mount namespace, like findmnt, with propagation
/// *numbers*, and below it the peer groups it takes part in, across every mount namespace.
public enum MountReport {
    /// - Parameters:
    ///   - table: the namespace to draw.
    ///   - allTables: every mount table known (for peer groups across namespaces).
    ///   - namer: how to name another mount namespace in the peer-group list.
    public static func render(table: MountTable, allTables: [MountTable], title: String, namer: (UInt64) -> String) -> String {
        let tree = MountTree(mounts: table.mounts)
        var t = TextTable(headers: ["TARGET", "SOURCE", "FSTYPE", "PROPAGATION", "FSROOT", "OPTIONS"])
        for line in tree.lines() {
            if let note = line.foldNote { t.add([line.prefix + note, "", "", "", "", ""]); continue }
            let m = line.mount
            t.add([line.prefix + m.mountPoint.description, m.source.isEmpty ? "\"\"" : m.source.description, m.fsType.description,
                   m.propagationTags, m.root == "/" ? "" : m.root.description, m.mountOptions])
        }
        var out = "\(title): \(table.mounts.count) mount\(table.mounts.count == 1 ? "" : "s")\n\n" + t.render()
        out += peerGroups(for: table, allTables: allTables, namer: namer)
        return out
    }

    /// The peer groups that any mount of `table` belongs to or receives from.
    public static func peerGroups(for table: MountTable, allTables: [MountTable], namer: (UInt64) -> String) -> String {
        let shown = PeerGroup.groups(touching: table.mounts, in: allTables)
        guard !shown.isEmpty else {
            return "\nPeer groups: none. Every mount here is private: mounts made on either side of a namespace split stay there.\n"
        }
        let namespaceCount = Set(allTables.map(\.mountNamespace)).count
        var out = "\nPeer groups (mount events propagate between peers; slaves only receive), across \(namespaceCount) mount namespace\(namespaceCount == 1 ? "" : "s"):\n"
        func ref(_ r: MountReference) -> String {
            let here = r.mountNamespace == table.mountNamespace ? "this namespace" : namer(r.mountNamespace)
            return "\(r.mountPoint) (mount \(r.mountID), \(here))"
        }
        for g in shown {
            out += "  group \(g.id)\n"
            if g.members.isEmpty { out += "    peers:  none visible (the group's members lie outside every mount table read)\n" }
            for (i, m) in g.members.enumerated() { out += (i == 0 ? "    peers:  " : "            ") + ref(m) + "\n" }
            for (i, m) in g.slaves.enumerated() { out += (i == 0 ? "    slaves: " : "            ") + ref(m) + "  <- receives from group \(g.id)\n" }
            for (i, m) in g.propagatesTo.enumerated() { out += (i == 0 ? "    propagate_from: " : "                    ") + ref(m) + "\n" }
            if !g.masters.isEmpty { out += "    is a slave of group\(g.masters.count == 1 ? "" : "s") \(g.masters.map(String.init).joined(separator: ", "))\n" }
            if !g.slaveGroups.isEmpty { out += "    is master of group\(g.slaveGroups.count == 1 ? "" : "s") \(g.slaveGroups.map(String.init).joined(separator: ", "))\n" }
        }
        return out
    }
}

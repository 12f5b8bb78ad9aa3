import CutawayModel

/// `report.txt`: everything in one text: header, namespaces, each mount table with its
/// peer groups, id maps of every user namespace, and what could not be seen.
public enum SnapshotReport {
    /// A few lines: host, kernel, time and origin; counts of processes, namespaces, mount tables
    /// and id maps; whether visibility was complete.
    public static func summary(_ s: Snapshot) -> String {
        let byType = Dictionary(grouping: s.namespaces, by: \.type)
        let counts = NamespaceType.allCases.sorted().map { "\(byType[$0]?.count ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        let mounts = s.mountTables.reduce(0) { $0 + $1.mounts.count }
        return """
        host \(TerminalText.escape(s.hostname)), kernel \(TerminalText.escape(s.kernelRelease)), \(TerminalText.escape(s.takenAt)) (\(TerminalText.escape(s.origin.description)), read as uid \(s.reader.uid))
        \(Count.of(s.processes.count, "process", "processes")), \(Count.of(s.namespaces.count, "namespace")) (\(counts))
        \(Count.of(s.mountTables.count, "mount table")) with \(Count.of(mounts, "mount")), \(Count.of(s.idMaps.count, "user namespace")) with id maps
        visibility: \(s.visibility.complete ? "complete" : "incomplete (see the notes below)")

        """
    }

    /// The whole `report.txt`: the summary, then every section.
    public static func render(_ s: Snapshot) -> String {
        let index = SnapshotIndex(s)
        var out = "cutaway snapshot\n" + summary(s) + "\n== Namespaces (by owning user namespace)\n\n"
        out += NamespaceReport.render(s, relation: .owner, types: Set(NamespaceType.allCases))
        // Mount tables of one shape: the first in full, the others named (snapshot.json has each).
        let shapes = MountTableShape(tables: s.mountTables)
        for (table, others, varies) in shapes.groups.map({ ($0.representative, Array($0.tables.dropFirst()), $0.varies) }) + shapes.single.map({ ($0, [MountTable](), [String]()) }) {
            out += "\n== Mounts\n\n"
            var title = "Mount namespace \(NamespaceDescriber(index: index).mountNamespace(table.mountNamespace)), read from pid \(table.readFrom)"
            if !others.isEmpty {
                title += "\n(and \(others.count) more of the same shape, differing only in \(varies.joined(separator: ", ")): "
                title += others.map { "mnt:\($0.mountNamespace)" }.joined(separator: " ") + ")"
            }
            out += MountReport.render(table: table, allTables: s.mountTables, title: title, namer: NamespaceDescriber(index: index).mountNamespace)
        }
        out += "\n== User namespaces and id maps\n"
        for maps in s.idMaps {
            guard let ns = index.namespace(.user, maps.userNamespace) else { continue }
            out += "\nuser:\(ns.inode)" + (ns.owner.map { " (owner user:\($0))" } ?? " (initial)") + ", read from pid \(maps.readFrom)\n"
            out += "  " + NamespaceDescriber.mapSummary(maps.uidMap, kind: "uid") + "\n"
            out += "  " + NamespaceDescriber.mapSummary(maps.gidMap, kind: "gid") + "\n"
        }
        out += ContainerReport.section(s)
        if !s.diagnostics.isEmpty {
            out += "\n== Input problems\n\n" + s.diagnostics.map(\.description).joined(separator: "\n") + "\n"
        }
        return out + VisibilityReport.render(s.visibility)
    }
}

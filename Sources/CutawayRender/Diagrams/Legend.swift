/// The legend box each diagram carries.
public enum Legend {
    static func box(_ g: inout DOTGraph, _ name: String, rows: [(String, String)]) {
        let cells = rows.map { color, text in
            "<TR><TD BGCOLOR=\"\(color)\" WIDTH=\"18\"> </TD><TD ALIGN=\"LEFT\">\(DOT.html(text))</TD></TR>"
        }.joined()
        g.node(DOT.id("legend", name), [("shape", "plaintext"), ("style", ""), ("fontsize", "9"),
                                       ("label", "<<TABLE BORDER=\"1\" CELLBORDER=\"0\" CELLSPACING=\"2\" CELLPADDING=\"2\"><TR><TD COLSPAN=\"2\"><B>Legend</B></TD></TR>\(cells)</TABLE>>")])
    }

    static func namespaces(_ g: inout DOTGraph, folded: Bool = false, focused: Bool = false, readerName: String = "host") {
        var rows = NamespaceTypeLegend.rows
        rows.append((Palette.plain, "thick dark border: the \(readerName)'s own namespace"))
        rows.append((Palette.plain, "thick blue border: a container's namespace"))
        rows.append((Palette.plain, "dashed: hidden, no process left in it"))
        rows.append((Palette.plain, "orange arrow: parent pid namespace -> child"))
        if folded { rows += NamespaceFold.rule.map { (Palette.folded, $0) } }
        if focused { rows.append((Palette.focus, "thick red border: the focused process's own namespaces")) }
        box(&g, "namespaces", rows: rows)
    }
}

import CutawayModel

enum NamespaceTypeLegend {
    static var rows: [(String, String)] {
        NamespaceType.allCases.sorted().map { (Palette.fill($0), "\($0.rawValue): \($0.isolates)") }
    }
}

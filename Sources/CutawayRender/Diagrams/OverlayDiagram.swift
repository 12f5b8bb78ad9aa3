import CutawayModel

/// Diagram 3: an overlay stack like the Docker storage-driver documentation's picture: the
/// layers as stacked bands (upper on top, the merged view above all), one column per path;
/// the copy that shows is bold, shadowed copies grey, whiteouts and opaque directories marked.
public enum OverlayDiagram {
    static func roleColor(_ role: OverlayLayer.Role) -> String {
        switch role {
        case .upper: Palette.upper
        case .lower: Palette.lower
        case .data: Palette.data
        }
    }

    /// The diagram of `p`: one row per layer, one column per path.
    public static func dot(_ p: OverlayPicture) -> String {
        let stack = p.stack
        func td(_ text: String, bg: String = Palette.plain, attrs: String = "") -> String {
            "<TD BGCOLOR=\"\(bg)\"\(attrs)>\(text)</TD>"
        }
        var rows: [String] = []
        // The merged view.
        var merged = td("<B>merged</B><BR/><FONT POINT-SIZE=\"8\">\(DOT.html(DOT.middleTruncated(stack.mergedDir.description, max: 40)))</FONT><BR/><FONT POINT-SIZE=\"8\">what processes see</FONT>", bg: Palette.merged, attrs: " ALIGN=\"LEFT\"")
        for c in p.columns {
            if let from = c.mergedFrom {
                merged += td("<B>\(DOT.html(c.path))</B><BR/><FONT POINT-SIZE=\"8\">from layer \(from)</FONT>", bg: Palette.merged)
            } else if let opaque = c.cutOffBy {
                merged += td("<FONT COLOR=\"\(Palette.hidden)\">(\(DOT.html(c.path)) not shown)<BR/><FONT POINT-SIZE=\"8\">hidden by opaque dir<BR/>\(DOT.html(opaque.path)) in layer \(opaque.layer)</FONT></FONT>", bg: Palette.merged)
            } else {
                merged += td("<FONT COLOR=\"\(Palette.hidden)\">(\(DOT.html(c.path)) gone)</FONT>", bg: Palette.merged)
            }
        }
        if p.morePaths > 0 { merged += td("<FONT POINT-SIZE=\"8\">+\(p.morePaths) more files</FONT>", bg: Palette.merged) }
        rows.append("<TR>\(merged)</TR>")
        for (i, layer) in stack.layers.enumerated() {
            var head = "<B>\(i) \(layer.role.rawValue)</B>"
            if let step = layer.engine?.createdBy ?? layer.engine?.note { head += "<BR/><FONT POINT-SIZE=\"8\">\(DOT.html(DOT.middleTruncated(step, max: 46)))</FONT>" }
            head += "<BR/><FONT POINT-SIZE=\"7\">\(DOT.html(DOT.middleTruncated((layer.resolvedPath ?? layer.path).description, max: 46)))</FONT>"
            if let n = p.fileCounts[safe: i] ?? nil { head += "<BR/><FONT POINT-SIZE=\"7\">\(n) file\(n == 1 ? "" : "s")</FONT>" }
            var row = td(head, bg: roleColor(layer.role), attrs: " ALIGN=\"LEFT\"")
            for c in p.columns {
                let name = DOT.html(c.path.split(separator: "/").last.map(String.init) ?? c.path)
                switch c.cells[i] {
                case .absent: row += td("", bg: roleColor(layer.role))
                case .provides: row += td("<B>\(name)</B>", bg: Palette.plain)
                case .hidden: row += td("<FONT COLOR=\"\(Palette.hidden)\">\(name)<BR/>(hidden)</FONT>", bg: Palette.faded)
                case .whiteout: row += td("<FONT COLOR=\"\(Palette.whiteout)\"><B>✗ \(name)</B><BR/>whiteout</FONT>", bg: Palette.alarm)
                case .opaqueDirectory: row += td("<FONT COLOR=\"\(Palette.whiteout)\"><B>\(name)/</B><BR/>opaque dir</FONT>", bg: Palette.alarm)
                case .directory: row += td("\(name)/", bg: Palette.plain)
                case .cutOff:
                    let by = c.cutOffBy.map { "<BR/><FONT POINT-SIZE=\"8\">hidden by opaque dir<BR/>\(DOT.html($0.path)) in layer \($0.layer)</FONT>" } ?? ""
                    row += td("<FONT COLOR=\"\(Palette.hidden)\"><S>\(name)\(c.kind == "dir" ? "/" : "")</S>\(by)</FONT>", bg: Palette.faded)
                }
            }
            if p.morePaths > 0 { row += td("", bg: roleColor(layer.role)) }
            rows.append("<TR>\(row)</TR>")
        }
        if let work = stack.workDir {
            rows.append("<TR>" + td("<FONT POINT-SIZE=\"8\">work: \(DOT.html(DOT.middleTruncated(work.description, max: 44)))</FONT>", bg: Palette.plain, attrs: " ALIGN=\"LEFT\" COLSPAN=\"\(p.columns.count + 1 + (p.morePaths > 0 ? 1 : 0))\"") + "</TR>")
        }
        let table = "<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"5\">\(rows.joined())</TABLE>>"
        var g = DOTGraph()
        g.graphAttributes([("fontname", Palette.font), ("fontsize", "11"), ("label", p.title + "\nLooking down from the top, the first layer that has a name wins."), ("labelloc", "t")])
        g.nodeDefaults([("shape", "plaintext"), ("fontname", Palette.font), ("fontsize", "10")])
        g.node(DOT.id("stack"), [("label", table)])
        Legend.box(&g, "overlay", rows: [
            (Palette.merged, "merged: the union processes see (the container's /)"), (Palette.upper, "upper: read-write; every write lands here (copy-up)"),
            (Palette.lower, "lower: read-only image layers, top one first"), (Palette.data, "data-only: reached only through metacopy redirects"),
            (Palette.plain, "bold name: the copy the merged view shows"), (Palette.faded, "grey: a lower copy hidden by the one above"),
            (Palette.alarm, "red: whiteout (deleted) or opaque directory"),
        ] + (p.columns.contains { $0.cutOffBy != nil } ? [(Palette.faded, "struck out: a lower entry an opaque directory above hides")] : []))
        g.edge(DOT.id("stack"), DOT.id("legend", "overlay"), [("style", "invis")])
        return g.render(name: "overlay")
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}

import CutawayModel
import Foundation

/// Every diagram of a snapshot, and the one self-contained HTML page that shows them with
/// the report: `namespaces`, `network` (devices and veth pairs), `ipc`, `mounts-<ns>` per mount namespace, `overlay-<name>` per
/// overlay mount, `container-<name>` per container.
public enum SnapshotDiagrams {
    public struct Item: Sendable {
        /// File name without extension.
        public var name: String
        public var title: String
        public var dot: String
    }

    /// Letters, digits, `.`, `_` and `-` only: names from the system never become paths.
    public static func fileName(_ text: String) -> String {
        let mapped = text.unicodeScalars.map { s -> Character in
            (s.properties.isAlphabetic && s.isASCII) || ("0"..."9").contains(s) || s == "." || s == "_" || s == "-" ? Character(s) : "-"
        }
        var name = String(mapped)
        while name.contains("--") { name = name.replacingOccurrences(of: "--", with: "-") }
        name = name.trimmingCharacters(in: CharacterSet(charactersIn: "-."))
        return name.isEmpty ? "unnamed" : String(name.prefix(80))
    }

    public static func items(_ snapshot: Snapshot) -> [Item] {
        let index = SnapshotIndex(snapshot)
        var items = [Item(name: "namespaces", title: "Namespaces", dot: NamespaceDiagram().dot(snapshot)),
                     Item(name: "network", title: "Network namespaces", dot: NetworkDiagram.dot(snapshot)),
                     Item(name: "ipc", title: "IPC namespaces", dot: IPCDiagram.dot(snapshot))]
        for table in snapshot.mountTables {
            let title = "Mounts of \(NamespaceDescriber(index: index).mountNamespace(table.mountNamespace))"
            items.append(Item(name: "mounts-\(table.mountNamespace)", title: title,
                              dot: MountDiagram().dot(table: table, allTables: snapshot.mountTables, title: title + ", read from pid \(table.readFrom)", namer: NamespaceDescriber(index: index).mountNamespace)))
        }
        var used = Set(items.map(\.name))
        func unique(_ base: String) -> String {
            var name = fileName(base), n = 2
            while used.contains(name) { name = fileName(base) + "-\(n)"; n += 1 }
            used.insert(name)
            return name
        }
        for picture in snapshot.overlays {
            items.append(Item(name: unique("overlay-" + picture.name), title: picture.title, dot: OverlayDiagram.dot(picture)))
        }
        for c in snapshot.containers {
            let picture = snapshot.overlays.first { $0.name == c.name }
            items.append(Item(name: unique("container-" + c.name), title: ContainerReport.title(c), dot: ContainerDiagram.dot(c, picture: picture, index: index)))
        }
        return items
    }

    static func escape(_ text: String) -> String { Markup.escape(text) }

    /// One page, viewable offline: the diagrams as `data:` SVG images (so nothing inside an
    /// SVG can act on the page) and the report as escaped text. No script, no external resource.
    public static func html(_ snapshot: Snapshot, report: String, rendered: [(Item, svg: Data)]) -> String {
        var page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
        <title>cutaway snapshot of \(escape(snapshot.hostname))</title>
        <style>
        body { font-family: Helvetica, Arial, sans-serif; margin: 2em; color: #222; }
        nav a { margin-right: 1em; } section { margin: 2em 0; } img { max-width: 100%; border: 1px solid #ddd; }
        pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 12px; }
        </style></head><body>
        <h1>cutaway snapshot of \(escape(snapshot.hostname))</h1>
        <p>Kernel \(escape(snapshot.kernelRelease)), taken \(escape(snapshot.takenAt)) (\(escape(snapshot.origin))).</p>
        <nav>
        """
        for (item, _) in rendered { page += "<a href=\"#\(escape(item.name))\">\(escape(item.title))</a>\n" }
        page += "<a href=\"#report\">Report</a></nav>\n"
        for (item, svg) in rendered {
            page += "<section id=\"\(escape(item.name))\"><h2>\(escape(item.title))</h2>\n"
            page += "<img alt=\"\(escape(item.title))\" src=\"data:image/svg+xml;base64,\(svg.base64EncodedString())\"></section>\n"
        }
        page += "<section id=\"report\"><h2>Report</h2><pre>\(escape(report))</pre></section>\n</body></html>\n"
        return page
    }
}

import CutawayModel
import Foundation

/// index.html: a page one navigates, not a wall. A summary (counts, folded groups,
/// containers), a search box (pid, command, container, mount point, inode), a tree of
/// namespaces and containers; choosing an item shows its details and its diagram, which pans
/// and zooms. The diagrams stay files beside the page (`<img src="namespaces.svg">`), so the
/// page stays small on a busy host and nothing inside an SVG can act on the page.
///
/// Offline and strict: `default-src 'none'`, the one inline script and style allowed by their
/// SHA-256 hashes, images from the page's own folder or `data:` only, no external resource.
public enum ExplorerPage {
    /// At most this many mount points per mount namespace go into the page's search data.
    static let mountPointsPerTable = 400

    /// Only fixed words and base64 digests: nothing here needs escaping in the attribute.
    public static var contentSecurityPolicy: String {
        "default-src 'none'; script-src \(SHA256.cspSource(ExplorerScript.script)); style-src \(SHA256.cspSource(ExplorerScript.style)); img-src 'self' data:; base-uri 'none'; form-action 'none'"
    }

    /// The page for `snapshot`: its text `report`, the diagrams `items` (files beside the page)
    /// and, for a focus view, what it is focused on.
    public static func html(_ snapshot: Snapshot, report: String, items: [SnapshotDiagrams.Item], focus: Focus? = nil) -> String {
        let csp = contentSecurityPolicy
        let e = Markup.escape
        let title = "cutaway snapshot of \(snapshot.hostname)" + (focus.map { " — \($0.subject)" } ?? "")
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="\(csp)">
        <meta name="referrer" content="no-referrer">
        <title>\(e(title))</title>
        <style>\(ExplorerScript.style)</style></head><body>
        <nav id="side"><header><h1>\(e(title))</h1>
        <input id="search" type="search" placeholder="Search pid, command, container, mount point, inode" autocomplete="off"></header>
        <div id="results"></div><div id="tree"></div></nav>
        <main id="main"><section id="info"><h2 id="item-title">\(e(title))</h2>
        <noscript><p>The explorer needs JavaScript; the diagrams are the .svg files in this folder and the report is report.txt.</p><pre>\(e(String(report.prefix(200_000))))</pre></noscript></section>
        <div id="bar"><button id="zout" title="zoom out">−</button><button id="zin" title="zoom in">+</button><button id="zfit">fit</button><button id="z1">1:1</button>
        <a id="dopen" href="#">open the file</a><span id="dtitle"></span></div>
        <div id="view"><img id="img" alt="" src="data:,"></div></main>
        <script type="application/json" id="cutaway-data">\(data(snapshot, items: items, focus: focus))</script>
        <script>\(ExplorerScript.script)</script>
        </body></html>

        """
    }

    struct PageData: Encodable {
        struct DiagramEntry: Encodable { var file, title, kind: String; var covers: [String] }
        struct GroupEntry: Encodable { var id: Int; var title, each, varies: String; var folded: Int; var pids: [Int32] }
        struct NamespaceEntry: Encodable { var k: String; var o, p: String?; var n: Int; var l, d: String; var g: Int; var pids: [Int32] }
        struct ProcessEntry: Encodable { var pid, ppid: Int32; var c, a: String; var ns: [String]; var ctr: String? }
        struct ContainerEntry: Encodable { var name, engine, id: String; var image: String?; var pid: Int32? }
        var host, kernel, taken, origin: String
        var focus: String?
        var counts: [String: Int]
        var diagrams: [DiagramEntry]
        var groups: [GroupEntry]
        var ns: [NamespaceEntry]
        var procs: [ProcessEntry]
        var containers: [ContainerEntry]
        var mounts: [String: [String]]
    }

    /// The page's data as JSON that cannot end the `<script>` element it sits in.
    static func data(_ snapshot: Snapshot, items: [SnapshotDiagrams.Item], focus: Focus?) -> String {
        let shown = focus?.snapshot ?? snapshot
        let index = SnapshotIndex(shown)
        let describer = NamespaceDescriber(index: index)
        // The page folds only when its namespace diagram does (not in a focus).
        let folding = focus == nil && items.contains(where: { $0.kind == "group" }) ? NamespaceFold(snapshot: shown, index: index) : nil
        let groups = (folding?.groups ?? []).map {
            PageData.GroupEntry(id: $0.id, title: $0.title, each: $0.processesPerUnit, varies: $0.varies.joined(separator: ", "), folded: $0.folded.count, pids: $0.pids)
        }
        let namespaces = shown.namespaces.sorted { ($0.type, $0.inode) < ($1.type, $1.inode) }.map { ns in
            PageData.NamespaceEntry(k: "\(ns.type.rawValue):\(ns.inode)", o: ns.owner.map { "user:\($0)" },
                                    p: ns.type.isHierarchical ? ns.parent.map { "\(ns.type.rawValue):\($0)" } : nil,
                                    n: ns.pids.count, l: describer.leader(ns), d: describer.details(ns).joined(separator: "; "),
                                    g: folding?.group(of: ns.type, ns.inode)?.id ?? 0, pids: Array(ns.pids.prefix(50)))
        }
        let shownKeys = Set(shown.namespaces.map { "\($0.type.rawValue):\($0.inode)" })
        let containerOf = Dictionary(shown.containers.compactMap { c in c.pid.map { ($0, c.name) } }, uniquingKeysWith: { a, _ in a })
        let pids: Set<Int32>? = focus.map { f in Set([f.pid] + f.sharers) }
        let processes = shown.processes.filter { pids?.contains($0.pid) ?? true }.map { p in
            let cmd = p.commandLine.map(\.description).joined(separator: " ")
            return PageData.ProcessEntry(pid: p.pid, ppid: p.ppid, c: p.command.description, a: String(cmd.prefix(200)),
                                         ns: p.namespaces.sorted { $0.key < $1.key }.map { "\($0.key.rawValue):\($0.value)" }.filter(shownKeys.contains),
                                         ctr: containerOf[p.pid])
        }
        var mounts: [String: [String]] = [:]
        for t in shown.mountTables { mounts["mnt:\(t.mountNamespace)"] = t.mounts.prefix(mountPointsPerTable).map(\.mountPoint.description) }
        let data = PageData(
            host: snapshot.hostname, kernel: snapshot.kernelRelease, taken: snapshot.takenAt, origin: snapshot.origin.description,
            focus: focus?.summary,
            counts: ["processes": shown.processes.count, "namespaces": shown.namespaces.count, "mount namespaces": shown.mountTables.count,
                     "mounts": shown.mountTables.reduce(0) { $0 + $1.mounts.count }, "containers": shown.containers.count,
                     "folded groups": groups.count, "diagrams": items.count],
            diagrams: items.map { .init(file: $0.name + ".svg", title: $0.title, kind: $0.kind, covers: $0.covers) },
            groups: groups, ns: namespaces, procs: processes,
            containers: shown.containers.map { .init(name: $0.name, engine: $0.engine.rawValue, id: $0.id, image: $0.image, pid: $0.pid) },
            mounts: mounts)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(data)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        // `<` never appears raw: no `</script>`, no `<!--` can end or change the element.
        return json.replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e").replacingOccurrences(of: "&", with: "\\u0026")
    }
}

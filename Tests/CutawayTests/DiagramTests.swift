import CutawayGraphviz
import CutawayModel
import CutawayReaders
import CutawayRender
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Diagrams from committed snapshots: golden DOT, Graphviz parses every DOT, every SVG is
/// XML, hostile names stay escaped in DOT, SVG and HTML, and the page renders in Chromium.
@Suite struct DiagramTests {
    static let demoFile = TestSupport.testsDirectory.appendingPathComponent("Fixtures/snapshots/demo.json").path
    static let goldenDirectory = TestSupport.testsDirectory.appendingPathComponent("Golden").path

    func demo() throws -> Snapshot { try JSONDecoder().decode(Snapshot.self, from: Data(contentsOf: URL(fileURLWithPath: Self.demoFile))) }

    /// Compares with Golden/<name>.dot; with CUTAWAY_UPDATE_GOLDEN=1 it rewrites the file instead.
    func golden(_ name: String, _ dot: String) throws {
        let path = Self.goldenDirectory + "/\(name).dot"
        if ProcessInfo.processInfo.environment["CUTAWAY_UPDATE_GOLDEN"] == "1" {
            try dot.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(dot == expected, "\(name).dot differs from the golden file (re-make with CUTAWAY_UPDATE_GOLDEN=1 swift test if intended)")
    }

    @Test func goldenDOT() throws {
        let s = try demo()
        let index = SnapshotIndex(s)
        let items = Dictionary(uniqueKeysWithValues: SnapshotDiagrams.items(s).map { ($0.name, $0.dot) })
        try golden("namespaces", try #require(items["namespaces"]))
        let lab = try #require(s.mountTables.first { t in t.mounts.contains { $0.fsType == "overlay" && $0.mountPoint.lossyString.hasSuffix("/merged") } })
        try golden("mounts", try #require(items["mounts-\(lab.mountNamespace)"]))
        let notes = try #require(s.overlays.first { $0.name.hasSuffix("/merged") })
        try golden("overlay", OverlayDiagram.dot(notes))
        let docker = try #require(s.containers.first { $0.engine == .docker })
        try golden("container", try #require(items["container-\(docker.name)"]))
        let nested = try #require(s.processes.filter { $0.nsPID.count == 3 }.first)
        try golden("idmap", IDMapDiagram.dot(IDMapChain(index: index, pid: nested.pid), index: index))
        let peers = s.mountTables.filter { t in t.mounts.contains { $0.mountPoint.lossyString.hasSuffix("/shared/after") } }
        #expect(peers.count == 2)
        try golden("compare", MountCompareDiagram.dot(MountComparison(peers[0], peers[1]), nameA: "A", nameB: "B"))
        // Deterministic: the same snapshot gives the same text.
        #expect(SnapshotDiagrams.items(s).map(\.dot) == SnapshotDiagrams.items(try demo()).map(\.dot))
    }

    func svgIsXML(_ svg: Data) -> Bool {
        let parser = XMLParser(data: svg)
        parser.shouldResolveExternalEntities = false
        return parser.parse()
    }

    @Test func everyDiagramParsesAndEverySVGIsXML() throws {
        let capture = SnapshotScanner(source: try DirectoryProcSource.capture(at: TestSupport.scenarioFixture)).scan()
        for snapshot in [try demo(), capture] {
            let items = SnapshotDiagrams.items(snapshot)
            #expect(items.count >= 4)
            for item in items {
                #expect(GraphvizRenderer.syntaxError(in: item.dot) == nil, "\(item.name) does not parse")
                let svg = try GraphvizRenderer.render(item.dot, as: .svg)
                #expect(svgIsXML(svg), "\(item.name).svg is not well-formed XML")
            }
        }
        let png = try GraphvizRenderer.render(SnapshotDiagrams.items(try demo())[0].dot, as: .png)
        #expect(png.starts(with: [0x89, 0x50, 0x4e, 0x47]))
        let pdf = try GraphvizRenderer.render(SnapshotDiagrams.items(try demo())[0].dot, as: .pdf)
        #expect(pdf.starts(with: Array("%PDF".utf8)))
    }

    @Test func graphvizErrorsAreSwiftErrors() {
        #expect(throws: GraphvizError.self) { try GraphvizRenderer.render("digraph { a -> ", as: .svg) }
        #expect(GraphvizRenderer.syntaxError(in: "digraph { a -> b }") == nil)
        #expect(GraphvizRenderer.syntaxError(in: "graph { ->") != nil)
    }

    /// A snapshot whose names are made to break DOT, SVG and HTML.
    func hostile() -> Snapshot {
        let evil = ByteString(Array("<script>\"x".utf8))
        let invalid = ByteString(Array("/mnt/bad".utf8) + [0xff, 0xfe] + Array("\"quote\n<img src=x onerror=alert(1)>&amp;\\N".utf8))
        var s = Snapshot(hostname: "<b>host</b>", kernelRelease: "6.18 \"&", takenAt: "t", origin: "test",
                         reader: .init(pid: 10, uid: 0, namespaces: [.user: 1, .pid: 2, .mnt: 3]),
                         features: .init(namespaceHierarchy: true, namespaceIDs: false),
                         processes: [ProcessRecord(pid: 10, command: evil, nsPID: [10], namespaces: [.user: 1, .pid: 2, .mnt: 3])],
                         namespaces: [Namespace(type: .user, inode: 1, pids: [10]), Namespace(type: .pid, inode: 2, owner: 1, pids: [10]),
                                      Namespace(type: .mnt, inode: 3, owner: 1, pids: [10], holders: [NamespaceHolder(kind: .bindMount, pid: 10, path: invalid)])],
                         mountTables: [MountTable(mountNamespace: 3, readFrom: 10, mounts: [
                            Mount(id: 1, parentID: 0, major: 8, minor: 1, root: "/", mountPoint: "/", mountOptions: "rw", fsType: "ext4", source: evil, superOptions: ["rw"]),
                            Mount(id: 2, parentID: 1, major: 0, minor: 5, root: invalid, mountPoint: invalid, mountOptions: "rw", shared: 1, fsType: ByteString("fuse.<x>"), source: "", superOptions: ["rw"]),
                         ])],
                         idMaps: [], visibility: Visibility(), diagnostics: [])
        s.containers = [Container(engine: .docker, id: "abc\"><script>", name: "\"><script>alert(1)</script>", image: "<i>", pid: 10,
                                  storeRoot: "/x", layers: [OverlayLayer(role: .upper, path: invalid, resolvedPath: invalid)], mergedDir: "/m\"<>",
                                  namespaces: [.user: 1, .pid: 2, .mnt: 3])]
        var upper = LayerIndex()
        upper.entries = ["/": .init(kind: .dir, children: [ByteString(Array("<x>\"".utf8) + [0xff])]), ByteString(Array("/<x>\"".utf8) + [0xff]): .init(kind: .file)]
        let stack = OverlayStack(mountNamespace: 3, mountID: 2, mergedDir: invalid, layers: [OverlayLayer(role: .upper, path: invalid, resolvedPath: invalid)],
                                 workDir: evil, switches: [], usesLayerAppendOptions: false)
        s.overlays = [OverlayPicture(name: "\"><script>alert(1)</script>", title: "<script>t</script>", inspection: OverlayInspection(stack: stack, indexes: [upper]))]
        // Device names and POSIX queue names are any bytes too.
        s.networks = [NetworkNamespace(namespace: 4, interfaces: [
            NetworkInterface(name: evil, index: 1, kind: "veth", up: true, mtu: 1500, addresses: ["10.0.0.1/24"],
                             peer: InterfacePeer(namespace: 4, name: invalid, index: 2), master: evil),
            NetworkInterface(name: invalid, index: 2, kind: "<bridge>", up: false, mtu: 1500, peer: InterfacePeer(namespace: nil, name: nil, index: 9)),
        ], routes: [Route(destination: "default", gateway: "<gw>", device: evil)])]
        s.ipc = [IPCNamespace(namespace: 5, sharedMemory: [SharedMemorySegment(key: 1, id: 2, bytes: 3, ownerUID: 0, attached: 1)], posixMessageQueues: [evil, invalid])]
        return s
    }

    /// The DOT text with every double-quoted string removed.
    static func outsideQuotes(_ dot: String) -> String {
        var out = "", inQuote = false, escaped = false
        for ch in dot {
            if inQuote {
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == "\"" { inQuote = false }
            } else if ch == "\"" { inQuote = true } else { out.append(ch) }
        }
        return out
    }

    @Test func hostileNamesAreEscapedInDOTSVGAndHTML() throws {
        let s = hostile()
        let items = SnapshotDiagrams.items(s)
        for item in items {
            #expect(GraphvizRenderer.syntaxError(in: item.dot) == nil, "\(item.name): hostile names broke the DOT")
            // Quoted DOT strings are plain text; HTML-like labels (outside quotes) must carry entities only.
            #expect(!Self.outsideQuotes(item.dot).contains("<script"), "\(item.name): raw <script> in an HTML-like label")
            #expect(item.dot.contains("script"), "\(item.name): the hostile name should still be shown")
            #expect(item.name.allSatisfy { $0.isLetter || $0.isNumber || "._-".contains($0) }, "file name \(item.name)")
            let svg = try GraphvizRenderer.render(item.dot, as: .svg)
            #expect(svgIsXML(svg), "\(item.name).svg is not XML")
            let text = String(decoding: svg, as: UTF8.self)
            #expect(!text.contains("<script") && !text.contains("<img") && !text.contains("<b>"), "\(item.name).svg has unescaped markup")
        }
        let page = SnapshotDiagrams.html(s, report: "<script>alert(1)</script> & \"", items: items)
        // Exactly the page's own two script elements (data and code); nothing from the snapshot opens a tag.
        #expect(page.components(separatedBy: "<script").count == 3)
        #expect(!page.contains("<script>alert") && !page.contains("<b>host") && !page.contains("<img src=x") && !page.contains("</script><script"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;"))
        #expect(page.contains("script-src 'sha256-") && page.contains("default-src 'none'") && !page.contains("unsafe-inline"))
        #expect(DOT.quote("a\"b\\N\nc") == #""a\"b\\N\nc""#)
        #expect(DOT.html("<&>\"'") == "&lt;&amp;&gt;&quot;&#39;")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), "skipped: headless Chromium (Debian chromium) is not installed; scripts/install-deps.sh installs it"))
    func pageRendersInHeadlessChromium() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-page-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try TestSupport.cutaway("render", Self.demoFile, "--output", dir)
        #expect(r.status == 0, "\(r.stderr)")
        let shot = dir + "/screenshot.png"
        let c = try TestSupport.run("/usr/bin/chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                                          "--window-size=1280,2000", "--screenshot=\(shot)", "file://\(dir)/index.html"])
        #expect(c.status == 0, "\(c.stderr)")
        let png = try Data(contentsOf: URL(fileURLWithPath: shot))
        #expect(png.starts(with: [0x89, 0x50, 0x4e, 0x47]))
        // A blank page compresses to a few kilobytes; diagrams and text do not.
        #expect(png.count > 50_000, "screenshot is only \(png.count) bytes: the page looks empty")
    }
}

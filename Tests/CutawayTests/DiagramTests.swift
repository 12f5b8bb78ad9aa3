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
    }

    /// Deterministic across processes (hashing is seeded per process, so one process proves
    /// little): two runs of the binary write byte-identical DOT, SVG, report and page.
    /// Lesson 02's point: an opaque directory in the upper layer hides the files of the lower
    /// layer's directory of the same name; the picture draws them, struck out, in the lower layer.
    @Test func opaqueDirectoryDrawsTheLowerFilesItHides() throws {
        typealias E = LayerIndex.Entry
        let upper = LayerIndex(entries: ["/app": E(kind: .dir), "/app/old": E(kind: .dir, opaque: true), "/app/old/new.txt": E(kind: .file)])
        let lower = LayerIndex(entries: ["/app": E(kind: .dir), "/app/old": E(kind: .dir), "/app/old/data.txt": E(kind: .file),
                                         "/app/old/sub": E(kind: .dir), "/app/keep.txt": E(kind: .file)])
        let stack = OverlayStack(mountNamespace: 1, mountID: 2, mergedDir: "/lab/merged",
                                 layers: [OverlayLayer(role: .upper, path: "/lab/upper"), OverlayLayer(role: .lower, path: "/lab/image")],
                                 workDir: "/lab/work", switches: [], usesLayerAppendOptions: false)
        let picture = OverlayPicture(name: "lab", title: "opaque", inspection: OverlayInspection(stack: stack, indexes: [upper, lower]))
        let data = try #require(picture.columns.first { $0.path == "/app/old/data.txt" }, "the hidden lower file has no column")
        #expect(data.cells == [.absent, .cutOff])
        #expect(data.mergedFrom == nil)
        #expect(data.cutOffBy == .init(path: "/app/old", layer: 0))
        #expect(picture.columns.first { $0.path == "/app/old/sub" }?.cells == [.absent, .cutOff])
        // Visible files are no cut-off columns.
        #expect(picture.columns.allSatisfy { $0.cutOffBy == nil || !["/app/old/new.txt", "/app/keep.txt"].contains($0.path) })
        let dot = OverlayDiagram.dot(picture)
        #expect(dot.contains("<S>data.txt</S>"))
        #expect(dot.contains("hidden by opaque dir<BR/>/app/old in layer 0"))
        #expect(dot.contains("(/app/old/data.txt not shown)"))
        #expect(dot.contains("struck out: a lower entry an opaque directory above hides"))
        #expect(GraphvizRenderer.syntaxError(in: dot) == nil)

        // Without the opaque mark the directories merge: nothing is cut off, no extra legend row.
        let merging = LayerIndex(entries: ["/app": E(kind: .dir), "/app/old": E(kind: .dir), "/app/old/new.txt": E(kind: .file)])
        let plain = OverlayPicture(name: "lab", title: "merge", inspection: OverlayInspection(stack: stack, indexes: [merging, lower]))
        #expect(plain.columns.allSatisfy { $0.cutOffBy == nil && !$0.cells.contains(.cutOff) })
        #expect(!OverlayDiagram.dot(plain).contains("struck out"))
    }

    /// In a lesson the reader is the sandbox: `readerName` replaces "host" in the network and
    /// IPC diagrams, as it does in the namespaces diagram.
    @Test func networkAndIPCDiagramsNameTheReaderAsGiven() throws {
        var s = try demo()
        let net = try #require(s.reader.namespaces[.net]), ipc = try #require(s.reader.namespaces[.ipc])
        s.networks = [NetworkNamespace(namespace: net, interfaces: [NetworkInterface(name: "lo", index: 1, kind: "loopback", up: true, mtu: 65536)], routes: [])]
        s.ipc = [IPCNamespace(namespace: ipc, sharedMemory: [], posixMessageQueues: [])]
        func words(_ dot: String) -> String { dot.replacingOccurrences(of: s.hostname, with: "HOSTNAME") }
        #expect(words(NetworkDiagram.dot(s)).contains("host"))
        #expect(words(IPCDiagram.dot(s)).contains("host"))
        for dot in [NetworkDiagram.dot(s, readerName: "lesson sandbox"), IPCDiagram.dot(s, readerName: "lesson sandbox")] {
            #expect(dot.contains("lesson sandbox"))
            #expect(!words(dot).contains("host"), "the reader is still called host: \(dot)")
        }
    }

    @Test func twoRunsOfTheBinaryWriteIdenticalFiles() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-determinism-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        var outputs: [[String: Data]] = []
        for run in ["a", "b"] {
            let dir = base + "/" + run
            let r = try TestSupport.cutaway("render", Self.demoFile, "--output", dir, "--format", "dot")
            #expect(r.status == 0, "\(r.stderr)")
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
            }
            outputs.append(files)
        }
        #expect(outputs[0].count > 10 && outputs[0].keys.sorted() == outputs[1].keys.sorted())
        for (name, data) in outputs[0] { #expect(outputs[1][name] == data, "\(name) differs between two runs") }
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
        var s = Snapshot(hostname: "<b>host</b>", kernelRelease: "6.18 \"&", takenAt: "t", origin: .other("test"),
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
        let upper = LayerIndex(entries: [ByteString(Array("/<x>\"".utf8) + [0xff]): .init(kind: .file)])
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

    /// `render` draws every diagram in worker processes (one layout, every format from it):
    /// each SVG has the lines Graphviz makes of that diagram's DOT in this process (Graphviz
    /// may emit clusters in another order from one process to the next), and no worker
    /// outlives the command.
    @Test func renderWorkersWriteEveryDiagramInEveryFormat() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-workers-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try TestSupport.cutaway("render", Self.demoFile, "--output", dir, "--format", "png,dot")
        #expect(r.status == 0, "\(r.stderr)")
        let items = SnapshotDiagrams.items(try demo())
        #expect(items.count > 3)
        for item in items {
            let svg = try String(contentsOfFile: "\(dir)/\(item.name).svg", encoding: .utf8)
            let here = String(decoding: try GraphvizRenderer.render(item.dot, as: .svg), as: UTF8.self)
            #expect(svg.split(separator: "\n").sorted() == here.split(separator: "\n").sorted(), "\(item.name).svg")
            let png = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(item.name).png"))
            #expect(png.starts(with: [0x89, 0x50, 0x4e, 0x47]), "\(item.name).png")
            #expect(try String(contentsOfFile: "\(dir)/\(item.name).dot", encoding: .utf8) == item.dot)
        }
        let page = try String(contentsOfFile: "\(dir)/index.html", encoding: .utf8)
        #expect(items.allSatisfy { page.contains($0.name + ".svg") }, "the page names every diagram")
        // Tests run in parallel, so other commands may have workers of their own right now: a
        // worker that outlived its command is one whose parent is no longer a cutaway.
        let workers = try TestSupport.run("/usr/bin/pgrep", ["-f", "cutaway render-worker"])
        let orphans = workers.text.split(separator: "\n").compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }   // gone meanwhile
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, let parent = Int32(fields[1]) else { return false }
            let parentCommand = (try? String(contentsOfFile: "/proc/\(parent)/comm", encoding: .utf8)) ?? ""
            return parentCommand.trimmingCharacters(in: .whitespacesAndNewlines) != "cutaway"
        }
        #expect(orphans.isEmpty, "a render worker outlived the command: \(orphans)")
    }
}

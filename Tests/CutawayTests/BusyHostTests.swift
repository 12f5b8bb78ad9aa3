import CutawayModel
import CutawayRender
import Foundation
import Testing

extension LiveSystemTests {
    /// A busy host in miniature (Tests/Scripts/busy-host.sh): CUTAWAY_BUSY_SETS alike namespace
    /// sets (default 30), each user+pid+mnt+net+uts+ipc with a few tmpfs mounts, held by one
    /// sleeping `cutaway-busy` process. Checks the fold, the node budget, the focus view of one
    /// member, the page's size and a search in headless Chromium.
    @Suite struct BusyHostTests {
        static let script = TestSupport.packageRoot.appendingPathComponent("Tests/Scripts/busy-host.sh").path
        static var sets: Int { ProcessInfo.processInfo.environment["CUTAWAY_BUSY_SETS"].flatMap(Int.init) ?? 30 }

        /// The sets, up for the duration of `body`, torn down by pid even when it throws.
        static func withBusyHost<T>(_ body: ([Int32]) throws -> T) throws -> T {
            let state = "/tmp/cutaway-busy-state-\(UUID().uuidString)"
            defer {
                _ = try? TestSupport.run("/bin/bash", [script, "down", state])
                try? FileManager.default.removeItem(atPath: state)
            }
            let up = try TestSupport.run("/bin/bash", [script, "up", state, String(sets), "3"])
            guard up.status == 0 else { throw TestSupport.ScenarioError(message: "busy-host.sh up failed (\(up.status)): \(up.stderr)") }
            let env = try TestSupport.readEnv(state + "/env")
            let pids = (env["PIDS"] ?? "").split(separator: ",").compactMap { Int32($0) }
            guard pids.count == sets else { throw TestSupport.ScenarioError(message: "expected \(sets) holders, got \(pids)") }
            return try body(pids)
        }

        /// Node statements of a DOT text (edges and attribute statements excluded).
        static func nodeCount(_ dot: String) -> Int {
            dot.split(separator: "\n").filter { line in
                let t = line.trimmingCharacters(in: .whitespaces)
                return t.hasPrefix("\"") && !t.contains("->") && t.contains("\" [")
            }.count
        }

        static func directorySize(_ dir: String) -> Int {
            (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).reduce(0) { sum, name in
                sum + ((try? FileManager.default.attributesOfItem(atPath: dir + "/" + name)[.size] as? Int) ?? 0)
            }
        }

        @Test(.enabled(if: TestSupport.isRoot, "skipped: building namespace sets needs root (run the tests as root)"))
        func foldFocusPageAndSearch() throws {
            try Self.withBusyHost { pids in
                let n = pids.count
                let member = pids[n / 2]

                // Text: one line stands for the sets, and says how many lines it folded.
                let text = try TestSupport.cutaway("namespaces")
                #expect(text.status == 0, "\(text.stderr)")
                let groupLine = text.text.split(separator: "\n").first { $0.contains("× container-like sets (user, pid, mnt, net, ipc, uts") }
                let count = groupLine.flatMap { line in line.split(separator: "─").last?.split(separator: " ").first.flatMap { Int($0) } }
                #expect((count ?? 0) >= n, "no folded line for \(n) sets: \(groupLine ?? "none")")
                #expect(text.text.contains("Folded "), "the text view does not say how many lines it folded")
                #expect(!text.text.contains("\(member) cutaway-busy  PID 1") , "a member's own pid line is still printed")
                let unfolded = try TestSupport.cutaway("namespaces", "--unfold")
                #expect(unfolded.text.contains("PID 1 here is host PID \(member) (cutaway-busy)"))

                // JSON never folds: every member's pid namespace is there.
                let json = try TestSupport.cutaway("namespaces", "--json", "--type", "pid")
                let all = try json.json()["namespaces"] as? [[String: Any]] ?? []
                let jsonPIDs = Set(all.flatMap { ($0["pids"] as? [Int]) ?? [] })
                #expect(pids.allSatisfy { jsonPIDs.contains(Int($0)) })

                // The diagram: a node budget, and --unfold draws everything.
                let out = "/tmp/cutaway-busy-out-\(UUID().uuidString)"
                defer { try? FileManager.default.removeItem(atPath: out) }
                #expect(try TestSupport.cutaway("namespaces", "--format", "dot,svg", "--output", out).status == 0)
                let dot = try String(contentsOfFile: out + "/namespaces.dot", encoding: .utf8)
                #expect(Self.nodeCount(dot) <= 150, "folded diagram has \(Self.nodeCount(dot)) nodes")
                #expect(dot.contains("× container-like sets") && dot.contains("--unfold draws each"))
                #expect(try TestSupport.cutaway("namespaces", "--unfold", "--format", "dot", "--output", out + "/unfolded").status == 0)
                let full = try String(contentsOfFile: out + "/unfolded/namespaces.dot", encoding: .utf8)
                #expect(Self.nodeCount(full) >= 6 * n, "unfolded diagram has only \(Self.nodeCount(full)) nodes")

                // Focus on one member: its six namespaces plus the host's, a couple of dozen nodes.
                let focus = try TestSupport.cutaway("namespaces", "--pid", String(member), "--json")
                #expect(focus.status == 0, "\(focus.stderr)")
                let fo = try focus.json()
                let focusNamespaces = fo["namespaces"] as? [[String: Any]] ?? []
                #expect(focusNamespaces.count <= 24 && focusNamespaces.count >= 8)
                #expect(focusNamespaces.contains { ($0["pids"] as? [Int]) == [Int(member)] && ($0["type"] as? String) == "pid" })
                #expect((fo["focus"] as? [String: Any])?["pid"] as? Int == Int(member))
                let focusText = try TestSupport.cutaway("namespaces", "--pid", String(member))
                #expect(focusText.text.contains("Focus on pid \(member) (cutaway-busy)") && focusText.text.contains("PID 1 here is host PID \(member)"))
                #expect(try TestSupport.cutaway("namespaces", "--pid", String(member), "--format", "svg,dot", "--output", out).status == 0)
                let focusDot = try String(contentsOfFile: out + "/namespaces-pid-\(member).dot", encoding: .utf8)
                #expect(Self.nodeCount(focusDot) <= 25, "focus diagram has \(Self.nodeCount(focusDot)) nodes")
                #expect(FileManager.default.fileExists(atPath: out + "/namespaces-pid-\(member).svg"))
                let missing = try TestSupport.cutaway("namespaces", "--pid", "999999999")
                #expect(missing.status != 0 && missing.stderr.contains("no process 999999999"))

                // The snapshot: diagrams of folded groups, a small page, a whole snapshot.json.
                let snap = out + "/snapshot"
                let s = try TestSupport.cutaway("snapshot", "--output", snap)
                #expect(s.status == 0, "\(s.stderr)")
                #expect(!s.stderr.contains("rendering"), "progress printed although stderr is not a terminal")
                let svgs = try FileManager.default.contentsOfDirectory(atPath: snap).filter { $0.hasSuffix(".svg") }
                #expect(svgs.count < n, "\(svgs.count) diagrams for \(n) sets: not folded")
                let page = try Data(contentsOf: URL(fileURLWithPath: snap + "/index.html"))
                #expect(page.count <= 5 << 20 && Self.directorySize(snap) <= 20 << 20)
                let whole = try JSONDecoder().decode(Snapshot.self, from: Data(contentsOf: URL(fileURLWithPath: snap + "/snapshot.json")))
                #expect(pids.allSatisfy { pid in whole.processes.contains { $0.pid == pid } })

                // Search for the member's pid in headless Chromium: its details and its group's diagram show.
                if FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") {
                    let dom = try TestSupport.run("/usr/bin/chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                                                                        "file://\(snap)/index.html#find=\(member)"])
                    #expect(dom.status == 0, "\(dom.stderr)")
                    #expect(dom.text.contains("<h2 id=\"item-title\">process \(member) cutaway-busy</h2>"), "search did not show pid \(member)")
                    #expect(dom.text.contains("src=\"group-"), "the member's group diagram is not shown")
                    #expect(dom.text.contains("data-ready=\"1\""), "the page's script did not finish")
                } else {
                    print("skipped the Chromium search: /usr/bin/chromium is not installed (scripts/install-deps.sh installs it)")
                }

                // snapshot --pid: diagrams and page limited to the member, snapshot.json whole.
                let focused = out + "/focused"
                #expect(try TestSupport.cutaway("snapshot", "--pid", String(member), "--output", focused).status == 0)
                // The network and IPC diagrams are drawn for the focus's own namespaces.
                let focusedSVGs = try FileManager.default.contentsOfDirectory(atPath: focused)
                    .filter { $0.hasSuffix(".svg") && $0 != "network.svg" && $0 != "ipc.svg" }
                #expect(focusedSVGs.count <= 3, "focused snapshot drew \(focusedSVGs)")
                let focusedPage = try String(contentsOfFile: focused + "/index.html", encoding: .utf8)
                #expect(focusedPage.contains("pid \(member) (cutaway-busy)") && !focusedPage.contains("\"pid\":\(pids[0]),"))
                let focusedWhole = try JSONDecoder().decode(Snapshot.self, from: Data(contentsOf: URL(fileURLWithPath: focused + "/snapshot.json")))
                #expect(pids.allSatisfy { pid in focusedWhole.processes.contains { $0.pid == pid } })
            }
        }
    }
}

/// The committed busy-host snapshot (Tests/Scripts/make-busy-fixture.sh: 24 alike sets and
/// two made differently): the fold, the text, the focus and the page, without root.
@Suite struct BusyFixtureTests {
    static let file = TestSupport.testsDirectory.appendingPathComponent("Fixtures/snapshots/busy.json").path
    func busy() throws -> Snapshot { try JSONDecoder().decode(Snapshot.self, from: Data(contentsOf: URL(fileURLWithPath: Self.file))) }

    @Test func alikeSetsFoldAndTheOddOnesStay() throws {
        let s = try busy()
        let fold = NamespaceFold(snapshot: s)
        #expect(fold.groups.count == 1)
        let group = try #require(fold.groups.first)
        #expect(group.count == 24 && group.types == [.user, .pid, .mnt, .net, .ipc, .uts] && group.creatorUID == 0)
        #expect(group.folded.count == 24 * 6)
        #expect(group.home == s.reader.namespaces[.user])
        // The two sets made differently are drawn on their own.
        let odd = s.processes.filter { $0.command == "sleep" }.map(\.pid)
        #expect(odd.count == 2 && odd.allSatisfy { fold.group(ofPID: $0) == nil })
        // Fewer than five alike do not fold.
        var few = s
        let keep = Set(group.pids.prefix(4))
        few.processes.removeAll { group.pids.contains($0.pid) && !keep.contains($0.pid) }
        #expect(NamespaceFold(snapshot: few).groups.isEmpty)

        let dot = NamespaceDiagram().dot(s)
        #expect(LiveSystemTests.BusyHostTests.nodeCount(dot) <= 30 && dot.contains("24 × container-like sets"))
        #expect(LiveSystemTests.BusyHostTests.nodeCount(NamespaceDiagram.unfolded.dot(s)) > 24 * 6)
        let text = NamespaceReport.render(s, relation: .owner, types: Set(NamespaceType.allCases))
        #expect(text.contains("Folded 144 lines"))
        #expect(NamespaceReport.render(s, relation: .owner, types: Set(NamespaceType.allCases), fold: false).split(separator: "\n").count > 144)
    }

    @Test func focusOnOneMember() throws {
        let s = try busy()
        let member = try #require(NamespaceFold(snapshot: s).groups.first?.pids[3])
        let focus = try Focus(snapshot: s, pid: member)
        #expect(focus.own.count == 8 && focus.keys.count <= 24 && focus.sharers.isEmpty)
        #expect(focus.snapshot.mountTables.count == 1 && focus.snapshot.namespaces.count == focus.keys.count)
        #expect(LiveSystemTests.BusyHostTests.nodeCount(NamespaceDiagram.unfolded.dot(focus.snapshot, highlighted: focus.own)) <= 25)
        #expect(throws: Focus.NotFound.self) { try Focus(snapshot: s, pid: 999_999_999) }
        #expect(throws: Focus.NotFound.self) { try Focus(snapshot: s, container: "nope") }
    }

    @Test func oneDiagramPerGroupAndShapeAndASmallPage() throws {
        let s = try busy()
        let items = SnapshotDiagrams.items(s)
        #expect(items.filter { $0.kind == "group" }.count == 1)
        // 24 alike mount tables share one diagram.
        let mounts = items.filter { $0.kind == "mounts" }
        #expect(mounts.count < 6 && mounts.contains { $0.covers.count == 24 })
        #expect(SnapshotDiagrams.items(s, fold: false).filter { $0.kind == "mounts" }.count == s.mountTables.count)
        let page = SnapshotDiagrams.html(s, report: "", items: items)
        #expect(page.utf8.count < 1 << 20)
        // The CSP's script hash is the SHA-256 of the inline script (sha256sum as the oracle).
        let script = try #require(page.components(separatedBy: "<script>").last?.components(separatedBy: "</script>").first)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-busy-script-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try Data(script.utf8).write(to: URL(fileURLWithPath: scratch))
        let hex = try TestSupport.run("/usr/bin/sha256sum", [scratch]).text.prefix(64)
        var digest = Data()
        var i = hex.startIndex
        while i < hex.endIndex { let j = hex.index(i, offsetBy: 2); digest.append(UInt8(hex[i..<j], radix: 16)!); i = j }
        #expect(page.contains("script-src 'sha256-\(digest.base64EncodedString())'"))
        #expect(ExplorerPage.contentSecurityPolicy.contains("default-src 'none'") && page.contains(ExplorerPage.contentSecurityPolicy))
    }

    /// On a terminal, `rendering N/M` on standard error; into a pipe or file, nothing extra.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "skipped: util-linux script(1) is not installed"))
    func progressOnlyOnATerminal() throws {
        let dir = "/tmp/cutaway-busy-progress-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plain = try TestSupport.cutaway("render", Self.file, "--output", dir + "/plain")
        #expect(plain.status == 0 && !plain.stderr.contains("rendering"))
        // script(1) gives the command a terminal and copies what it shows.
        let command = "'\(TestSupport.cutawayBinary)' render '\(Self.file)' --output '\(dir)/tty' >/dev/null"
        let tty = try TestSupport.run("/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(tty.status == 0, "\(tty.stderr)")
        let total = SnapshotDiagrams.items(try busy()).count
        #expect(tty.text.contains("rendering ") && tty.text.contains("/\(total)"), "no progress on a terminal: \(tty.text)")
    }
}

import CutawayModel
import CutawayRender
import CutawayReaders
import Foundation
import Testing

/// The committed capture (Tests/Scripts/make-fixtures.sh) read back through `--proc`.
@Suite struct CaptureFixtureTests {
    let dir = TestSupport.scenarioFixture

    func scan() throws -> Snapshot { SnapshotScanner(source: try DirectoryProcSource.capture(at: dir)).scan() }

    @Test func scenarioIsVisibleInTheCapture() throws {
        try ScenarioExpectations.check(try scan(), try TestSupport.readEnv(dir + "/scenario.env"))
    }

    /// git keeps no empty directories: a capture checked out elsewhere must read the same.
    @Test func survivesLosingEmptyDirectories() throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-capture-copy-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: copy) }
        _ = try TestSupport.run("/bin/cp", ["-a", dir, copy])
        _ = try TestSupport.run("/usr/bin/find", [copy, "-type", "d", "-empty", "-delete"])
        let s = SnapshotScanner(source: try DirectoryProcSource.capture(at: copy)).scan()
        try ScenarioExpectations.check(s, try TestSupport.readEnv(dir + "/scenario.env"))
    }

    @Test func refusedReadsStayRefused() throws {
        let s = try scan()
        // pid 1 of the capture host refused even root; the replay says so instead of guessing.
        #expect(s.visibility.deniedPIDs.contains(1))
        #expect(!s.visibility.complete)
        #expect(VisibilityHints.sentences(s.visibility).contains { $0.contains("permission denied") })
        #expect(s.origin == .capture(directory: dir))
    }

    @Test func snapshotJSONRoundTrips() throws {
        let s = try scan()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let first = try encoder.encode(s)
        let again = try encoder.encode(try JSONDecoder().decode(Snapshot.self, from: first))
        #expect(first == again)
        #expect(try encoder.encode(try scan()) == first)
    }

    @Test func notACaptureSaysWhatToDo() {
        #expect(throws: CaptureError.self) { try DirectoryProcSource.capture(at: "/nonexistent-cutaway") }
        let error = #expect(throws: CaptureError.self) { try DirectoryProcSource.capture(at: "/tmp") }
        #expect(error?.description.contains("cutaway capture DIR") == true, "\(String(describing: error))")
    }
}

/// The CLI as a user runs it, on the committed capture (no root needed).
@Suite struct CommandLineTests {
    let dir = TestSupport.scenarioFixture
    var env: [String: String] { (try? TestSupport.readEnv(TestSupport.scenarioFixture + "/scenario.env")) ?? [:] }

    @Test func namespacesJSONContract() throws {
        let r = try TestSupport.cutaway("namespaces", "--proc", dir, "--json")
        #expect(r.status == 0)
        let list = try #require(try r.json()["namespaces"] as? [[String: Any]])
        #expect(Set(list.compactMap { $0["type"] as? String }) == Set(NamespaceType.allCases.map(\.rawValue)))
        for ns in list {
            for key in ["type", "inode", "parent", "owner", "pids"] { #expect(ns.keys.contains(key), "missing \(key)") }
            #expect(ns["inode"] is Int && ns["pids"] is [Any])
        }
        let initialUser = list.filter { $0["type"] as? String == "user" && $0["owner"] is NSNull }
        #expect(initialUser.count == 1)
        let filtered = try TestSupport.cutaway("ns", "--proc", dir, "--json", "--type", "pid,user")
        let filteredList = try filtered.json()["namespaces"] as? [[String: Any]] ?? []
        let types = Set(filteredList.compactMap { $0["type"] as? String })
        #expect(types == ["pid", "user"])
    }

    @Test func namespacesTextShowsWhatLsnsDoesNot() throws {
        let r = try TestSupport.cutaway("ns", "--proc", dir)
        #expect(r.status == 0)
        #expect(r.text.contains("held by fd 7 of pid \(env["FDHOLDER_PID"]!)"))
        #expect(r.text.contains("held by bind mount /run/netns/\(env["NETNS_NAME"]!)"))
        #expect(r.text.contains("PID 1 here is host PID \(env["NESTED_PID"]!)"))
        #expect(r.text.contains("uid 0-65535 -> 100000-165535"))
        #expect(r.text.contains("hidden: no process left in it"))
        let parent = try TestSupport.cutaway("ns", "--proc", dir, "--tree", "parent", "--type", "pid")
        #expect(parent.text.contains("└─pid:"))
    }

    @Test func mountsJSONContractAndPeerGroups() throws {
        let r = try TestSupport.cutaway("mounts", "--proc", dir, "--pid", env["PEER_PID"]!, "--json")
        #expect(r.status == 0)
        let object = try r.json()
        let mounts = try #require(object["mounts"] as? [[String: Any]])
        for m in mounts {
            for key in ["id", "parentId", "majorMinor", "root", "mountPoint", "mountOptions", "fsType", "source", "superOptions",
                        "shared", "master", "propagateFrom", "unbindable"] { #expect(m.keys.contains(key), "missing \(key)") }
        }
        let slave = try #require(mounts.first { $0["mountPoint"] as? String == env["BASE"]! + "/slave" })
        #expect(slave["master"] is Int && slave["shared"] is NSNull)
        let groups = try #require(object["peerGroups"] as? [[String: Any]])
        #expect(groups.contains { ($0["slaves"] as? [Any])?.isEmpty == false })
        let text = try TestSupport.cutaway("mounts", "--proc", dir, "--pid", env["PEER_PID"]!)
        #expect(text.text.contains("master:"))
        #expect(text.text.contains("<- receives from group"))
        #expect(text.text.contains("we ird\\x09name\\x0aline\\back"))
    }

    @Test func idmapSentences() throws {
        let r = try TestSupport.cutaway("idmap", "--proc", dir, "--pid", env["NESTED_PID"]!)
        #expect(r.status == 0)
        #expect(r.text.contains("uid 0 in here is uid 100000 on the host"))
        #expect(r.text.contains("in the parent namespace, uid 0 is uid 0"))
        let json = try TestSupport.cutaway("idmap", "--proc", dir, "--pid", env["NESTED_PID"]!, "--json")
        let levels = try json.json()["levels"] as? [Any]
        #expect(levels?.count == 3)
    }

    @Test func snapshotWritesFilesAndJSONPrintsOnly() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-snap-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try TestSupport.cutaway("snapshot", "--proc", dir, "--output", out)
        #expect(r.status == 0)
        #expect(r.text.contains("wrote \(out)/snapshot.json"))
        let report = try String(contentsOfFile: out + "/report.txt", encoding: .utf8)
        #expect(report.contains("== Mounts") && report.contains("== Namespaces"))
        let saved = try Data(contentsOf: URL(fileURLWithPath: out + "/snapshot.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: saved) as? [String: Any])
        for key in ["namespaces", "processes", "mountTables", "idMaps", "visibility"] { #expect(object[key] != nil, "missing \(key)") }
        let visibility = try #require(object["visibility"] as? [String: Any])
        #expect(visibility["processesDenied"] as? Int == 1)
        // --from re-reads the saved snapshot: same namespaces.
        let a = try TestSupport.cutaway("ns", "--from", out + "/snapshot.json", "--json")
        let b = try TestSupport.cutaway("ns", "--proc", dir, "--json")
        #expect(a.status == 0 && a.stdout == b.stdout)
        let printed = try TestSupport.cutaway("snapshot", "--proc", dir, "--json")
        let printedTables = try printed.json()["mountTables"] as? [Any]
        #expect(printed.status == 0 && printedTables?.isEmpty == false)
    }

    @Test func exitCodesAndMessages() throws {
        let usage = try TestSupport.cutaway("ns", "--tree", "sideways")
        #expect(usage.status == 2)
        let both = try TestSupport.cutaway("ns", "--proc", dir, "--from", "x.json")
        #expect(both.status == 2 && both.stderr.contains("give one of them"))
        let noProcess = try TestSupport.cutaway("mounts", "--proc", dir, "--pid", "999999")
        #expect(noProcess.status == 1 && noProcess.stderr.contains("no process 999999"))
        let notCapture = try TestSupport.cutaway("ns", "--proc", "/tmp")
        #expect(notCapture.status == 1 && notCapture.stderr.contains("cutaway capture DIR"))
        let notSnapshot = try TestSupport.cutaway("ns", "--from", dir + "/scenario.env")
        #expect(notSnapshot.status == 1 && notSnapshot.stderr.contains("is not a cutaway snapshot"))
        let help = try TestSupport.cutaway("mounts", "--help")
        #expect(help.status == 0 && help.text.contains("Examples:"))
    }

    @Test func malformedMountinfoFileKeepsGoodLines() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mi-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        var bytes = Array("27 1 254:0 / / rw - ext4 /dev/vda rw\n28 27 0:1 / /broken\n".utf8)
        bytes += [0xff, 0x00, 0x0a]
        bytes += Array(("29 27 0:2 / /long rw - overlay overlay rw,lowerdir=" + String(repeating: "/x", count: 100_000) + "\n").utf8)
        _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
        let r = try TestSupport.cutaway("mounts", "--mountinfo", file, "--json")
        #expect(r.status == 0)
        #expect(r.stderr.contains("\(file) line 2: truncated: 5 fields"))
        #expect(r.stderr.contains("\(file) line 3: truncated"))
        let parsed = try r.json()["mounts"] as? [[String: Any]] ?? []
        let ids = parsed.compactMap { $0["id"] as? Int }
        #expect(ids == [27, 29])
    }
}

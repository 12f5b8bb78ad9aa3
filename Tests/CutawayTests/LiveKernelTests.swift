import CutawayModel
import CutawayReaders
import Foundation
import Testing

extension LiveSystemTests {
    /// Builds real namespaces (Tests/Scripts/scenario.sh), reads them with cutaway and compares
    /// field by field with util-linux: `lsns -J -o NS,TYPE,PNS,ONS` and `findmnt -J --task PID`.
    @Suite(.serialized, .enabled(if: TestSupport.isRoot, "skipped: needs root to build user, pid, mount and network namespaces (run `sudo swift test`)"))
    struct LiveKernelTests {
        @Test func namespacesMatchLsnsAndShowWhatItMisses() throws {
            let mountsBefore = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
            try TestSupport.withScenario { env in
                let snapshot = SnapshotScanner(source: DirectoryProcSource.live()).scan()
                try ScenarioExpectations.check(snapshot, env)

                let cli = try TestSupport.cutaway("namespaces", "--json")
                #expect(cli.status == 0)
                let ours = try #require(try cli.json()["namespaces"] as? [[String: Any]])
                let lsns = try #require(try TestSupport.run("/usr/bin/lsns", ["-J", "-o", "NS,TYPE,PNS,ONS"]).json()["namespaces"] as? [[String: Any]])
                #expect(lsns.count >= 10)
                func key(_ o: [String: Any], _ inode: String) -> String { "\(o["type"] as? String ?? "?"):\(o[inode] as? Int ?? -1)" }
                let byKey = Dictionary(ours.map { (key($0, "inode"), $0) }, uniquingKeysWith: { a, _ in a })
                for entry in lsns {
                    let k = key(entry, "ns")
                    guard let mine = byKey[k] else { Issue.record("lsns lists \(k), cutaway does not"); continue }
                    // lsns prints 0 where cutaway prints null (no parent / initial owner).
                    let pns = entry["pns"] as? Int ?? 0, ons = entry["ons"] as? Int ?? 0
                    #expect((mine["parent"] as? Int ?? 0) == pns, "parent of \(k)")
                    #expect((mine["owner"] as? Int ?? 0) == ons, "owner of \(k)")
                }
                // lsns 2.38 misses namespaces held only by a bind mount or an fd; cutaway has them.
                let lsnsKeys = Set(lsns.map { key($0, "ns") })
                #expect(!lsnsKeys.contains("net:\(env["BLUE_NET"]!)") && byKey["net:\(env["BLUE_NET"]!)"] != nil)
                #expect(!lsnsKeys.contains("net:\(env["FDHOLDER_NET"]!)") && byKey["net:\(env["FDHOLDER_NET"]!)"] != nil)
                // The hidden user namespace is only a PNS number in lsns; cutaway lists it.
                let hidden = ours.filter { $0["hidden"] as? Bool == true }
                #expect(!hidden.isEmpty && hidden.allSatisfy { ($0["pids"] as? [Any])?.isEmpty == true })
                #expect(hidden.allSatisfy { h in lsns.contains { ($0["pns"] as? Int) == (h["inode"] as? Int) } })
            }
            let mountsAfter = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
            #expect(mountsBefore == mountsAfter, "the host's mount table changed")
        }

        @Test(arguments: ["LAB_PID", "PEER_PID"])
        func mountsMatchFindmnt(process: String) throws {
            try TestSupport.withScenario { env in
                let pid = env[process]!
                let cli = try TestSupport.cutaway("mounts", "--pid", pid, "--json")
                #expect(cli.status == 0, "\(cli.stderr)")
                let ours = try #require(try cli.json()["mounts"] as? [[String: Any]])
                let columns = "ID,PARENT,MAJ:MIN,FSROOT,TARGET,SOURCE,FSTYPE,VFS-OPTIONS,FS-OPTIONS,PROPAGATION"
                let findmnt = try TestSupport.run("/usr/bin/findmnt", ["-J", "-l", "-o", columns, "--task", pid])
                let theirs = try #require(try findmnt.json()["filesystems"] as? [[String: Any]])
                #expect(ours.count == theirs.count)
                let byID = Dictionary(ours.map { ($0["id"] as? Int ?? -1, $0) }, uniquingKeysWith: { _, b in b })
                for f in theirs {
                    let id = f["id"] as? Int ?? -1
                    guard let m = byID[id] else { Issue.record("findmnt lists mount \(id), cutaway does not"); continue }
                    #expect(m["parentId"] as? Int == f["parent"] as? Int, "parent of \(id)")
                    #expect(m["majorMinor"] as? String == f["maj:min"] as? String, "maj:min of \(id)")
                    #expect(m["root"] as? String == f["fsroot"] as? String, "fsroot of \(id)")
                    #expect(m["mountPoint"] as? String == f["target"] as? String, "target of \(id)")
                    #expect(m["fsType"] as? String == f["fstype"] as? String, "fstype of \(id)")
                    #expect(m["mountOptions"] as? String == f["vfs-options"] as? String, "options of \(id)")
                    #expect(m["propagation"] as? String == f["propagation"] as? String, "propagation of \(id)")
                    // findmnt appends [FSROOT] to the source of bind mounts.
                    let root = m["root"] as? String ?? "/"
                    let source = m["source"] as? String ?? ""
                    #expect((root == "/" ? source : "\(source)[\(root)]") == f["source"] as? String ?? "", "source of \(id)")
                    #expect(m["superOptions"] as? String == f["fs-options"] as? String, "super options of \(id)")
                }
                let weird = env["BASE"]! + "/" + String(decoding: TestSupport.weirdName(env), as: UTF8.self)
                #expect(theirs.contains { $0["target"] as? String == weird } && ours.contains { $0["mountPoint"] as? String == weird })
            }
        }

        @Test func captureOfTheLiveKernelReplaysTheScenario() throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-capture-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try TestSupport.withScenario { env in
                let r = try TestSupport.cutaway("capture", dir)
                #expect(r.status == 0, "\(r.stderr)")
                let replay = SnapshotScanner(source: try DirectoryProcSource.capture(at: dir)).scan()
                try ScenarioExpectations.check(replay, env)
                #expect(FileManager.default.fileExists(atPath: dir + "/\(env["NESTED_PID"]!)/cmdline"))
                let again = try TestSupport.cutaway("capture", dir)
                #expect(again.status == 1 && again.stderr.contains("not empty"))
            }
        }

        @Test func withoutRootShowsWhatItCanAndSaysWhatIsMissing() throws {
            try TestSupport.withScenario { env in
                let r = try TestSupport.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--",
                                                                 TestSupport.cutawayBinary, "namespaces", "--json"])
                #expect(r.status == 0, "\(r.stderr)")
                let object = try r.json()
                let visibility = try #require(object["visibility"] as? [String: Any])
                #expect(visibility["readerIsRoot"] as? Bool == false)
                #expect(visibility["complete"] as? Bool == false)
                #expect((visibility["processesDenied"] as? Int ?? 0) > 0)
                #expect((visibility["hints"] as? [String] ?? []).contains { $0.contains("run cutaway as root") })
                // What it shows, it shows correctly: its own namespaces are there, nothing invented.
                let list = try #require(object["namespaces"] as? [[String: Any]])
                #expect(!list.contains { String($0["inode"] as? Int ?? 0) == env["FDHOLDER_NET"] })
                let text = try TestSupport.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--",
                                                                    TestSupport.cutawayBinary, "namespaces"])
                #expect(text.status == 0 && text.text.contains("note:") && text.text.contains("run cutaway as root"))
            }
        }
    }
}

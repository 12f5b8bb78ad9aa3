import CutawayGraphviz
import CutawayModel
import CutawayRender
import Foundation
import Testing

extension LiveSystemTests {
    /// A real standalone containerd (Tests/Scripts/containerd.sh: its own config, root, state
    /// and socket; a two-layer OCI image built offline; a CRI-style pod in `k8s.io` and a plain
    /// container in `default`), compared field by field with `ctr containers info`,
    /// `ctr snapshots info`/`mounts`, `ctr images ls`, `ctr task ls` and the containers' mountinfo.
    @Suite(.serialized, .enabled(if: TestSupport.isRoot && ContainerdTools.installed,
                                 "skipped: needs root and containerd, runc, busybox-static (scripts/install-deps.sh installs them)"))
    struct ContainerdTests {
        static let script = TestSupport.packageRoot.appendingPathComponent("Tests/Scripts/containerd.sh").path

        func ctr(_ env: [String: String], _ ns: String, _ args: [String]) throws -> TestSupport.Result {
            try TestSupport.run("/usr/bin/ctr", ["-a", env["SOCK"]!, "-n", ns] + args)
        }

        /// After a scenario: no daemon, shim, container process or mount of ours is left.
        /// (Exited shims can linger as zombies under PID 1 here; only live processes count.)
        func expectNothingLeft() throws {
            let mounts = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
            #expect(!mounts.contains("/tmp/cutaway-engines-ctd."))
            let leftovers = try TestSupport.run("/usr/bin/pgrep", ["-f", "cutaway-engines-ctd\\."])
            let live = leftovers.text.split(separator: "\n").filter { pid in
                ((try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: ")").last?.split(separator: " ").first).map { $0 != "Z" } ?? false
            }
            #expect(live.isEmpty, "left running: \(live)")
        }

        func json(_ r: TestSupport.Result) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        }

        /// `ctr snapshots mounts` prints the mount the snapshotter would make: its upper, lowers and work.
        func snapshotMount(_ env: [String: String], _ ns: String, _ key: String) throws -> [String: String] {
            let text = try ctr(env, ns, ["snapshots", "mounts", "/cutaway-engines-unused", key]).text
            let options = try #require(text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").drop { $0 != "-o" }.dropFirst().first)
            var out: [String: String] = [:]
            for o in options.split(separator: ",") {
                let kv = o.split(separator: "=", maxSplits: 1)
                if kv.count == 2 { out[String(kv[0])] = String(kv[1]) }
            }
            return out
        }

        /// The live overlay of a running container, from its own mountinfo: upperdir, lowerdir, workdir.
        func rootOverlay(pid: Int) throws -> [String: String] {
            let mountinfo = try String(contentsOfFile: "/proc/\(pid)/mountinfo", encoding: .utf8)
            let root = try #require(mountinfo.split(separator: "\n").last { $0.split(separator: " ")[4] == "/" && $0.contains(" - overlay ") })
            var out: [String: String] = [:]
            for o in (root.components(separatedBy: " - ").last ?? "").split(separator: " ").last?.split(separator: ",") ?? [] {
                let kv = o.split(separator: "=", maxSplits: 1)
                if kv.count == 2 { out[String(kv[0])] = String(kv[1]) }
            }
            return out
        }

        func check(_ env: [String: String], ns: String, id: String, cutaway json: [String: Any], pod: (name: String, role: String, container: String?)?) throws {
            let info = try self.json(try ctr(env, ns, ["containers", "info", id]))
            let container = try #require(json["container"] as? [String: Any])
            let layers = try #require(json["layers"] as? [[String: Any]])
            #expect(container["engine"] as? String == "containerd" && container["id"] as? String == id)
            #expect(container["engineNamespace"] as? String == ns)
            #expect(container["image"] as? String == info["Image"] as? String)
            #expect(container["imageID"] as? String == env["CONFIG_DIGEST"])
            // The snapshot chain: as the snapshotter would mount it, and as the kernel did.
            let mount = try snapshotMount(env, ns, try #require(info["SnapshotKey"] as? String))
            let paths = layers.compactMap { $0["path"] as? String }
            #expect(layers.first?["role"] as? String == "upper")
            #expect(paths.first == mount["upperdir"])
            #expect(Array(paths.dropFirst()) == mount["lowerdir"]?.split(separator: ":").map(String.init))
            #expect(json["workDir"] as? String == mount["workdir"])
            let pid = try #require(container["pid"] as? Int)
            let live = try rootOverlay(pid: pid)
            #expect(paths.first == live["upperdir"] && Array(paths.dropFirst()) == live["lowerdir"]?.split(separator: ":").map(String.init))
            let tasks = try ctr(env, ns, ["task", "ls"]).text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
            #expect(tasks.first { $0.first.map(String.init) == id }?[1] == Substring(String(pid)))
            #expect(container["pidInside"] as? Int == 1 && container["rootIsOverlay"] as? Bool == true)
            // Image layers: diff ids and history steps from the image config, bottom = layer 1.
            let engines = layers.dropFirst().compactMap { $0["engine"] as? [String: Any] }
            #expect(engines.map { $0["diffID"] as? String } == [env["DIFF2"], env["DIFF1"]])
            #expect(engines.map { $0["createdBy"] as? String } == ["cutaway-engines: rm /one.txt; rewrite /c/d.txt", "cutaway-engines: busybox root with /one.txt"])
            // The parent of the container's snapshot is the image's top chain id, as `ctr snapshots info` says.
            let snapshotInfo = try self.json(try ctr(env, ns, ["snapshots", "info", id]))
            let parent = try #require(snapshotInfo["Parent"] as? String)
            let parentInfo = try self.json(try ctr(env, ns, ["snapshots", "info", parent]))
            #expect(parentInfo["Parent"] as? String == env["DIFF1"]) // two committed layers below the container's
            // Pods.
            let annotations = ((info["Spec"] as? [String: Any])?["annotations"] as? [String: String]) ?? [:]
            if let pod {
                let p = try #require(container["pod"] as? [String: Any])
                #expect(p["name"] as? String == pod.name && p["name"] as? String == annotations["io.kubernetes.cri.sandbox-name"])
                #expect(p["namespace"] as? String == env["POD_NAMESPACE"] && p["sandboxID"] as? String == env["SANDBOX"])
                #expect(container["role"] as? String == pod.role && container["podContainerName"] as? String == pod.container)
            } else {
                #expect(container["pod"] is NSNull && container["role"] as? String == "container")
            }
            // The whiteout of layer 2 hides /one.txt; /c/d.txt comes from layer 2.
            let explanation = try #require(json["explanation"] as? [String: Any])
            #expect(explanation["verdict"] as? String == "deletedByWhiteout")
            #expect(explanation["layer"] as? Int == 1)
        }

        @Test func podsContainersAndImagesMatchCtr() throws {
            try TestSupport.withScenario(script: Self.script) { env in
                let app = try TestSupport.cutaway("layers", "cutaway-engines-app", "--json", "--path", "/one.txt")
                #expect(app.status == 0, "\(app.stderr)")
                try check(env, ns: "k8s.io", id: "cutaway-engines-app", cutaway: try app.json(), pod: ("web-0", "container", "app"))
                let sandbox = try TestSupport.cutaway("layers", "shop/web-0/sandbox", "--json", "--path", "/one.txt")
                #expect(sandbox.status == 0, "\(sandbox.stderr)")
                try check(env, ns: "k8s.io", id: env["SANDBOX"]!, cutaway: try sandbox.json(), pod: ("web-0", "sandbox", nil))
                let plain = try TestSupport.cutaway("layers", "default/cutaway-engines-plain", "--json", "--path", "/one.txt")
                #expect(plain.status == 0, "\(plain.stderr)")
                try check(env, ns: "default", id: "cutaway-engines-plain", cutaway: try plain.json(), pod: nil)

                // The pod: the app joined the sandbox's net, ipc and uts namespaces, not its pid or mnt.
                let a = try #require((try app.json()["container"] as? [String: Any])?["namespaces"] as? [String: Int])
                let s = try #require((try sandbox.json()["container"] as? [String: Any])?["namespaces"] as? [String: Int])
                for t in ["net", "ipc", "uts"] { #expect(a[t] == s[t], "\(t)") }
                for t in ["pid", "mnt"] { #expect(a[t] != s[t], "\(t)") }

                // Targets: POD/CONTAINER, NAMESPACE/POD/CONTAINER, ENGINENS/ID and an ambiguous prefix.
                for target in ["web-0/app", "shop/web-0/app", "k8s.io/cutaway-engines-app"] {
                    let r = try TestSupport.cutaway("layers", target, "--json")
                    #expect(r.status == 0, "\(target): \(r.stderr)")
                    #expect((try? r.json())?["container"].flatMap { ($0 as? [String: Any])?["id"] as? String } == "cutaway-engines-app", "\(target)")
                }
                let ambiguous = try TestSupport.cutaway("layers", "cutaway-engines")
                #expect(ambiguous.status == 1 && ambiguous.stderr.contains("matches 3") && ambiguous.stderr.contains("pod shop/web-0"))

                // The image by reference, as `ctr images ls` lists it (REF, DIGEST), with its two layers.
                for ref in [env["IMAGE"]!, "cutaway-engines/app:1"] {
                    let image = try TestSupport.cutaway("layers", ref, "--json")
                    #expect(image.status == 0, "\(ref): \(image.stderr)")
                    let object = try image.json()
                    let i = try #require(object["image"] as? [String: Any])
                    let listed = try ctr(env, "k8s.io", ["images", "ls"]).text.split(separator: "\n").dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true) }
                    #expect(listed.contains { $0.first.map(String.init) == (i["names"] as? [String])?.first && $0[2] == Substring(i["targetDigest"] as? String ?? "") })
                    #expect(i["id"] as? String == env["CONFIG_DIGEST"])
                    let layers = try #require(object["layers"] as? [[String: Any]])
                    #expect(layers.count == 2 && layers.allSatisfy { $0["role"] as? String == "lower" })
                }

                // The snapshot: containers with their pods, the pods in the report and one pod diagram.
                let out = "/tmp/cutaway-engines-snapshot-\(getpid()).json"
                defer { try? FileManager.default.removeItem(atPath: out) }
                let snap = try TestSupport.cutaway("snapshot", "--json")
                #expect(snap.status == 0, "\(snap.stderr)")
                try snap.stdout.write(to: URL(fileURLWithPath: out))
                let saved = try snap.json()
                let containers = saved["containers"] as? [[String: Any]] ?? []
                let appRecord = try #require(containers.first { $0["id"] as? String == "cutaway-engines-app" })
                #expect((appRecord["pod"] as? [String: Any])?["name"] as? String == "web-0" && appRecord["engineNamespace"] as? String == "k8s.io")
                let snapshot = try JSONDecoder().decode(Snapshot.self, from: snap.stdout)
                let pods = SnapshotDiagrams.items(snapshot).filter { $0.name.hasPrefix("pod-shop-web-0") }
                #expect(pods.count == 1)
                for pod in pods {
                    let svg = String(decoding: try GraphvizRenderer.render(pod.dot, as: .svg), as: UTF8.self)
                    #expect(svg.contains("joins") && svg.contains("holds") && svg.contains("container app"))
                }
                #expect(SnapshotReport.render(snapshot).contains("pod shop/web-0"))
                // layers works on the saved snapshot too (records only: nothing is read from disk).
                let fromFile = try TestSupport.cutaway("layers", "web-0/app", "--from", out, "--json")
                #expect(fromFile.status == 0, "\(fromFile.stderr)")
                #expect((try? fromFile.json())?["container"].flatMap { ($0 as? [String: Any])?["pod"] as? [String: Any] }?["name"] as? String == "web-0")
            }
            try expectNothingLeft()
        }

        /// containerd stopped, its tasks still running: found through --engine-root (its root
        /// only) and the process table, with their layers and pods.
        @Test func stoppedDaemonEngineRootStillFindsRunningTasks() throws {
            try TestSupport.withScenario(script: Self.script) { env in
                let stop = try TestSupport.run("/bin/bash", [Self.script, "stop-daemon", env["STATE_DIR"]!])
                #expect(stop.status == 0, "\(stop.stderr)")
                let r = try TestSupport.cutaway("layers", "web-0/app", "--engine-root", env["ROOT"]!, "--json")
                #expect(r.status == 0, "\(r.stderr)")
                let object = try r.json()
                let container = try #require(object["container"] as? [String: Any])
                #expect(container["id"] as? String == "cutaway-engines-app" && container["pid"] is Int)
                #expect((object["layers"] as? [[String: Any]])?.count == 3)
                let text = try TestSupport.cutaway("layers", "web-0/app", "--engine-root", env["ROOT"]!)
                #expect(!text.text.contains("not running") && text.text.contains("Its PID 1 is host PID"))
            }
            try expectNothingLeft()
        }
    }
}

/// containerd, ctr, the runc shim, runc and busybox-static (scripts/install-deps.sh installs them).
enum ContainerdTools {
    static var installed: Bool {
        ["/usr/bin/containerd", "/usr/bin/ctr", "/usr/bin/containerd-shim-runc-v2", "/usr/sbin/runc", "/bin/busybox"]
            .allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

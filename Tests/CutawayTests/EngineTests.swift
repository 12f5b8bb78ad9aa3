import Foundation
import Testing

extension LiveSystemTests {
    /// Real engines (Tests/Scripts/engines.sh): cutaway's view of a Docker and a podman container
    /// checked against `docker inspect` / `podman inspect` (GraphDriver.Data) and the image history.
    @Suite(.serialized, .enabled(if: TestSupport.isRoot && TestSupport.enginesInstalled,
                                 "skipped: needs root and docker.io, podman, runc, busybox-static (scripts/install-deps.sh installs them)"))
    struct EngineTests {
        static let script = TestSupport.packageRoot.appendingPathComponent("Tests/Scripts/engines.sh").path

        func podman(_ env: [String: String], _ args: [String]) throws -> TestSupport.Result {
            let eng = env["ENG"]!
            return try TestSupport.run("/usr/bin/podman", ["--root", eng + "/podman", "--runroot", eng + "/podman-run", "--runtime", "runc",
                                                           "--cgroup-manager", "cgroupfs", "--events-backend", "file"] + args)
        }

        func docker(_ env: [String: String], _ args: [String]) throws -> TestSupport.Result {
            try TestSupport.run("/usr/bin/docker", ["-H", env["DOCKER_HOST"]!] + args)
        }

        /// Compares `cutaway layers NAME --json` with an engine's GraphDriver.Data and history.
        func check(name: String, engine: String, inspect: [String: Any], history: [String], files: [String: Any]) throws {
            let graph = try #require((inspect["GraphDriver"] as? [String: Any])?["Data"] as? [String: Any])
            let layers = try #require(files["layers"] as? [[String: Any]])
            let paths = layers.compactMap { $0["path"] as? String }
            #expect(layers.first?["role"] as? String == "upper")
            #expect(paths.first == graph["UpperDir"] as? String)
            #expect(Array(paths.dropFirst()) == (graph["LowerDir"] as? String)?.split(separator: ":").map(String.init))
            if let merged = graph["MergedDir"] as? String { #expect(files["mergedDir"] as? String == merged) }
            #expect(files["workDir"] as? String == graph["WorkDir"] as? String)
            // The build steps, top first, as the engine's history shows them.
            let steps = layers.compactMap { ($0["engine"] as? [String: Any])?["createdBy"] as? String }
            let runSteps = history.filter { $0.contains("RUN") || $0.hasPrefix("/bin/sh -c") && !$0.contains("#(nop)") }
            #expect(Array(steps.filter { $0.hasPrefix("/bin/sh -c") && !$0.contains("#(nop)") }.prefix(3)) == runSteps.prefix(3).map { $0.replacingOccurrences(of: "|0 ", with: "") })
            // The test image's layers: /one.txt deleted by the `RUN rm` layer, /c/d.txt from step 2 hiding step 1.
            let explanation = try #require(files["explanation"] as? [String: Any])
            #expect(explanation["verdict"] as? String == "deletedByWhiteout")
            let rmLayer = try #require(explanation["layer"] as? Int)
            #expect((layers[rmLayer]["engine"] as? [String: Any])?["createdBy"] as? String == "/bin/sh -c rm /one.txt")
            let entries = try #require(files["entries"] as? [[String: Any]])
            let d = try #require(entries.first { $0["path"] as? String == "/c/d.txt" })
            let dLayer = try #require(d["layer"] as? Int)
            #expect(((layers[dLayer]["engine"] as? [String: Any])?["createdBy"] as? String)?.contains("from step 2") == true)
            #expect((d["hides"] as? [Int])?.count == 1)
            #expect(entries.contains { $0["path"] as? String == "/two.txt" } && !entries.contains { $0["path"] as? String == "/one.txt" })
            // Its anatomy: PID 1, root overlay, shared namespaces (no user namespace by default).
            let container = try #require(files["container"] as? [String: Any])
            #expect(container["engine"] as? String == engine && container["name"] as? String == name)
            #expect(container["pid"] as? Int == (inspect["State"] as? [String: Any])?["Pid"] as? Int)
            #expect(container["rootIsOverlay"] as? Bool == true && container["pidInside"] as? Int == 1)
            #expect((container["sharedWithHost"] as? [String])?.contains("user") == true)
        }

        @Test func dockerAndPodmanContainersMatchTheirEngines() throws {
            try TestSupport.withScenario(script: Self.script) { env in
                let dockerName = env["DOCKER_CONTAINER"]!, podmanName = env["PODMAN_CONTAINER"]!
                let d = try TestSupport.cutaway("layers", dockerName, "--files", "--path", "/one.txt", "--json")
                #expect(d.status == 0, "\(d.stderr)")
                let dInspect = try #require(try JSONSerialization.jsonObject(with: docker(env, ["inspect", dockerName]).stdout) as? [[String: Any]]).first!
                let dHistory = try docker(env, ["history", "--no-trunc", "--format", "{{.CreatedBy}}", "cutaway-demo:3steps"]).text.split(separator: "\n").map(String.init)
                try check(name: dockerName, engine: "docker", inspect: dInspect, history: dHistory, files: try d.json())

                let p = try TestSupport.cutaway("layers", podmanName, "--files", "--path", "/one.txt", "--json")
                #expect(p.status == 0, "\(p.stderr)")
                let pInspect = try #require(try JSONSerialization.jsonObject(with: podman(env, ["inspect", podmanName]).stdout) as? [[String: Any]]).first!
                let pHistory = try podman(env, ["history", "--no-trunc", "--format", "{{.CreatedBy}}", "localhost/cutaway-demo:3steps"]).text.split(separator: "\n").map(String.init)
                try check(name: podmanName, engine: "podman", inspect: pInspect, history: pHistory, files: try p.json())

                // The image alone: four read-only layers, no upper.
                let image = try TestSupport.cutaway("layers", "cutaway-demo:3steps", "--json", "--engine-root", env["DOCKER_ROOT"]!)
                #expect(image.status == 0, "\(image.stderr)")
                let imageLayers = try image.json()["layers"] as? [[String: Any]]
                #expect(imageLayers?.count == 4 && imageLayers?.allSatisfy { $0["role"] as? String == "lower" } == true)

                // Namespaces are labelled with the containers' names.
                let ns = try TestSupport.cutaway("namespaces")
                #expect(ns.text.contains("container docker \(dockerName)") && ns.text.contains("container podman \(podmanName)"))
                let snapshot = try TestSupport.cutaway("snapshot", "--json")
                let containers = try snapshot.json()["containers"] as? [[String: Any]] ?? []
                #expect(Set(containers.compactMap { $0["name"] as? String }).isSuperset(of: [dockerName, podmanName]))
            }
        }

        @Test func stoppedDaemonRecordsStillReadable() throws {
            try TestSupport.withScenario(script: Self.script) { env in
                let upper = try #require(try JSONSerialization.jsonObject(with: docker(env, ["inspect", env["DOCKER_CONTAINER"]!]).stdout) as? [[String: Any]])
                    .first.flatMap { ($0["GraphDriver"] as? [String: Any])?["Data"] as? [String: Any] }?["UpperDir"] as? String
                let state = try #require(env["STATE_DIR"])
                let stop = try TestSupport.run("/bin/bash", [Self.script, "stop-docker", state])
                #expect(stop.status == 0, "\(stop.stderr)")
                let r = try TestSupport.cutaway("layers", env["DOCKER_CONTAINER"]!, "--engine-root", env["DOCKER_ROOT"]!, "--json")
                #expect(r.status == 0, "\(r.stderr)")
                let layers = try r.json()["layers"] as? [[String: Any]]
                #expect(layers?.first?["path"] as? String == upper)
                #expect(layers?.count == 6) // container layer, init layer, four image layers
                let text = try TestSupport.cutaway("layers", env["DOCKER_CONTAINER"]!, "--engine-root", env["DOCKER_ROOT"]!)
                #expect(text.text.contains("The container is not running"))
            }
        }
    }
}

@testable import CutawayReaders
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension LiveSystemTests {
    /// What an unprivileged user can plant for root's cutaway (the hardening issue, row 1 and
    /// the image-config cap of row 10): a fake `dockerd --data-root STORE` run by nobody, a
    /// STORE whose layer `diff` is a symlink to a root-only directory, and a 1 GB image config.
    /// Nothing outside a store may be read, and the config must not be read at all.
    @Suite(.serialized, .enabled(if: TestSupport.isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                                 "skipped: needs root and setpriv (util-linux) to plant files as uid 65534"))
    struct EngineTrustTests {
        static let nobody = ["--reuid", "65534", "--regid", "65534", "--clear-groups"]

        /// Runs a shell script as uid 65534.
        @discardableResult
        func asNobody(_ script: String) throws -> TestSupport.Result {
            try TestSupport.run("/usr/bin/setpriv", Self.nobody + ["/bin/sh", "-c", script])
        }

        /// A Docker store layout, planted by nobody: image `evil:1` whose single layer's `diff`
        /// is a symlink to `target`, and whose config has `configBytes` bytes (sparse).
        func plantStore(_ store: String, diffTarget: String, configBytes: Int?) throws {
            let diff = "sha256:" + String(repeating: "d", count: 64)
            let config = #"{"rootfs":{"type":"layers","diff_ids":["\#(diff)"]},"history":[{"created_by":"planted"}]}"#
            let id = SHA256.hex(Array(config.utf8))
            var script = """
            set -e
            mkdir -p \(store)/image/overlay2/imagedb/content/sha256 \(store)/image/overlay2/layerdb/sha256/\(String(repeating: "d", count: 64)) \(store)/overlay2/abc \(store)/containers
            printf '%s' '\(config)' > \(store)/image/overlay2/imagedb/content/sha256/\(id)
            printf abc > \(store)/image/overlay2/layerdb/sha256/\(String(repeating: "d", count: 64))/cache-id
            printf '\(diff)' > \(store)/image/overlay2/layerdb/sha256/\(String(repeating: "d", count: 64))/diff
            printf '{"Repositories":{"evil":{"evil:1":"sha256:\(id)"}}}' > \(store)/image/overlay2/repositories.json
            ln -s \(diffTarget) \(store)/overlay2/abc/diff
            """
            if let configBytes {
                // Same layout, a second image whose config is huge (sparse: no disk used).
                let big = String(repeating: "b", count: 64)
                script += """

                truncate -s \(configBytes) \(store)/image/overlay2/imagedb/content/sha256/\(big)
                printf '{"Repositories":{"evil":{"evil:1":"sha256:\(id)","huge:1":"sha256:\(big)"}}}' > \(store)/image/overlay2/repositories.json
                """
            }
            let r = try asNobody(script)
            #expect(r.status == 0, "\(r.stderr)")
        }

        @Test func plantedDaemonAndStoreReadNothingOutside() throws {
            let base = "/tmp/cutaway-engines-trust-\(getpid())"
            try? FileManager.default.removeItem(atPath: base)
            try FileManager.default.createDirectory(atPath: base + "/sub", withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: base) }
            chmod(base, 0o755)
            chmod(base + "/sub", 0o700) // root-only
            try Data("PRIVATE KEY".utf8).write(to: URL(fileURLWithPath: base + "/sub/id_rsa"))
            let planted = base + "/planted"
            try FileManager.default.createDirectory(atPath: planted, withIntermediateDirectories: true)
            chown(planted, 65534, 65534)
            let store = planted + "/store"
            try plantStore(store, diffTarget: base + "/sub", configBytes: 1 << 30)

            // The fake daemon: argv[0] "dockerd", run by nobody from an executable that is not dockerd.
            let fake = try TestSupport.spawn("/usr/bin/setpriv", Self.nobody + ["/bin/bash", "-c", "exec -a dockerd /usr/bin/python3 -c 'import time; time.sleep(300)' --data-root \(store)"],
                                             outputFile: base + "/fake.log")
            defer { kill(fake, SIGKILL); var s: Int32 = 0; waitpid(fake, &s, 0) }
            for _ in 0..<50 where !((try? String(contentsOfFile: "/proc/\(fake)/cmdline", encoding: .utf8))?.hasPrefix("dockerd") ?? false) { usleep(20_000) }

            // The store is not trusted: its image is not found, and a note says why.
            let r = try TestSupport.cutaway("layers", "evil:1", "--files")
            #expect(r.status != 0)
            #expect(!r.text.contains("id_rsa") && !r.stderr.contains("id_rsa"))
            #expect(r.stderr.contains("unverified store \(store)") && r.stderr.contains("runs as uid 65534"), "\(r.stderr)")

            // Named explicitly, the store is read, but only beneath its root: the layer is refused.
            let named = try TestSupport.cutaway("layers", "evil:1", "--files", "--engine-root", store, "--json")
            #expect(named.status == 0, "\(named.stderr)")
            #expect(!named.text.contains("id_rsa"))
            let layers = try #require(try named.json()["layers"] as? [[String: Any]])
            #expect(layers.count == 1 && (layers.first?["problems"] as? [String])?.first?.contains("resolves outside the store") == true, "\(layers)")
            #expect((try named.json()["entries"] as? [Any])?.isEmpty == true)
            let text = try TestSupport.cutaway("layers", "evil:1", "--files", "--engine-root", store)
            #expect(!text.text.contains("id_rsa") && text.stderr.contains("refused"))

            // The 1 GB config is refused by size, not read: peak memory stays far below it.
            let measured = try TestSupport.run("/usr/bin/time", ["-f", "maxrss=%M", TestSupport.cutawayBinary, "layers", "huge:1", "--engine-root", store])
            let kb = Int(measured.stderr.split(separator: "\n").last { $0.hasPrefix("maxrss=") }?.dropFirst(7) ?? "") ?? Int.max
            #expect(kb < 200_000, "peak RSS \(kb) KB")
            #expect(measured.stderr.contains("limit"), "\(measured.stderr)")
        }

        /// The admission rules, on real directories owned by root and by nobody.
        @Test func storeOwnershipDecidesTrust() throws {
            let base = "/tmp/cutaway-engines-own-\(getpid())"
            try FileManager.default.createDirectory(atPath: base + "/root-store/image/overlay2", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: base + "/user-store/image/overlay2", withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: base) }
            chmod(base + "/root-store", 0o711)
            chown(base + "/user-store", 65534, 65534)
            chmod(base + "/user-store", 0o700)
            var notes: [String] = []
            typealias C = EngineDiscovery.Candidate
            let looks = DockerStore.looksLike
            #expect(EngineDiscovery.admit(C(path: base + "/root-store", origin: .defaultPlace), notes: &notes, looksLike: looks)?.1 == nil)
            #expect(EngineDiscovery.admit(C(path: base + "/root-store", origin: .defaultPlace), notes: &notes, looksLike: looks) != nil)
            // A user's store: refused as a default place or an overlay mount's, labelled as a rootless home.
            #expect(EngineDiscovery.admit(C(path: base + "/user-store", origin: .overlayMount), notes: &notes, looksLike: looks) == nil)
            #expect(notes.last?.contains("owned by uid 65534") == true)
            let home = EngineDiscovery.admit(C(path: base + "/user-store", origin: .rootlessHome(user: "nobody", uid: 65534)), notes: &notes, looksLike: looks)
            #expect(home?.1 == "user nobody's rootless store (uid 65534)")
            #expect(EngineDiscovery.admit(C(path: base + "/user-store", origin: .rootlessHome(user: "other", uid: 1000)), notes: &notes, looksLike: looks) == nil)
            #expect(EngineDiscovery.admit(C(path: base + "/user-store", origin: .named), notes: &notes, looksLike: looks)?.1?.contains("--engine-root") == true)
            // Announced by an unverified process: never read.
            #expect(EngineDiscovery.admit(C(path: base + "/root-store", origin: .unverifiedCommandLine("pid 1 (dockerd): test")), notes: &notes, looksLike: looks) == nil)
            // A process check: this test runs as root from the test binary, which is not dockerd.
            let me = CutawayModel.ProcessRecord(pid: getpid(), uids: [0, 0, 0, 0])
            #expect(EngineProcessCheck.unverifiedReason(me, names: ["dockerd"])?.contains("not the engine's") == true)
            let notRoot = CutawayModel.ProcessRecord(pid: getpid(), uids: [65534, 65534, 65534, 65534])
            #expect(EngineProcessCheck.unverifiedReason(notRoot, names: ["dockerd"])?.contains("uid 65534") == true)
        }
    }
}

import CutawayModel

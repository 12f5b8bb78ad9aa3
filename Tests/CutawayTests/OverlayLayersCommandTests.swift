import CutawayModel
import Foundation
import Testing

extension LiveSystemTests {
    /// `cutaway layers MOUNT_POINT` on a plain overlay, mounted in a private mount namespace of
    /// the test's own (nothing on the host): what it reports when part of a layer cannot be
    /// read, and what it does not read.
    @Suite(.serialized, .enabled(if: TestSupport.isRoot, "skipped: needs root to mount an overlay (run `sudo swift test`)"))
    struct OverlayLayersCommandTests {
        /// A scratch directory with `lower/` (holding `a.txt` and a root-only `closed/`),
        /// `upper/`, `work/` and `merged/`, the overlay mounted on `merged/` inside the mount
        /// namespace of a holder process; `body` gets the directory and the holder's pid.
        func withOverlay(_ body: (String, String) throws -> Void) throws {
            var template = Array("/tmp/cutaway-walk-test.XXXXXX".utf8CString)
            let base = try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) })
            chmod(base, 0o755)
            let holder = try TestSupport.spawn("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sleep", "600"], outputFile: base + "/holder.out")
            defer {
                kill(holder, SIGKILL)
                var status: Int32 = 0
                while waitpid(holder, &status, 0) < 0 && errno == EINTR {}
                _ = try? TestSupport.run("/bin/rm", ["-rf", "--one-file-system", base])
            }
            for dir in ["lower/closed", "upper", "work", "merged"] {
                try FileManager.default.createDirectory(atPath: base + "/" + dir, withIntermediateDirectories: true)
            }
            _ = FileManager.default.createFile(atPath: base + "/lower/a.txt", contents: Data("a\n".utf8))
            _ = FileManager.default.createFile(atPath: base + "/lower/closed/secret.txt", contents: Data("s\n".utf8))
            chmod(base + "/lower/closed", 0o700)
            let ownNamespace = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/mnt")
            for _ in 0..<100 where (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(holder)/ns/mnt")) == ownNamespace { usleep(20_000) }
            let mount = try TestSupport.run("/usr/bin/nsenter", ["-t", "\(holder)", "-m", "--", "/bin/mount", "-t", "overlay", "cutaway-walk-test",
                                                                 "-o", "lowerdir=\(base)/lower,upperdir=\(base)/upper,workdir=\(base)/work", base + "/merged"])
            try #require(mount.status == 0, "mount: \(mount.stderr)")
            try body(base, "\(holder)")
        }

        /// Issue 9: every error other than "vanished" is in the report, JSON and text.
        @Test func aDirectoryTheReaderCannotOpenIsReportedNotDropped() throws {
            try withOverlay { base, holder in
                let asNobody = ["-t", holder, "-m", "--", "/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--", TestSupport.cutawayBinary, "layers", base + "/merged"]
                let json = try TestSupport.run("/usr/bin/nsenter", asNobody + ["--json"])
                #expect(json.status == 0, "\(json.stderr)")
                let layers = try #require(try json.json()["layers"] as? [[String: Any]])
                let lowerProblems = try #require(layers.last?["problems"] as? [String])
                #expect(lowerProblems == ["/closed: cannot open directory: Permission denied"])
                #expect(layers.last?["files"] as? Int == 1)
                let text = try TestSupport.run("/usr/bin/nsenter", asNobody)
                #expect(text.status == 0 && text.text.contains("note: layer 1: cannot read /closed: cannot open directory: Permission denied"), "\(text.text)")
                // Root reads it whole.
                let asRoot = try TestSupport.run("/usr/bin/nsenter", ["-t", holder, "-m", "--", TestSupport.cutawayBinary, "layers", base + "/merged", "--json"])
                let rootLayers = try #require(try asRoot.json()["layers"] as? [[String: Any]])
                #expect((rootLayers.last?["problems"] as? [String])?.isEmpty == true && rootLayers.last?["files"] as? Int == 2)
                // The layers are walked in parallel; the output is the same bytes every run.
                let files = ["-t", holder, "-m", "--", TestSupport.cutawayBinary, "layers", base + "/merged", "--files", "--json"]
                let first = try TestSupport.run("/usr/bin/nsenter", files), second = try TestSupport.run("/usr/bin/nsenter", files)
                #expect(first.status == 0 && first.stdout == second.stdout && first.text.contains("/closed/secret.txt"))
            }
        }

        /// Issue 10: a plain overlay mount point needs its own mount table, not a scan of every
        /// process in /proc or the engines' stores.
        @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"), "skipped: strace is not installed (scripts/install-deps.sh)"))
        func aPlainMountPointIsReadWithoutScanningProc() throws {
            try withOverlay { base, holder in
                let trace = base + "/trace"
                let r = try TestSupport.run("/usr/bin/nsenter", ["-t", holder, "-m", "--", "/usr/bin/strace", "-f", "-qq", "-o", trace,
                                                                 "-e", "trace=open,openat,openat2,stat,newfstatat,statx,readlink,readlinkat",
                                                                 TestSupport.cutawayBinary, "layers", base + "/merged"])
                #expect(r.status == 0, "\(r.stderr)")
                let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
                // /proc is read beneath its root by pid ("/proc/PID/…" or "PID/…" relative to /proc):
                // the only pid in any opened path must be cutaway's own.
                #expect(lines.contains { $0.contains("/mountinfo\"") }, "it read its mount table")
                let pidInPath = /"(?:\/proc\/)?([0-9]+)(?:\/[^"]*)?"/
                let pids = Set(lines.compactMap { line in line.firstMatch(of: pidInPath).map { String($0.output.1) } })
                #expect(pids.count <= 1, "read other processes: \(pids.sorted().prefix(5))")
                let stores = lines.filter { $0.contains("/var/lib/docker") || $0.contains("/var/lib/containers") || $0.contains("/var/lib/containerd") }
                #expect(stores.isEmpty, "looked for engines: \(stores.prefix(3))")
            }
        }
    }
}

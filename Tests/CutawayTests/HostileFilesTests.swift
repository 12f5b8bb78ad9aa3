import CutawayModel
import CutawayReaders
@testable import CutawaySystem
@testable import cutaway
import Foundation
import SystemPackage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Root among files others control (issue 9): each test plants the file or race as `nobody`
/// (uid 65534, through setpriv), runs cutaway as root, and checks the effect: nothing read,
/// written or run outside where it should be; no hang; bounded memory.
@Suite(.serialized) struct HostileFilesTests {
    /// A scratch directory nobody may write into (mode 0777), removed afterwards.
    final class Scratch {
        let path: String
        init() throws {
            path = "/tmp/cutaway-harden-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            chmod(path, 0o777)
        }
        // rm -rf, not FileManager: a capture raced by nobody leaves trees FileManager gives up on.
        deinit { _ = try? TestSupport.run("/bin/rm", ["-rf", "--one-file-system", path]) }
        /// Every path under the scratch directory (symlinks not followed), for before/after comparisons.
        func listing() -> Set<String> {
            var out: Set<String> = []
            guard let e = FileManager.default.enumerator(atPath: path) else { return out }
            while let p = e.nextObject() as? String { out.insert(p) }
            return out
        }
    }

    /// Root to run cutaway as root, setpriv to plant as nobody.
    static var canPlant: Bool { TestSupport.isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") }

    /// Runs a shell script as nobody.
    @discardableResult
    static func asNobody(_ script: String) throws -> TestSupport.Result {
        try TestSupport.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", "/bin/sh", "-c", script])
    }

    /// Runs cutaway with a deadline: nil when it had to be killed (it hung).
    static func cutaway(timeout: Double = 60, cwd: String? = nil, _ arguments: [String]) throws -> TestSupport.Result? {
        let out = "/tmp/cutaway-harden-out-\(UUID().uuidString.prefix(8))"
        defer { unlink(out) }
        let argv = cwd.map { ["-c", "cd \"$0\" && exec \"$@\"", $0, TestSupport.cutawayBinary] + arguments } ?? []
        let pid = cwd == nil ? try TestSupport.spawn(TestSupport.cutawayBinary, arguments, outputFile: out)
                             : try TestSupport.spawn("/bin/sh", argv, outputFile: out)
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                return nil
            }
            usleep(20_000)
        }
        let text = (try? Data(contentsOf: URL(fileURLWithPath: out))) ?? Data()
        return TestSupport.Result(status: status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), stdout: text,
                                  stderr: String(decoding: text, as: UTF8.self))
    }

    static var demoSnapshot: String { TestSupport.testsDirectory.appendingPathComponent("Fixtures/snapshots/demo.json").path }

    /// The demo snapshot with fields replaced, written by nobody into `path`.
    static func plantSnapshot(at path: String, _ change: (inout [String: Any]) -> Void) throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: demoSnapshot))) as? [String: Any])
        change(&object)
        let staging = path + ".staging"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: staging))
        defer { unlink(staging) }
        chmod(staging, 0o644)
        try asNobody("cp '\(staging)' '\(path)'")
        #expect(FileManager.default.fileExists(atPath: path))
    }

    static func owner(_ path: String) -> uid_t? {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_uid : nil
    }

    static func mode(_ path: String) -> mode_t {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode & 0o7777 : 0
    }

    // MARK: row 2: names from data never become paths

    @Test(.enabled(if: HostileFilesTests.canPlant, "skipped: needs root and /usr/bin/setpriv: it runs cutaway as root against files nobody planted (run `sudo swift test`)")) func row2ContainerNamesFromDataStayInsideTheOutputDirectory() throws {
        let scratch = try Scratch()
        let evil = scratch.path + "/evil.json"
        try Self.plantSnapshot(at: evil) { object in
            var containers = object["containers"] as? [[String: Any]] ?? []
            guard containers.count >= 2 else { return }
            containers[0]["name"] = "q/../../../\(scratch.path.dropFirst())/escaped"
            containers[1]["name"] = "moby/3f2a9c"
            object["containers"] = containers
        }
        let before = scratch.listing()
        let out = scratch.path + "/out"
        let r = try #require(try Self.cutaway(["render", evil, "--output", out, "--format", "dot"]))
        #expect(r.status == 0, "\(r.stderr)")
        let after = scratch.listing().subtracting(before)
        #expect(after.allSatisfy { $0 == "out" || $0.hasPrefix("out/") }, "written outside out/: \(after.sorted())")
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/escaped.dot"))
        let names = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(names.contains { $0.hasPrefix("container-q-") && $0.hasSuffix("-escaped.dot") })
        #expect(names.contains("container-moby-3f2a9c.dot"), "\(names.sorted())")
    }

    /// The path `layers NAME --format dot` takes: a podman name `q/../../../DIR/x` or a
    /// containerd name `moby/<id>` becomes one file inside --output.
    @Test func diagramOptionsWriteContainerNamesInsideTheOutputDirectory() throws {
        let scratch = try Scratch()
        let options = try DiagramOptions.parse(["--format", "dot", "--output", scratch.path + "/out"])
        let before = scratch.listing()
        let escaped = try options.write("digraph { a }", name: "container-q/../../../\(scratch.path.dropFirst())/x")
        let moby = try options.write("digraph { b }", name: "container-moby/3f2a9c")
        #expect(escaped.count == 1 && moby == [scratch.path + "/out/container-moby-3f2a9c.dot"])
        #expect(escaped[0].hasPrefix(scratch.path + "/out/container-q-") && escaped[0].hasSuffix("-x.dot"), "\(escaped)")
        #expect(scratch.listing().subtracting(before).allSatisfy { $0 == "out" || $0.hasPrefix("out/") })
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/x.dot"))
    }

    /// Row 2 through an engine store: nobody owns a containers-storage (podman) store whose
    /// containers are named `q/../../../tmp/cutaway-harden2-x` and `moby/<id>`; root draws
    /// them with `layers --engine-root STORE NAME --format dot --output DIR`.
    @Test(.enabled(if: HostileFilesTests.canPlant, "skipped: needs root and /usr/bin/setpriv: it runs cutaway as root against files nobody planted (run `sudo swift test`)")) func row2ContainerNamesFromAPlantedPodmanStoreStayInsideTheOutputDirectory() throws {
        let scratch = try Scratch()
        let store = scratch.path + "/store", escape = "/tmp/cutaway-harden2-x"
        let layer = String(repeating: "a", count: 64), top = String(repeating: "c", count: 64)
        let image = String(repeating: "e", count: 64), other = String(repeating: "d", count: 64)
        let planted = try Self.asNobody("""
            set -e
            mkdir -p \(store)/overlay-layers \(store)/overlay-images \(store)/overlay-containers \(store)/overlay/\(layer)/diff \(store)/overlay/\(top)/diff
            echo planted > \(store)/overlay/\(layer)/diff/f
            printf '[{"id":"\(layer)"},{"id":"\(top)","parent":"\(layer)"}]' > \(store)/overlay-layers/layers.json
            printf '[{"id":"\(image)","names":["localhost/evil:1"],"layer":"\(layer)"}]' > \(store)/overlay-images/images.json
            printf '[{"id":"\(top)","names":["q/../../..\(escape)"],"image":"\(image)","layer":"\(top)"},{"id":"\(other)","names":["moby/\(other.prefix(12))"],"layer":"\(top)"}]' > \(store)/overlay-containers/containers.json
            """)
        #expect(planted.status == 0, "\(planted.stderr)")
        #expect(Self.owner(store + "/overlay-containers/containers.json") == 65534)
        func escaped() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).filter { $0.hasPrefix("cutaway-harden2-x") } }
        try #require(escaped().isEmpty, "left over from an earlier run: \(escaped())")
        for (n, (target, expected)) in [("q/../../..\(escape)", "q-tmp-cutaway-harden2-x"), (top, "q-tmp-cutaway-harden2-x"),
                                        ("moby/\(other.prefix(12))", "moby-\(other.prefix(12))")].enumerated() {
            let before = scratch.listing()
            let r = try #require(try Self.cutaway(["layers", "--engine-root", store, target, "--format", "dot", "--output", scratch.path + "/out\(n)"]))
            #expect(r.status == 0, "\(target): \(r.stderr)")
            // Only the two diagrams, inside DIR, under sanitised names; nothing at /tmp/cutaway-harden2-x*.
            #expect(scratch.listing().subtracting(before).sorted() == ["out\(n)", "out\(n)/container-\(expected).dot", "out\(n)/overlay-\(expected).dot"],
                    "\(target): \(scratch.listing().subtracting(before).sorted())")
            #expect(escaped().isEmpty, "\(target): written at \(escaped())")
        }
    }

    @Test func sanitiserLeavesOnePlainComponent() {
        for hostile in ["q/../../../tmp/x", "..", ".", "", "/", "a/./b", "x/../../escaped", "moby/abc", "\u{1b}]0;t\u{7}", ".hidden", "a..b"] {
            let name = FileNameSanitiser.component(hostile)
            #expect(!name.isEmpty && !name.contains("/") && !name.hasPrefix(".") && !name.contains(".."), "\(hostile) -> \(name)")
            #expect((try? OutputDirectory.validateName(name)) != nil)
        }
        #expect(FileNameSanitiser.component("q/../../../tmp/x") == "q-tmp-x")
        #expect(FileNameSanitiser.component("moby/3f2a") == "moby-3f2a")
        #expect(FileNameSanitiser.component("cutaway-demo:3steps") == "cutaway-demo-3steps")
    }

    // MARK: row 3: captures are written by descriptor into cutaway's own 0700 directory

    @Test(.enabled(if: HostileFilesTests.canPlant, "skipped: needs root and /usr/bin/setpriv: it runs cutaway as root against files nobody planted (run `sudo swift test`)")) func row3CaptureRefusesAnotherUsersDirectoryAndSurvivesSwaps() throws {
        let scratch = try Scratch()
        // A root-only directory the attacker would like cutaway to fill.
        let rootOnly = scratch.path + "/root-only"
        mkdir(rootOnly, 0o700)
        // 1. An empty directory nobody made: refused, nothing written.
        try Self.asNobody("mkdir '\(scratch.path)/theirs'")
        let refused = try #require(try Self.cutaway(["capture", scratch.path + "/theirs"]))
        #expect(refused.status == 1 && refused.stderr.contains("belongs to uid 65534"), "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/theirs").isEmpty)
        // 2. A capture cutaway creates in a directory nobody controls, while nobody keeps
        //    swapping it and its pid directories for symlinks to the root-only directory.
        let parent = scratch.path + "/parent"
        try Self.asNobody("mkdir '\(parent)'")
        let cap = parent + "/cap"
        let stop = scratch.path + "/stop"
        let racer = try TestSupport.spawn("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", "/bin/sh", "-c", """
            cd '\(parent)' || exit 1
            while [ ! -e '\(stop)' ]; do
              for d in cap/*/; do [ -d "$d" ] && mv "$d" "${d%/}.x" 2>/dev/null && ln -s '\(rootOnly)' "${d%/}" 2>/dev/null; done
              if [ -d cap ] && [ ! -L cap ]; then mv cap cap.old$$ 2>/dev/null && ln -s '\(rootOnly)' cap; rm -f cap; mv cap.old$$ cap 2>/dev/null; fi
            done
            """], outputFile: scratch.path + "/racer.log")
        var reaped = false
        func stopRacer() {
            guard !reaped else { return }
            reaped = true
            kill(racer, SIGKILL); var s: Int32 = 0; waitpid(racer, &s, 0)
            usleep(100_000) // a mv or ln it started may still finish
        }
        defer { stopRacer() }
        let r = try #require(try Self.cutaway(timeout: 120, ["capture", cap]))
        creat(stop, 0o600)
        // The racer stops before anything is checked or removed: the scratch directory can go
        // as soon as it is last used, and a racer still renaming would leave pieces behind.
        stopRacer()
        #expect(try FileManager.default.contentsOfDirectory(atPath: rootOnly).isEmpty, "cutaway wrote into the root-only directory")
        // What the capture holds is cutaway's: the directory 0700, command lines 0600.
        if r.status == 0, Self.owner(cap) == 0 {
            #expect(Self.mode(cap) == 0o700)
            let pid1 = cap + "/1/cmdline"
            if FileManager.default.fileExists(atPath: pid1) { #expect(Self.mode(pid1) == 0o600) }
        }
        withExtendedLifetime(scratch) {} // removed only now, after the racer stopped
    }

    @Test(.enabled(if: HostileFilesTests.canPlant, "skipped: needs root and /usr/bin/setpriv: it runs cutaway as root against files nobody planted (run `sudo swift test`)")) func captureDirectoryIsPrivateAndCommandLinesOwnerOnly() throws {
        let scratch = try Scratch()
        let cap = scratch.path + "/a/b/cap"
        let r = try #require(try Self.cutaway(timeout: 120, ["capture", cap]))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.mode(cap) == 0o700)
        #expect(Self.mode("\(cap)/\(getpid())/cmdline") == 0o600)
        #expect(Self.mode("\(cap)/\(getpid())/status") == 0o644)
        // Nothing but cutaway's files (no temporary files left).
        let leftovers = FileManager.default.enumerator(atPath: cap)?.compactMap { $0 as? String }.filter { $0.contains(".cutaway-") } ?? []
        #expect(leftovers.isEmpty, "\(leftovers)")
        // nobody can read nothing of it.
        let peek = try Self.asNobody("cat '\(cap)/\(getpid())/cmdline'")
        #expect(peek.status != 0 && peek.stdout.isEmpty)
    }

    // MARK: row 5: 20,000 mounts stacked on one directory: folded, in bounded memory

    /// Runs cutaway to completion and returns its result with its peak RSS in bytes, measured
    /// by `/usr/bin/time -f %M` (wait4(2) on a child of this large test process would report
    /// the RSS the child inherited at fork, not cutaway's own). Past `timeout` seconds cutaway
    /// is killed (by its pid, the only child of time) and the hang recorded as an issue.
    static func cutawayMeasuringRSS(timeout: Double = 600, _ arguments: [String]) throws -> (TestSupport.Result, peakRSS: Int) {
        let out = "/tmp/cutaway-harden-out-\(UUID().uuidString.prefix(8))", measured = out + ".rss"
        defer { unlink(out); unlink(measured) }
        let pid = try TestSupport.spawn("/usr/bin/time", ["-f", "maxrss=%M", "-o", measured, TestSupport.cutawayBinary] + arguments, outputFile: out)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        var killed = false
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid || (r < 0 && errno != EINTR) { break }
            if Date() > deadline, !killed {
                Issue.record("cutaway \(arguments.joined(separator: " ")) still ran after \(Int(timeout)) s: killed")
                let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
                for child in children.split(separator: " ").compactMap({ pid_t($0) }) { kill(child, SIGKILL) }
                killed = true
            }
            usleep(20_000)
        }
        let report = (try? String(contentsOfFile: measured, encoding: .utf8)) ?? ""
        let kilobytes = report.split(separator: "\n").last { $0.hasPrefix("maxrss=") }.flatMap { Int($0.dropFirst(7)) }
        #expect(kilobytes != nil, "/usr/bin/time reported no maxrss: \(report)")
        let text = (try? Data(contentsOf: URL(fileURLWithPath: out))) ?? Data()
        return (TestSupport.Result(status: (status >> 8) & 0xff, stdout: text, stderr: String(decoding: text, as: UTF8.self)), (kilobytes ?? Int.max >> 10) << 10)
    }

    @Test(.enabled(if: HostileFilesTests.canPlant, "skipped: needs root and /usr/bin/setpriv: it runs cutaway as root against files nobody planted (run `sudo swift test`)")) func row5TwentyThousandStackedMountsAreFoldedInBoundedMemory() throws {
        let scratch = try Scratch()
        let target = scratch.path + "/stack", ready = scratch.path + "/ready", stop = scratch.path + "/stop"
        try Self.asNobody("mkdir '\(target)'")
        // nobody, root only in a user namespace of its own, stacks 20,000 tmpfs mounts on one
        // directory (an unprivileged user may make ~100,000) and waits.
        let holder = try TestSupport.spawn("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--",
                                                                "/usr/bin/unshare", "-Urm", "/usr/bin/python3", "-c", """
            import ctypes, os, sys, time
            libc = ctypes.CDLL(None, use_errno=True)
            for i in range(20000):
                if libc.mount(b'cutaway-harden', sys.argv[1].encode(), b'tmpfs', 0, b'size=4k') != 0:
                    sys.exit('mount %d failed: errno %d' % (i, ctypes.get_errno()))
            open(sys.argv[2] + '.tmp', 'w').write(str(os.getpid()))
            os.rename(sys.argv[2] + '.tmp', sys.argv[2])
            while not os.path.exists(sys.argv[3]):
                time.sleep(0.2)
            """, target, ready, stop], outputFile: scratch.path + "/holder.log")
        defer { creat(stop, 0o600); kill(holder, SIGKILL); var s: Int32 = 0; waitpid(holder, &s, 0) }
        let deadline = Date().addingTimeInterval(600)
        while !FileManager.default.fileExists(atPath: ready) && Date() < deadline {
            var s: Int32 = 0
            if waitpid(holder, &s, WNOHANG) == holder { break }
            usleep(200_000)
        }
        let pid = try #require(try? String(contentsOfFile: ready, encoding: .utf8),
                               "the mounts were not made: \((try? String(contentsOfFile: scratch.path + "/holder.log", encoding: .utf8)) ?? "")")
        let (r, rss) = try Self.cutawayMeasuringRSS(["mounts", "--pid", pid])
        #expect(r.status == 0, "\(r.stderr.prefix(2000))")
        #expect(r.text.contains("more stacked here"), "\(r.text.prefix(3000))")
        #expect(r.text.split(separator: "\n").count < 500)
        // Before folding this took 2.8 GB (indentation strings O(depth²)).
        #expect(rss < 400 << 20, "peak RSS \(rss >> 20) MiB")
        print("row 5: cutaway mounts on 20,000 stacked mounts: peak RSS \(rss >> 20) MiB")
        let (json, jsonRSS) = try Self.cutawayMeasuringRSS(["mounts", "--pid", pid, "--json"])
        #expect(json.status == 0)
        let mounts = try json.json()["mounts"] as? [Any]
        #expect((mounts?.count ?? 0) > 20000, "JSON keeps every mount")
        #expect(jsonRSS < 600 << 20, "peak RSS \(jsonRSS >> 20) MiB")
    }

    // MARK: row 5: a saved snapshot with a user-namespace chain 20,000 deep: folded, no stack overflow

    @Test(.enabled(if: HostileFilesTests.canPlant, "skipped: needs root and /usr/bin/setpriv: it runs cutaway as root against files nobody planted (run `sudo swift test`)")) func row5TwentyThousandDeepUserNamespaceChainIsFoldedInEveryView() throws {
        let scratch = try Scratch()
        let evil = scratch.path + "/deep.json"
        var deepest: UInt64 = 0
        try Self.plantSnapshot(at: evil) { object in
            var namespaces = object["namespaces"] as? [[String: Any]] ?? []
            var previous = (namespaces.first { $0["type"] as? String == "user" && $0["owner"] is NSNull }?["inode"] as? NSNumber)?.uint64Value ?? 1
            for i in 0..<20_000 {
                let inode = 5_000_000_000 + UInt64(i)
                namespaces.append(["type": "user", "inode": inode, "id": 100_000 + i, "owner": previous, "parent": previous, "ownerUID": 65534,
                                   "hidden": false, "holders": [], "notes": [], "pids": [], "threads": []])
                previous = inode
            }
            deepest = previous
            object["namespaces"] = namespaces
            // A process in the innermost one, for `idmap --pid` (the chain from the host to it).
            var processes = object["processes"] as? [[String: Any]] ?? []
            var deep = processes.first ?? [:]
            deep["pid"] = 99999; deep["command"] = "deep"; deep["namespaces"] = ["user": previous]; deep["nsPID"] = [99999]; deep["nsTGID"] = [99999]
            processes.append(deep)
            object["processes"] = processes
        }
        let out = scratch.path + "/out"
        for arguments in [["namespaces", "--from", evil], ["namespaces", "--from", evil, "--format", "dot", "--output", out],
                          ["snapshot", "--from", evil, "--output", out + "/snap", "--format", "dot"],
                          ["idmap", "--pid", "99999", "--from", evil], ["idmap", "--pid", "99999", "--from", evil, "--format", "dot", "--output", out]] {
            let (r, rss) = try Self.cutawayMeasuringRSS(timeout: 300, arguments)
            #expect(r.status == 0, "\(arguments): \(r.stderr.suffix(2000))")
            #expect(rss < 400 << 20, "\(arguments): peak RSS \(rss >> 20) MiB")
            print("row 5: cutaway \(arguments[0])\(arguments.contains("--pid") ? " --pid" : "")\(arguments.contains("--format") ? " --format dot" : "") --from on a 20,000-deep user-namespace chain: peak RSS \(rss >> 20) MiB")
        }
        let (text, _) = try Self.cutawayMeasuringRSS(timeout: 300, ["namespaces", "--from", evil])
        #expect(text.text.contains("more nested here"), "\(text.text.prefix(3000))")
        #expect(text.text.split(separator: "\n").count < 500)
        let diagram = try String(contentsOfFile: out + "/namespaces.dot", encoding: .utf8)
        #expect(diagram.contains("more nested here"))
        #expect(!diagram.contains("cluster_user_\(deepest)"), "the diagram stops nesting at NamespaceTree.maxDepth")
        let (idmap, _) = try Self.cutawayMeasuringRSS(timeout: 300, ["idmap", "--pid", "99999", "--from", evil])
        #expect(idmap.text.contains("… 19,960 more nested here") && idmap.text.contains("user:\(deepest)"), "\(idmap.text.prefix(3000))")
        #expect(idmap.text.split(separator: "\n").count < 1000)
        let idmapDiagram = try String(contentsOfFile: out + "/idmap-99999.dot", encoding: .utf8)
        #expect(idmapDiagram.components(separatedBy: "subgraph \"cluster_").count - 1 == NamespaceTree.maxDepth + 1)
        let saved = try FileManager.default.contentsOfDirectory(atPath: out + "/snap")
        #expect(saved.contains("report.txt") && saved.contains("namespaces.dot"), "\(saved.sorted())")
        let report = try String(contentsOfFile: out + "/snap/report.txt", encoding: .utf8)
        #expect(report.contains("more nested here"))
    }

    // MARK: row 8: output files are never written through links, nor into another user's directory

    @Test(.enabled(if: HostileFilesTests.canPlant, "skipped: needs root and /usr/bin/setpriv: it runs cutaway as root against files nobody planted (run `sudo swift test`)")) func row8OutputLinksToAVictimAreRefused() throws {
        let scratch = try Scratch()
        let victim = scratch.path + "/victim"
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        chmod(victim, 0o644)
        // 1. The output directory belongs to nobody, who planted links in it.
        try Self.asNobody("mkdir '\(scratch.path)/out' && ln -s '\(victim)' '\(scratch.path)/out/index.html' && ln -s '\(victim)' '\(scratch.path)/out/snapshot.json'")
        let render = try #require(try Self.cutaway(["render", Self.demoSnapshot, "--output", scratch.path + "/out"]))
        #expect(render.status == 1 && render.stderr.contains("belongs to uid 65534"), "\(render.stderr)")
        let snap = try #require(try Self.cutaway(["snapshot", "--from", Self.demoSnapshot, "--output", scratch.path + "/out"]))
        #expect(snap.status == 1 && snap.stderr.contains("belongs to uid 65534"), "\(snap.stderr)")
        // 2. A root-owned sticky directory anyone may add to (like /tmp): the planted links are refused.
        let shared = scratch.path + "/shared"
        mkdir(shared, 0o755)
        chmod(shared, 0o1777)
        try Self.asNobody("ln -s '\(victim)' '\(shared)/index.html' && ln -s '\(victim)' '\(shared)/snapshot.json'")
        let again = try #require(try Self.cutaway(["snapshot", "--from", Self.demoSnapshot, "--output", shared]))
        #expect(again.status == 1 && again.stderr.contains("is a symbolic link"), "\(again.stderr)")
        let rendered = try #require(try Self.cutaway(["render", Self.demoSnapshot, "--output", shared]))
        #expect(rendered.status == 1 && rendered.stderr.contains("is a symbolic link"), "\(rendered.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        // 3. The output directory itself a link (to the victim's directory): refused.
        try Self.asNobody("mkdir '\(scratch.path)/elsewhere' && ln -s '\(scratch.path)/elsewhere' '\(shared)/link'")
        let linked = try #require(try Self.cutaway(["render", Self.demoSnapshot, "--output", shared + "/link"]))
        #expect(linked.status == 1 && linked.stderr.contains("symbolic link"), "\(linked.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/elsewhere").isEmpty)
        // 4. Re-runs replace cutaway's own files; snapshot.json (command lines) is owner-only.
        let mine = scratch.path + "/mine"
        for _ in 0..<2 {
            let ok = try #require(try Self.cutaway(["snapshot", "--from", Self.demoSnapshot, "--output", mine]))
            #expect(ok.status == 0, "\(ok.stderr)")
        }
        #expect(Self.mode(mine + "/snapshot.json") == 0o600)
        let nobodyReads = try Self.asNobody("cat '\(mine)/snapshot.json'")
        #expect(nobodyReads.status != 0)
    }

    // MARK: row 9: a saved snapshot's host name does not lead out of output/

    @Test(.enabled(if: HostileFilesTests.canPlant, "skipped: needs root and /usr/bin/setpriv: it runs cutaway as root against files nobody planted (run `sudo swift test`)")) func row9HostnameFromASavedSnapshotStaysInOutput() throws {
        let scratch = try Scratch()
        let evil = scratch.path + "/evil.json"
        try Self.plantSnapshot(at: evil) { $0["hostname"] = "x/../../escaped" }
        let work = scratch.path + "/work"
        mkdir(work, 0o755)
        let before = scratch.listing()
        for command in [["snapshot", "--from", evil], ["render", evil]] {
            let r = try #require(try Self.cutaway(cwd: work, command))
            #expect(r.status == 0, "\(r.stderr)")
        }
        let added = scratch.listing().subtracting(before)
        #expect(!added.isEmpty && added.allSatisfy { $0.hasPrefix("work/output/") || $0 == "work/output" }, "\(added.sorted())")
        let dirs = try FileManager.default.contentsOfDirectory(atPath: work + "/output")
        #expect(dirs.contains { $0.hasPrefix("snapshot-x-escaped-") } && dirs.contains { $0.hasPrefix("render-x-escaped-") }, "\(dirs)")
    }

    // MARK: row 10: capture files that are devices, FIFOs or links are not read

    /// A copy of the committed capture, made by nobody (so nobody may change it).
    static func plantCapture(in scratch: Scratch) throws -> (dir: String, pid: String) {
        let dir = scratch.path + "/cap"
        let copied = try asNobody("cp -r '\(TestSupport.scenarioFixture)' '\(dir)'")
        #expect(copied.status == 0, "\(copied.stderr)")
        let env = try TestSupport.readEnv(dir + "/scenario.env")
        return (dir, try #require(env["LAB_PID"]))
    }

    @Test(.enabled(if: HostileFilesTests.canPlant, "skipped: needs root and /usr/bin/setpriv: it runs cutaway as root against files nobody planted (run `sudo swift test`)"), arguments: ["dev-zero", "fifo", "link-to-private-file", "pid-dir-link"])
    func row10PlantedMountinfoIsRefusedWithAReason(kind: String) throws {
        let scratch = try Scratch()
        let (cap, pid) = try Self.plantCapture(in: scratch)
        let secret = scratch.path + "/private"
        let marker = "cutaway-harden-secret-\(UUID().uuidString)"
        // A root-only file shaped like mountinfo, so that reading it would show.
        try "1 0 0:1 / /\(marker) rw - tmpfs \(marker) rw\n".write(toFile: secret, atomically: false, encoding: .utf8)
        chmod(secret, 0o600)
        let target = "\(cap)/\(pid)/mountinfo"
        switch kind {
        case "dev-zero": try Self.asNobody("rm '\(target)' && ln -s /dev/zero '\(target)'")
        case "fifo": try Self.asNobody("rm '\(target)' && mkfifo '\(target)'")
        case "link-to-private-file": try Self.asNobody("rm '\(target)' && ln -s '\(secret)' '\(target)'")
        default:
            let hidden = scratch.path + "/hidden-pid"
            try FileManager.default.createDirectory(atPath: hidden, withIntermediateDirectories: false)
            try FileManager.default.copyItem(atPath: secret, toPath: hidden + "/mountinfo")
            try FileManager.default.copyItem(atPath: "\(cap)/\(pid)/status", toPath: hidden + "/status")
            chmod(hidden, 0o700)
            try Self.asNobody("mv '\(cap)/\(pid)' '\(cap)/\(pid).x' && ln -s '\(hidden)' '\(cap)/\(pid)'")
        }
        let r = try #require(try Self.cutaway(timeout: 60, ["mounts", "--proc", cap, "--pid", pid, "--json"]), "cutaway hung on a planted \(kind)")
        #expect(!r.stderr.contains(marker), "the private file was read")
        #expect(r.status == 1, "\(r.stderr)")
        let why = ["dev-zero": "mountinfo: not read: not a regular file (a symbolic link)", "fifo": "mountinfo: not read: not a regular file (a FIFO)",
                   "link-to-private-file": "mountinfo: not read: not a regular file (a symbolic link)", "pid-dir-link": "/\(pid)/status: not read: a symbolic link"][kind]!
        #expect(r.stderr.contains(why), "no diagnostic says why: \(r.stderr)")
    }

    @Test func boundedReadStopsAtTheLimit() throws {
        let scratch = try Scratch()
        let big = scratch.path + "/big"
        try Data(count: 10_000).write(to: URL(fileURLWithPath: big))
        let dir = try FileDescriptor.open(FilePath(scratch.path), .readOnly, options: [.directory])
        defer { try? dir.close() }
        #expect(throws: SafeReadError.tooLarge(limit: 4096)) { try dir.readRegularFile(beneath: "big", limit: 4096) }
        #expect(try dir.readRegularFile(beneath: "big", limit: 10_000).count == 10_000)
        // /proc files say size 0: the limit holds while reading.
        let proc = try FileDescriptor.open("/proc", .readOnly, options: [.directory])
        defer { try? proc.close() }
        let fd = try proc.open(beneath: FilePath("\(getpid())/maps"), .readOnly)
        defer { try? fd.close() }
        #expect(throws: SafeReadError.tooLarge(limit: 16)) { try fd.readRegularFile(limit: 16) }
        // The descriptor walk (openat2's stand-in before Linux 5.6) opens what is beneath.
        mkdir(scratch.path + "/sub", 0o755)
        try "inside".write(toFile: scratch.path + "/sub/f", atomically: false, encoding: .utf8)
        let walked = try dir.openByDescriptorWalk("sub/./f", access: .readOnly, options: [], permissions: nil)
        #expect(try walked.readRegularFile(limit: 100) == Array("inside".utf8))
        try walked.close()
        // Beneath means beneath: no way out, by .. , absolute path or symlink, openat2 or not.
        symlink("/etc/passwd", scratch.path + "/out")
        for path: FilePath in ["../etc/passwd", "/etc/passwd", "out"] {
            #expect(throws: (any Error).self) { try dir.readRegularFile(beneath: path, limit: 1 << 20) }
            #expect(throws: Errno.self) { try dir.openByDescriptorWalk(path, access: .readOnly, options: [], permissions: nil) }
        }
    }

    // MARK: row 11: an fd swapped for a FIFO or a device is never opened for I/O

    @Test func namespaceFileOpensOnlyNamespaces() throws {
        let scratch = try Scratch()
        let fifo = scratch.path + "/fifo"
        mkfifo(fifo, 0o600)
        // A blocking open of a FIFO with no writer would hang here.
        #expect(throws: NamespaceFileError.notANamespace) { try NamespaceFile.open(FilePath(fifo)) }
        #expect(throws: NamespaceFileError.notANamespace) { try NamespaceFile.open("/dev/zero") }
        let ns = try NamespaceFile.open("/proc/self/ns/net")
        #expect(NamespaceFile.isOnNsfs(ns))
        try ns.close()
    }

    @Test(.enabled(if: HostileFilesTests.canPlant, "skipped: needs root and /usr/bin/setpriv: it runs cutaway as root against files nobody planted (run `sudo swift test`)")) func row11FdSwappedForAFIFODoesNotHangTheScan() throws {
        let scratch = try Scratch()
        let fifo = scratch.path + "/fifo"
        let stop = scratch.path + "/stop"
        try Self.asNobody("mkfifo '\(fifo)'")
        // nobody holds a namespace fd and keeps swapping fd 7 between it and a FIFO that has
        // no writer: a blocking open of it (what the scan did before) waits forever.
        let racer = try TestSupport.spawn("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", "/usr/bin/python3", "-c", """
            import os, sys
            ns = os.open('/proc/self/ns/net', os.O_RDONLY)
            ff = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
            while not os.path.exists(sys.argv[2]):
                os.dup2(ns, 7); os.dup2(ff, 7)
            """, fifo, stop], outputFile: scratch.path + "/racer.log")
        defer { creat(stop, 0o600); kill(racer, SIGKILL); var s: Int32 = 0; waitpid(racer, &s, 0) }
        // Deadlines are generous: a loaded machine scans slowly, a hang never ends.
        for _ in 0..<2 {
            let r = try #require(try Self.cutaway(timeout: 300, ["snapshot", "--json"]), "the scan hung on a swapped fd")
            #expect(r.status == 0, "\(r.stderr)")
        }
    }

    // MARK: row 12: terminal escapes in data are printed visibly, never raw

    @Test(.enabled(if: HostileFilesTests.canPlant, "skipped: needs root and /usr/bin/setpriv: it runs cutaway as root against files nobody planted (run `sudo swift test`)")) func row12EscapesInASavedSnapshotNeverReachTheTerminal() throws {
        let scratch = try Scratch()
        let evil = scratch.path + "/evil.json"
        try Self.plantSnapshot(at: evil) { object in
            object["hostname"] = "h\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m\u{202e}txt.exe"
            var containers = object["containers"] as? [[String: Any]] ?? []
            if !containers.isEmpty { containers[0]["name"] = "c\u{1b}[2J\u{2066}x" ; containers[0]["image"] = "i\u{1b}]8;;http://x\u{7}" }
            object["containers"] = containers
        }
        func raw(_ data: Data) -> Bool {
            let text = String(decoding: data, as: UTF8.self)
            return data.contains(0x1b) || data.contains(0x07) || text.unicodeScalars.contains { (0x80...0x9f).contains($0.value) || $0.value == 0x202e || $0.value == 0x2066 }
        }
        let out = scratch.path + "/out"
        for command in [["snapshot", "--from", evil, "--output", out], ["namespaces", "--from", evil], ["render", evil, "--output", out + "2"], ["snapshot", "--from", evil, "--json"]] {
            let r = try #require(try Self.cutaway(command))
            #expect(r.status == 0, "\(command): \(r.stderr)")
            #expect(!raw(r.stdout), "\(command) printed a raw control character")
        }
        let text = try #require(try Self.cutaway(["snapshot", "--from", evil, "--output", out]))
        #expect(text.text.contains("h\\x1b]0;owned\\x07\\x1b[2J\\u{9b}31m\\u{202e}txt.exe"), "\(text.text)")
        #expect(!raw(try Data(contentsOf: URL(fileURLWithPath: out + "/report.txt"))))
        // JSON keeps the same string, escaped the JSON way.
        let json = try #require(try Self.cutaway(["snapshot", "--from", evil, "--json"]))
        let object = try json.json()
        #expect((object["hostname"] as? String) == "h\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m\u{202e}txt.exe")
    }

    @Test func terminalTextEscapesC0C1AndBidiOnce() {
        #expect(TerminalText.escape("a\u{1b}[2Jb") == "a\\x1b[2Jb")
        #expect(TerminalText.escape("\u{9b}\u{202e}\u{2069}\u{200f}\u{61c}\u{2028}") == "\\u{9b}\\u{202e}\\u{2069}\\u{200f}\\u{61c}\\u{2028}")
        #expect(TerminalText.escape("é ü 漢字 → fine") == "é ü 漢字 → fine")
        #expect(TerminalText.escapeKeepingLines("line\n\tx\u{7f}\n") == "line\n\tx\\x7f\n")
        let once = TerminalText.escapeKeepingLines("a\u{1b}b\u{9b}")
        #expect(TerminalText.escapeKeepingLines(once) == once)
        #expect(ByteString("m\u{202e}p").description == "m\\u{202e}p")
        #expect(ByteString([0x61, 0x1b, 0xff]).description == "a\\x1b\\xff")
    }

    // MARK: the writer itself

    @Test func outputDirectoryRefusesLinksAndReplacesItsOwnFiles() throws {
        let scratch = try Scratch()
        let victim = scratch.path + "/victim"
        try "v".write(toFile: victim, atomically: false, encoding: .utf8)
        let dir = try OutputDirectory.open(scratch.path + "/o/p")
        symlink(victim, scratch.path + "/o/p/link")
        #expect(throws: OutputError.targetIsSymlink(scratch.path + "/o/p/link")) { try dir.write(Array("x".utf8), to: "link") }
        #expect(throws: OutputError.unsafeName("../x")) { try dir.write(Array("x".utf8), to: "../x") }
        try dir.write(Array("one".utf8), to: "f", permissions: [.ownerReadWrite])
        try dir.write(Array("two".utf8), to: "f", permissions: [.ownerReadWrite])
        #expect(try String(contentsOfFile: scratch.path + "/o/p/f", encoding: .utf8) == "two")
        #expect(Self.mode(scratch.path + "/o/p/f") == 0o600)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "v")
        #expect(try dir.entries().sorted() == ["f", "link"])
        symlink(scratch.path + "/o", scratch.path + "/dirlink")
        #expect(throws: OutputError.directoryIsSymlink(scratch.path + "/dirlink")) { try OutputDirectory.open(scratch.path + "/dirlink") }
    }
}

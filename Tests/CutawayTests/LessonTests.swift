import CutawayLessons
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// The lessons' format, checked without root.
@Suite struct LessonFormatTests {
    static let library = LessonLibrary.shipped

    @Test func twelveLessonsInTheNotesOrderEachWithChecksAndAPicture() throws {
        let names = Self.library.names
        #expect(names.count >= 12)
        #expect(Array(names.prefix(12).map { String($0.prefix(2)) }) == (1...12).map { String(format: "%02d", $0) })
        for name in names {
            let lesson = try Self.library.load(name)
            #expect(!lesson.goal.isEmpty, "\(name) has no **Goal:**")
            #expect(lesson.checkCount >= 2, "\(name) has fewer than two checks")
            #expect(lesson.markdown.contains("![end state](images/\(name).png)"), "\(name) does not show its end state first")
            #expect(FileManager.default.fileExists(atPath: TestSupport.packageRoot.appendingPathComponent("tutorials/images/\(name).png").path), "\(name): no picture; run scripts/make-lesson-pictures.sh")
            #expect(lesson.steps.contains { $0.blocks.contains { if case .picture = $0 { true } else { false } } }, "\(name) draws no picture")
            #expect(lesson.steps.contains { $0.blocks.contains { if case .predict = $0 { true } else { false } } }, "\(name) asks no prediction")
        }
    }

    @Test func malformedLessonsSayWhereAndWhat() {
        #expect(throws: LessonFormatError(file: "x.md", line: 4, message: "a ```check block must start with '# expect: what should hold and why'")) {
            try LessonParser.parse("# T\n**Goal:** g\n## Step 1\n```check\ntrue\n```\n", name: "x", file: "x.md")
        }
        #expect(throws: LessonFormatError.self) { try LessonParser.parse("# T\n## Step\n```sh\nls\n", name: "x", file: "x.md") }
        #expect(throws: LessonFormatError.self) { try LessonParser.parse("no title\n", name: "x", file: "x.md") }
    }

    @Test func listAndShowWorkWithoutRoot() throws {
        let list = try TestSupport.cutaway("lesson", "list", "--json")
        #expect(list.status == 0)
        let lessons = try #require(try list.json()["lessons"] as? [[String: Any]])
        #expect(lessons.count >= 12 && lessons.allSatisfy { $0["name"] is String && $0["title"] is String })
        let show = try TestSupport.cutaway("lesson", "show", "07")
        #expect(show.status == 0 && show.text.contains("```check"))
        let missing = try TestSupport.cutaway("lesson", "show", "99")
        #expect(missing.status == 1 && missing.stderr.contains("cutaway lesson list"))
    }
}

extension LiveSystemTests {
    /// Every lesson, run as CI runs it; the host must look the same afterwards, also when a
    /// run is interrupted by Ctrl-C (SIGINT) or killed (SIGKILL) half-way.
    @Suite(.serialized, .enabled(if: TestSupport.isRoot, "skipped: lessons create namespaces and mounts; run as root"))
    struct LessonRunTests {
        /// What the host must still look like afterwards: its mount table and its namespaces.
        static func hostState() throws -> (mounts: String, namespaces: Set<String>) {
            let mounts = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
            let ns = try TestSupport.cutaway("namespaces", "--json")
            let list = try ns.json()["namespaces"] as? [[String: Any]] ?? []
            return (mounts, Set(list.map { "\($0["type"] ?? ""):\($0["inode"] ?? "")" }))
        }

        static func waitUntilGone(_ check: () -> Bool) -> Bool {
            for _ in 0..<100 { if check() { return true }; usleep(100_000) }
            return false
        }

        static func sandboxesRunning() -> Bool {
            let r = try? TestSupport.run("/usr/bin/pgrep", ["-f", "unshare --mount --propagation private --pid --fork --mount-proc --ipc --uts --net"])
            return r?.status == 0
        }

        @Test(arguments: LessonFormatTests.library.names)
        func lessonPassesAndLeavesNothingBehind(name: String) throws {
            let before = try Self.hostState()
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-lesson-out-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: out) }
            let r = try TestSupport.cutaway("lesson", "run", name, "--non-interactive", "--output", out)
            #expect(r.status == 0, "\(name): \(r.text.split(separator: "\n").filter { $0.contains("✘") }.joined(separator: "; ")) \(r.stderr)")
            #expect(r.text.contains("checks passed.") && !r.text.contains("✘"))
            let files = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            #expect(files.contains { $0.hasSuffix(".svg") } && files.contains { $0.hasSuffix(".png") }, "\(name) drew no diagram")
            #expect(files.contains("step-01.json"))
            #expect(Self.waitUntilGone { !Self.sandboxesRunning() })
            let after = try Self.hostState()
            #expect(after.mounts == before.mounts, "\(name) changed the host's mount table")
            #expect(after.namespaces == before.namespaces, "\(name) left namespaces: \(after.namespaces.symmetricDifference(before.namespaces))")
            #expect(!FileManager.default.fileExists(atPath: "/tmp/cutaway-lesson-\(0)"))
        }

        func interrupted(by signal: Int32) throws {
            let before = try Self.hostState()
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-lesson-log-\(UUID().uuidString)").path
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-lesson-out-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: log); try? FileManager.default.removeItem(atPath: out) }
            let pid = try TestSupport.spawn(TestSupport.cutawayBinary, ["lesson", "run", "12-container-from-scratch", "--non-interactive", "--output", out], outputFile: log)
            // Half-way: once step 3 has started its container.
            let started = Self.waitUntilGone { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("── Step 4") }
            #expect(started, "the lesson did not reach step 4")
            kill(pid, signal)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            #expect(Self.waitUntilGone { !Self.sandboxesRunning() }, "the sandbox outlived the runner")
            #expect(Self.waitUntilGone { (try? Self.hostState().mounts) == before.mounts }, "the host's mount table changed")
            let after = try Self.hostState()
            #expect(after.namespaces == before.namespaces, "namespaces left behind: \(after.namespaces.symmetricDifference(before.namespaces))")
            let lab = "/tmp/cutaway-lesson-\(pid)"
            if signal == SIGKILL {
                // Only the empty mount point directory can remain; the next run removes it.
                if FileManager.default.fileExists(atPath: lab) {
                    #expect((try? FileManager.default.contentsOfDirectory(atPath: lab))?.isEmpty == true)
                    _ = try TestSupport.cutaway("lesson", "run", "11", "--non-interactive", "--output", out)
                }
            } else {
                #expect(status & 0x7f == 0 && (status >> 8) & 0xff == 130, "Ctrl-C should exit with 130")
                #expect(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("interrupted"))
            }
            #expect(!FileManager.default.fileExists(atPath: lab))
        }

        @Test func ctrlCHalfWayLeavesNothing() throws { try interrupted(by: SIGINT) }

        @Test func sigkillHalfWayLeavesNothing() throws { try interrupted(by: SIGKILL) }

        @Test func withoutRootItSaysSoAndOffersShow() throws {
            let r = try TestSupport.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", TestSupport.cutawayBinary, "lesson", "run", "01"])
            #expect(r.status == 1 && r.stderr.contains("needs root") && r.stderr.contains("cutaway lesson show 01-overlay-layers"))
        }
    }
}

@testable import CutawayLessons
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// The lessons' format and teaching rules, checked without root.
@Suite struct LessonFormatTests {
    static let library = LessonLibrary.shipped
    static let tutorials = TestSupport.packageRoot.appendingPathComponent("tutorials").path

    @Test func shippedLessonsAreExactlyTheTutorialsFiles() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.tutorials).filter(LessonLibrary.isLessonFileName).sorted()
        #expect(Self.library.names == files.map { String($0.dropLast(3)) })
        for file in files {
            let name = String(file.dropLast(3))
            #expect(Self.library.markdown(name) == (try String(contentsOfFile: Self.tutorials + "/" + file, encoding: .utf8)), "\(name): the binary's copy differs from tutorials/\(file); rebuild")
        }
    }

    @Test func atLeastThirteenLessonsFromWhatANamespaceIsOnEachWithChecksAndAPicture() throws {
        let names = Self.library.names
        #expect(names.count >= 13)
        #expect(names.map { String($0.prefix(2)) } == (0..<names.count).map { String(format: "%02d", $0) })
        #expect(names.first == "00-what-is-a-namespace")
        for name in names {
            let lesson = try Self.library.load(name)
            #expect(!lesson.goal.isEmpty, "\(name) has no **Goal:**")
            #expect(lesson.checkCount >= 2, "\(name) has fewer than two checks")
            #expect(lesson.markdown.contains("![end state](images/\(name).png)"), "\(name) does not show its end state first")
            #expect(FileManager.default.fileExists(atPath: Self.tutorials + "/images/\(name).png"), "\(name): no picture; run scripts/make-lesson-pictures.sh")
            #expect(lesson.count { if case .picture = $0 { true } else { false } } > 0, "\(name) draws no picture")
            #expect(lesson.count { if case .predict = $0 { true } else { false } } > 0, "\(name) asks no prediction")
        }
    }

    /// A prediction comes before the command that answers it: after each `Predict`, the step
    /// runs a command before any check, and no check of the step precedes the prediction.
    @Test(arguments: LessonFormatTests.library.names)
    func predictionsComeBeforeTheAnswer(name: String) throws {
        for step in try Self.library.load(name).steps {
            guard let p = step.blocks.firstIndex(where: { if case .predict = $0 { true } else { false } }) else { continue }
            let before = step.blocks[..<p], after = step.blocks[(p + 1)...]
            #expect(!before.contains { if case .check = $0 { true } else { false } }, "\(name) '\(step.title)': a check answers before the prediction is asked")
            #expect(!before.contains { if case .output = $0 { true } else { false } }, "\(name) '\(step.title)': the output is shown before the prediction is asked")
            let firstAnswer = after.firstIndex { switch $0 { case .run, .observe: true; default: false } }
            let firstCheck = after.firstIndex { if case .check = $0 { true } else { false } }
            #expect(firstAnswer != nil && (firstCheck == nil || firstAnswer! < firstCheck!), "\(name) '\(step.title)': no command after the prediction")
        }
    }

    /// Every step that runs something shows what it prints, with key lines the run checks;
    /// every lesson says what its simple story leaves out; no lesson points to documents the
    /// learner does not have; paths reach the shell quoted.
    @Test(arguments: LessonFormatTests.library.names)
    func excerptsBoxesAndStandingAlone(name: String) throws {
        let lesson = try Self.library.load(name)
        for step in lesson.steps where step.blocks.contains(where: { if case .run = $0 { true } else { false } }) {
            let excerpts = step.blocks.compactMap { if case .output(let e) = $0 { e } else { nil } }
            #expect(!excerpts.isEmpty && excerpts.allSatisfy { !$0.keyLines.isEmpty }, "\(name) '\(step.title)': no output excerpt with key lines")
        }
        #expect(lesson.markdown.contains("> **What the simple story leaves out:**"), "\(name) has no 'What the simple story leaves out' box")
        #expect(lesson.markdown.range(of: #"(?i)concept \d|the notes"#, options: .regularExpression) == nil, "\(name) refers to notes the learner does not have")
        #expect(!lesson.markdown.contains("--output $OUT"), "\(name): write \"$OUT\" quoted")
        #expect(!lesson.markdown.contains("'$LAB'"), "\(name): pass $LAB quoted (\"$LAB/…\"), never spliced into a single-quoted script")
    }

    @Test func sandboxIsNamedInLessonZero() throws {
        let zero = try Self.library.load("00-what-is-a-namespace")
        #expect(zero.introduction.contains("**lesson sandbox**") && zero.introduction.contains("PID 1"))
        for type in ["cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"] { #expect(zero.markdown.contains("| `\(type)` |"), "lesson 00 does not explain \(type)") }
        #expect(zero.markdown.contains("lsns") && zero.markdown.contains("cutaway namespaces"))
    }

    @Test func malformedLessonsSayWhereAndWhat() {
        #expect(throws: LessonFormatError(file: "x.md", line: 4, message: "a ```check block must start with '# expect: what should hold and why'")) {
            try LessonParser.parse("# T\n**Goal:** g\n## Step 1\n```check\ntrue\n```\n", name: "x", file: "x.md")
        }
        #expect(throws: LessonFormatError(file: "x.md", line: 3, message: "an ```output excerpt must follow the ```sh or ```observe block whose output it shows")) {
            try LessonParser.parse("# T\n## Step 1\n```output\nx ◀\n```\n", name: "x", file: "x.md")
        }
        #expect(throws: LessonFormatError.self) { try LessonParser.parse("# T\n## Step\n```sh\nls\n", name: "x", file: "x.md") }
        #expect(throws: LessonFormatError.self) { try LessonParser.parse("no title\n", name: "x", file: "x.md") }
    }

    @Test func blocksKeepTheirOrderSoTextAfterACommandIsReadAfterIt() throws {
        let lesson = try LessonParser.parse("# T\n**Goal:** a\nwrapped goal\n\nIntro.\n## S\nBefore.\n> **Predict:** q?\n```sh\necho hi\n```\n```output\nhi ◀\nnot key\n```\nAfter.\n", name: "x", file: "x.md")
        #expect(lesson.goal == "a wrapped goal" && lesson.introduction == "Intro.")
        #expect(lesson.steps[0].blocks == [.text("Before."), .predict("q?"), .run("echo hi"), .output(OutputExcerpt(lines: ["hi ◀", "not key"])), .text("After.")])
    }

    @Test func keyLinesMatchWithPlaceholdersAndCatchDrift() {
        let e = OutputExcerpt(lines: ["NSpid:\t<pid>\t1 ◀", "<lab>/before - tmpfs before-split rw ◀", "from lower2 ◀", "mount: … refused ◀", "not a key line"])
        #expect(e.keyLines.count == 4)
        let output = ["NSpid:  4711   1", "/tmp/cutaway-lesson-9-abc/before - tmpfs before-split rw", "from lower2", "mount: /x: bind refused"]
        #expect(e.missingKeyLines(in: output).isEmpty)
        #expect(e.missingKeyLines(in: ["NSpid: 4711 2", "from lower1", "/tmp/x/before - tmpfs before-split ro"]).count == 4)
        // A whole line must match: a key line is not found inside a longer line.
        #expect(e.missingKeyLines(in: ["NSpid: 4711 1 extra", "xfrom lower2"]).count == 4)
        // Literal regex characters in output, such as brackets and dots, are literal.
        #expect(OutputExcerpt(lines: ["mnt:[<inode>] (a.b) ◀"]).missingKeyLines(in: ["mnt:[4026531841] (a.b)"]).isEmpty)
        #expect(OutputExcerpt(lines: ["mnt:[<inode>] (a.b) ◀"]).missingKeyLines(in: ["mnt:[4026531841] (axb)"]).count == 1)
    }

    @Test func listAndShowWorkWithoutRootFromAnyDirectory() throws {
        let list = try TestSupport.run("/bin/sh", ["-c", "cd / && exec \"$0\" lesson list --json", TestSupport.cutawayBinary])
        #expect(list.status == 0)
        let lessons = try #require(try list.json()["lessons"] as? [[String: Any]])
        #expect(lessons.count >= 13 && lessons.allSatisfy { $0["name"] is String && $0["title"] is String })
        let show = try TestSupport.run("/bin/sh", ["-c", "cd / && exec \"$0\" lesson show 07", TestSupport.cutawayBinary])
        #expect(show.status == 0 && show.text == Self.library.markdown("07-shared-subtrees"))
        let missing = try TestSupport.cutaway("lesson", "show", "99")
        #expect(missing.status == 1 && missing.stderr.contains("cutaway lesson list"))
    }
}

/// A lesson directory written for a test, removed afterwards.
struct LessonDirectory {
    let path: String

    /// Copies of shipped lessons (edited by `edit`) plus extra files, in a new root-owned
    /// 0755 directory (0700 parent) under /tmp.
    init(copying names: [String] = [], extra: [String: String] = [:], edit: (String, String) -> String = { $1 }) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-lessons-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        path = base
        do {
            for name in names { try write(name + ".md", edit(name, try #require(LessonLibrary.shipped.markdown(name)))) }
            for (file, text) in extra { try write(file, text) }
        } catch {
            remove()
            throw error
        }
    }

    func write(_ file: String, _ text: String) throws {
        try text.write(toFile: path + "/" + file, atomically: false, encoding: .utf8)
        chmod(path + "/" + file, 0o644)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

extension LiveSystemTests {
    /// Row 4 of the trust table: a `tutorials/` directory planted by another user in the
    /// working directory is never offered, shown or run; `--lessons` takes only a directory
    /// that root owns and nobody else may write.
    @Suite(.serialized, .enabled(if: TestSupport.isRoot, "skipped: planting files as uid 65534 needs root"))
    struct LessonTrustTests {
        static let planted = """
            # 01 · PLANTED LESSON
            **Goal:** run as root

            ## Step 1 · Gotcha
            > **Predict:** ?
            ```sh
            touch "$MARKER"
            ```
            ```check
            # expect: planted
            true
            ```
            """

        @Test func aPlantedTutorialsDirectoryInTheWorkingDirectoryIsNeverOfferedOrRun() throws {
            let cwd = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-lessons-cwd-\(UUID().uuidString)").path
            let marker = cwd + "-ran-planted-lesson"
            defer { try? FileManager.default.removeItem(atPath: cwd); try? FileManager.default.removeItem(atPath: marker); try? FileManager.default.removeItem(atPath: cwd + "-out") }
            try FileManager.default.createDirectory(atPath: cwd, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
            // As nobody: the planted directory and lesson files are theirs.
            let source = cwd + "-planted.md"
            defer { try? FileManager.default.removeItem(atPath: source) }
            try Self.planted.replacingOccurrences(of: "$MARKER", with: marker).write(toFile: source, atomically: false, encoding: .utf8)
            chmod(source, 0o644)
            chown(cwd, 65534, 65534)
            let plant = try TestSupport.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", "/bin/sh", "-c",
                                                                  "mkdir \"$1/tutorials\" && cp \"$2\" \"$1/tutorials/00-what-is-a-namespace.md\" && cp \"$2\" \"$1/tutorials/01-overlay-layers.md\"", "sh", cwd, source])
            #expect(plant.status == 0, "planting failed: \(plant.stderr)")
            #expect(((try? String(contentsOfFile: cwd + "/tutorials/01-overlay-layers.md", encoding: .utf8)) ?? "").contains("PLANTED"))
            func inCwd(_ args: String) throws -> TestSupport.Result {
                try TestSupport.run("/bin/sh", ["-c", "cd \"$1\" && exec \"$0\" \(args)", TestSupport.cutawayBinary, cwd])
            }
            let list = try inCwd("lesson list")
            #expect(list.status == 0 && !list.text.contains("PLANTED") && list.text.contains("OverlayFS is a stack of layers"))
            let show = try inCwd("lesson show 01")
            #expect(show.status == 0 && show.text == LessonLibrary.shipped.markdown("01-overlay-layers"))
            let run = try inCwd("lesson run 01 --non-interactive --output \"$1-out\"")
            #expect(run.status == 0 && !run.text.contains("PLANTED") && run.text.contains("OverlayFS is a stack of layers"))
            #expect(!FileManager.default.fileExists(atPath: marker), "the planted lesson ran as root")
            // Named explicitly, the planted directory is refused, and says why.
            let named = try inCwd("lesson run 01 --non-interactive --lessons tutorials --output \"$1-out\"")
            #expect(named.status == 1 && named.stderr.contains("owned by uid 65534") && named.stderr.contains("owned by root"))
            #expect(!FileManager.default.fileExists(atPath: marker), "the planted lesson ran as root")
        }

        @Test func aNamedDirectoryMustBeRootOwnedAndWritableByNobodyElse() throws {
            let dir = try LessonDirectory(copying: ["00-what-is-a-namespace"])
            defer { dir.remove() }
            let good = try TestSupport.cutaway("lesson", "list", "--lessons", dir.path)
            #expect(good.status == 0 && good.text.contains("00-what-is-a-namespace") && !good.text.contains("01-"))
            chmod(dir.path, 0o777)
            let open = try TestSupport.cutaway("lesson", "show", "00", "--lessons", dir.path)
            #expect(open.status == 1 && open.stderr.contains("others can write to it"))
            chmod(dir.path, 0o755)
            chown(dir.path + "/00-what-is-a-namespace.md", 65534, 65534)
            let foreignFile = try TestSupport.cutaway("lesson", "show", "00", "--lessons", dir.path)
            #expect(foreignFile.status == 1 && foreignFile.stderr.contains("owned by uid 65534"))
            try FileManager.default.removeItem(atPath: dir.path + "/00-what-is-a-namespace.md")
            try FileManager.default.createSymbolicLink(atPath: dir.path + "/00-what-is-a-namespace.md", withDestinationPath: Self.plantedTarget)
            let link = try TestSupport.cutaway("lesson", "show", "00", "--lessons", dir.path)
            #expect(link.status == 1 && link.stderr.contains("00-what-is-a-namespace.md"), "a symlinked lesson file must not be followed")
            let symlinkedDir = dir.path + "-link"
            try FileManager.default.createSymbolicLink(atPath: symlinkedDir, withDestinationPath: dir.path)
            defer { try? FileManager.default.removeItem(atPath: symlinkedDir) }
            let dirLink = try TestSupport.cutaway("lesson", "list", "--lessons", symlinkedDir)
            #expect(dirLink.status == 1 && dirLink.stderr.contains("not using the lessons"))
        }

        /// A root-owned file the link points at (its content must never be read as a lesson).
        static let plantedTarget = "/etc/hostname"
    }

    /// Every lesson, run as CI runs it; the host must look the same afterwards, also when a
    /// run is interrupted by Ctrl-C (SIGINT), SIGTERM or killed (SIGKILL) half-way.
    @Suite(.serialized, .enabled(if: TestSupport.isRoot, "skipped: lessons create namespaces and mounts; run as root"))
    struct LessonRunTests {
        /// What the host must still look like afterwards: its mount table and its namespaces.
        static func hostState() throws -> (mounts: Set<String>, namespaces: Set<String>) {
            let mounts = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
            let ns = try TestSupport.cutaway("namespaces", "--json")
            let list = try ns.json()["namespaces"] as? [[String: Any]] ?? []
            return (Set(mounts.split(separator: "\n").map(String.init)), Set(list.map { "\($0["type"] ?? ""):\($0["inode"] ?? "")" }))
        }

        /// What a run with lab directory `lab` left on the host: mounts that mention the lab
        /// or the sandbox's tmpfs, and processes (each holding its namespaces) that still
        /// carry the run's `LAB` in their environment. Other helpers' tests may change the
        /// host meanwhile; this names only what is this run's, and `strictDifference` shows the
        /// rest for diagnosis.
        static func leftovers(of lab: String, since before: (mounts: Set<String>, namespaces: Set<String>)) throws -> [String] {
            let after = try hostState()
            var found = after.mounts.subtracting(before.mounts).filter { $0.contains(lab) || $0.contains(" cutaway-lesson ") }.map { "mount: " + $0 }
            let needle = Array("LAB=\(lab)".utf8)
            for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where pid.allSatisfy(\.isNumber) {
                guard let env = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
                if env.split(separator: 0).contains(where: { Array($0) == needle }) { found.append("process \(pid) of the lesson") }
            }
            return found
        }

        /// Namespaces and mounts that differ from `before` (anyone's, for messages).
        static func strictDifference(since before: (mounts: Set<String>, namespaces: Set<String>)) -> String {
            guard let after = try? hostState() else { return "?" }
            return "namespaces \(after.namespaces.symmetricDifference(before.namespaces).sorted().prefix(12)), \(after.mounts.symmetricDifference(before.mounts).count) mount lines"
        }

        /// Polls for up to `seconds` (lessons run slowly on a busy machine).
        static func waitUntil(seconds: Int = 30, _ check: () -> Bool) -> Bool {
            for _ in 0..<(seconds * 10) { if check() { return true }; usleep(100_000) }
            return false
        }

        static func sandboxesRunning() -> Bool {
            let r = try? TestSupport.run("/usr/bin/pgrep", ["-f", "unshare --mount --propagation private --pid --fork --mount-proc --ipc --uts --net"])
            return r?.status == 0
        }

        /// The `$LAB` directories of runner `pid` still in /tmp.
        static func labs(of pid: pid_t) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).filter { $0.hasPrefix("cutaway-lesson-\(pid)-") }.map { "/tmp/" + $0 }
        }

        /// The lab directory a run announced ("a tmpfs at /tmp/cutaway-lesson-…").
        static func announcedLab(_ text: String) -> String? {
            guard let r = text.range(of: #"/tmp/cutaway-lesson-[0-9]+-[A-Za-z0-9]{6}"#, options: .regularExpression) else { return nil }
            return String(text[r])
        }

        static func output() -> String {
            FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-lesson-out-\(UUID().uuidString)").path
        }

        @Test(arguments: LessonFormatTests.library.names)
        func lessonPassesAndLeavesNothingBehind(name: String) throws {
            let before = try Self.hostState()
            let out = Self.output()
            defer { try? FileManager.default.removeItem(atPath: out) }
            let r = try TestSupport.cutaway("lesson", "run", name, "--non-interactive", "--output", out)
            #expect(r.status == 0, "\(name): \(r.text.split(separator: "\n").filter { $0.contains("✘") }.joined(separator: "; ")) \(r.stderr)")
            #expect(r.text.contains("checks passed.") && !r.text.contains("✘"))
            let lesson = try LessonFormatTests.library.load(name)
            #expect(lesson.keyLineCount > 0 && !r.text.contains("key line"), "\(name): the output excerpts' key lines must appear in the real output")
            let files = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            #expect(files.contains { $0.hasSuffix(".svg") } && files.contains { $0.hasSuffix(".png") }, "\(name) drew no diagram")
            #expect(files.contains("step-01.json"))
            #expect(Self.waitUntil { !Self.sandboxesRunning() })
            let lab = try #require(Self.announcedLab(r.text), "\(name): the run did not say where its lab was")
            let left = try Self.leftovers(of: lab, since: before)
            #expect(left.isEmpty, "\(name) left behind: \(left) (all changes meanwhile: \(Self.strictDifference(since: before)))")
            #expect(!FileManager.default.fileExists(atPath: lab), "\(name) left \(lab) behind")
        }

        /// Item 1 of the lessons issue: a lesson that pivots must prove the old root is gone.
        /// The proof must fail when the unmount is left out (a deliberately broken copy).
        @Test(arguments: ["05-pivot-root", "06-bind-before-pivot", "12-container-from-scratch"])
        func oldRootCheckFailsWhenTheUnmountIsSkipped(name: String) throws {
            let dir = try LessonDirectory(copying: [name]) { _, text in
                text.components(separatedBy: "\n").filter { $0.trimmingCharacters(in: .whitespaces) != "umount -l /oldroot" }.joined(separator: "\n")
            }
            defer { dir.remove() }
            #expect(try String(contentsOfFile: dir.path + "/\(name).md", encoding: .utf8) != LessonLibrary.shipped.markdown(name))
            let out = Self.output()
            defer { try? FileManager.default.removeItem(atPath: out) }
            let r = try TestSupport.cutaway("lesson", "run", name, "--non-interactive", "--lessons", dir.path, "--output", out)
            #expect(r.status == 1)
            #expect(r.text.contains("✘ check failed. Expected: the old root is gone"), "\(name): the broken copy was not caught")
            #expect(r.text.contains("still mounted: ") && r.text.contains(" /oldroot"))
            #expect(Self.waitUntil { !Self.sandboxesRunning() })
        }

        /// The runner writes its step files through an `OutputDirectory`: a step file planted
        /// as a symlink is refused (and said so), never written through, the other steps kept; and a directory that belongs to
        /// another user (who could plant such links) is refused before anything runs.
        @Test func stepFilesAreNeverWrittenThroughALinkOrIntoAnotherUsersDirectory() throws {
            let out = Self.output()
            let victim = out + "-victim"
            defer { try? FileManager.default.removeItem(atPath: out); try? FileManager.default.removeItem(atPath: victim) }
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
            try Data("victim\n".utf8).write(to: URL(fileURLWithPath: victim))
            try FileManager.default.createSymbolicLink(atPath: out + "/step-00.json", withDestinationPath: victim)
            let r = try TestSupport.cutaway("lesson", "run", "00", "--non-interactive", "--output", out)
            #expect(r.status == 0, "\(r.text) \(r.stderr)")
            #expect(try String(contentsOfFile: victim, encoding: .utf8) == "victim\n", "a step file was written through a planted link")
            #expect(r.text.contains("the snapshot of step 0 was not kept"), "the refused step file is not reported")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out + "/step-00.json") == victim)
            #expect((try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/step-01.json")))) != nil)

            let theirs = Self.output()
            defer { try? FileManager.default.removeItem(atPath: theirs) }
            try FileManager.default.createDirectory(atPath: theirs, withIntermediateDirectories: false)
            #expect(chown(theirs, 65534, 65534) == 0)
            let refused = try TestSupport.cutaway("lesson", "run", "00", "--non-interactive", "--output", theirs)
            #expect(refused.status != 0 && refused.stderr.contains("belongs to"), "\(refused.stderr)")
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: theirs)) ?? ["?"]).isEmpty)
            #expect(Self.waitUntil { !Self.sandboxesRunning() })
        }

        /// Excerpts cannot drift: a key line the commands do not print fails the run.
        @Test func aDriftedExcerptFailsTheRun() throws {
            let dir = try LessonDirectory(copying: ["00-what-is-a-namespace"]) { _, text in
                text.replacingOccurrences(of: "this shell is pid 1 ◀", with: "this shell is pid 2 ◀")
            }
            defer { dir.remove() }
            let out = Self.output()
            defer { try? FileManager.default.removeItem(atPath: out) }
            let r = try TestSupport.cutaway("lesson", "run", "00", "--non-interactive", "--lessons", dir.path, "--output", out)
            #expect(r.status == 1 && r.text.contains("did not appear above: this shell is pid 2") && r.text.contains("All 4 checks passed."))
        }

        /// The sandbox passes a minimal environment, and an output path with blanks and quotes
        /// reaches the shell intact.
        @Test func theSandboxGetsAMinimalEnvironmentAndQuotedPaths() throws {
            let probe = """
                # 00 · Probe
                **Goal:** what the sandbox passes

                ## Step 1 · Environment
                > **Predict:** ?
                ```sh
                env | cut -d= -f1 | sort | tr '\\n' ' '; echo
                ```
                ```output
                CUTAWAY_BIN HOME LAB LC_ALL OLDPWD OUT PATH PWD SHLVL TERM _ ◀
                ```
                ```check
                # expect: nothing of the caller's environment
                [ -z "${CUTAWAY_LESSON_SECRET+x}" ] && [ "$LC_ALL" = C.UTF-8 ]
                ```
                ```check
                # expect: the output directory arrives as one word
                test -d "$OUT" && touch "$OUT/probe.txt"
                ```
                ```picture
                cutaway namespaces --format svg,png --output "$OUT"
                ```
                """
            let dir = try LessonDirectory(extra: ["00-probe.md": probe])
            defer { dir.remove() }
            let out = Self.output() + " it's $HOME `x`"
            defer { try? FileManager.default.removeItem(atPath: out) }
            let r = try TestSupport.run("/usr/bin/env", ["CUTAWAY_LESSON_SECRET=1", TestSupport.cutawayBinary, "lesson", "run", "00", "--non-interactive", "--lessons", dir.path, "--output", out])
            #expect(r.status == 0, "\(r.text)")
            #expect(FileManager.default.fileExists(atPath: out + "/probe.txt") && FileManager.default.fileExists(atPath: out + "/step-01.json"))
        }

        /// Interactive, with nobody typing (end of input): predictions and pauses do not hang.
        @Test func interactiveRunWithClosedInputFinishes() throws {
            let out = Self.output()
            defer { try? FileManager.default.removeItem(atPath: out) }
            let r = try TestSupport.cutaway("lesson", "run", "00", "--output", out)
            #expect(r.status == 0 && r.text.contains("your answer") && r.text.contains("All 4 checks passed."))
        }

        /// Half-way through a lesson: a process in namespaces of its own and a mount exist,
        /// and the lesson waits (so that the signal always arrives while it runs).
        static let halfWay = """
            # 00 · Half-way
            **Goal:** be interrupted

            ## Step 1 · A container-like process, a mount, then a long wait
            > **Predict:** ?
            ```sh
            unshare --mount --propagation private --pid --fork sleep infinity &
            mkdir -p m && mount -t tmpfs cutaway-lesson-halfway "$LAB/m"
            echo "READY FOR THE SIGNAL"
            sleep 600
            ```
            ```check
            # expect: never reached
            true
            ```
            """

        func interrupted(by signal: Int32) throws {
            let before = try Self.hostState()
            let log = Self.output() + ".log"
            let out = Self.output()
            let dir = try LessonDirectory(extra: ["00-half-way.md": Self.halfWay])
            defer { try? FileManager.default.removeItem(atPath: log); try? FileManager.default.removeItem(atPath: out); dir.remove() }
            let pid = try TestSupport.spawn(TestSupport.cutawayBinary, ["lesson", "run", "00", "--non-interactive", "--lessons", dir.path, "--output", out], outputFile: log)
            let started = Self.waitUntil(seconds: 180) { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("  READY FOR THE SIGNAL") }
            #expect(started, "the lesson did not get half-way")
            let lab = try #require(Self.labs(of: pid).first, "the running lesson has no lab in /tmp")
            #expect(try !Self.leftovers(of: lab, since: before).isEmpty, "the leftover probe does not see the running lesson")
            kill(pid, signal)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            #expect(Self.waitUntil { !Self.sandboxesRunning() }, "the sandbox outlived the runner")
            #expect(Self.waitUntil { (try? Self.leftovers(of: lab, since: before))?.isEmpty == true },
                    "left behind: \((try? Self.leftovers(of: lab, since: before)) ?? []) (all changes meanwhile: \(Self.strictDifference(since: before)))")
            if signal == SIGKILL {
                // Only the empty mount point directory can remain; the next run removes it.
                for lab in Self.labs(of: pid) { #expect((try? FileManager.default.contentsOfDirectory(atPath: lab))?.isEmpty == true) }
                if !Self.labs(of: pid).isEmpty { _ = try TestSupport.cutaway("lesson", "run", "00", "--non-interactive", "--output", out) }
            } else {
                #expect(status & 0x7f == signal, "a lesson ended by signal \(signal) should end by that signal once its sandbox is gone (the shell shows \(128 + signal))")
                #expect(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("interrupted"))
            }
            #expect(Self.labs(of: pid).isEmpty, "left behind: \(Self.labs(of: pid))")
        }

        @Test func ctrlCHalfWayLeavesNothing() throws { try interrupted(by: SIGINT) }

        @Test func sigtermHalfWayLeavesNothing() throws { try interrupted(by: SIGTERM) }

        @Test func sigkillHalfWayLeavesNothing() throws { try interrupted(by: SIGKILL) }

        @Test func withoutRootItSaysSoAndOffersShow() throws {
            let r = try TestSupport.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", TestSupport.cutawayBinary, "lesson", "run", "01"])
            #expect(r.status == 1 && r.stderr.contains("needs root") && r.stderr.contains("cutaway lesson show 01-overlay-layers"))
        }
    }
}

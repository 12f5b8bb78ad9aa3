import CutawayModel
import CutawayRender
import CutawaySystem
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a lesson in a ``LessonSandbox``, its blocks in file order: explanations, commands
/// (shown, then run), prediction questions (before the command that answers them), the
/// observation through cutaway, the output excerpts' key lines (checked against what really
/// printed), the checks, the step's diagrams, and what changed since the previous step
/// (snapshot diff).
public final class LessonRunner {
    /// How to run a lesson.
    public struct Options {
        /// Wait for Enter between steps and for an answer to each prediction question.
        public var interactive: Bool
        /// Absolute path; diagrams and per-step snapshots go here.
        public var outputDirectory: String
        /// The cutaway the lesson's commands run (`$CUTAWAY_BIN` in the sandbox).
        public var cutawayBinary: String
        /// Where the runner's text goes.
        public var print: (String) -> Void

        /// Options with these values.
        public init(interactive: Bool, outputDirectory: String, cutawayBinary: String, print: @escaping (String) -> Void) {
            self.interactive = interactive; self.outputDirectory = outputDirectory; self.cutawayBinary = cutawayBinary
            self.print = print
        }
    }

    /// What a run found.
    public struct Outcome {
        /// ```` ```check ```` blocks that succeeded.
        public var checksPassed: Int
        /// ```` ```check ```` blocks that failed.
        public var checksFailed: Int
        /// Key lines of ```output excerpts that appeared in the real output.
        public var keyLinesSeen: Int
        /// Key lines of ```output excerpts that did not.
        public var keyLinesMissing: Int
        /// Every file the ```` ```picture ```` blocks wrote, as paths in the output directory.
        public var pictures: [String]
        /// True when every check passed and every key line appeared.
        public var succeeded: Bool { checksFailed == 0 && keyLinesMissing == 0 }
    }

    let options: Options
    /// A runner with `options`.
    public init(options: Options) { self.options = options }

    /// Throws ``LessonInterrupted`` after ending the sandbox when Ctrl-C, SIGTERM or SIGHUP
    /// arrives.
    public func run(_ lesson: Lesson) throws -> Outcome {
        let out = options.print
        // Created and held by descriptor: step files are written into it, never by path.
        let output = try OutputDirectory.open(options.outputDirectory)
        let signals = try SignalPipe()
        defer { signals.remove() }
        let sandbox = try LessonSandbox(cutawayBinary: options.cutawayBinary, outputDirectory: options.outputDirectory, signals: signals)
        defer { sandbox.finish() }
        out("\(lesson.title)\n" + (lesson.goal.isEmpty ? "" : "Goal: \(lesson.goal)\n"))
        out("""
            This lesson runs in the lesson sandbox: new mount, pid, IPC, UTS and network namespaces \
            whose PID 1 is the lesson's shell, and a tmpfs at \(sandbox.lab) ($LAB, the working \
            directory). Inside it, these namespaces stand in for the host. The shell runs as root \
            on this machine's real file system. Everything the lesson makes disappears when it ends.

            """)
        if !lesson.introduction.isEmpty { out(lesson.introduction + "\n") }
        var outcome = Outcome(checksPassed: 0, checksFailed: 0, keyLinesSeen: 0, keyLinesMissing: 0, pictures: [])
        var previous = try snapshot(sandbox, step: 0, into: output)
        var lastOutput: [String] = []
        for (n, step) in lesson.steps.enumerated() {
            out("\n── \(step.title) ──")
            lastOutput = []
            for block in step.blocks {
                switch block {
                case .text(let text):
                    out("\n" + text)
                case .run(let code):
                    out("\n$ " + code.replacingOccurrences(of: "\n", with: "\n$ "))
                    lastOutput = []
                    let status = try sandbox.execute(code) { out("  " + $0); lastOutput.append($0) }
                    if status != 0 { out("  (exit status \(status))") }
                case .predict(let question):
                    out("\n? Predict: \(question)")
                    if options.interactive {
                        out("  your answer (then Enter): ")
                        _ = try readLearnerLine(signals)
                    }
                case .observe(let code):
                    out("\nObserve:")
                    for line in code.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty { out("$ " + line) }
                    lastOutput = []
                    try sandbox.execute(code) { out("  " + $0); lastOutput.append($0) }
                case .output(let excerpt):
                    let missing = excerpt.missingKeyLines(in: lastOutput)
                    outcome.keyLinesSeen += excerpt.keyLines.count - missing.count
                    outcome.keyLinesMissing += missing.count
                    for line in missing { out("✘ the lesson's text shows this line, but it did not appear above: \(line)") }
                case .check(let code, let expectation):
                    var lines: [String] = []
                    let status = try sandbox.execute(code) { lines.append($0) }
                    if status == 0 {
                        outcome.checksPassed += 1
                        out("✔ check: \(expectation)")
                    } else {
                        outcome.checksFailed += 1
                        out("✘ check failed. Expected: \(expectation)")
                        for l in lines.suffix(10) { out("    " + l) }
                    }
                case .picture(let code):
                    let before = Set((try? output.entries()) ?? [])
                    var lines: [String] = []
                    let status = try sandbox.execute(code) { lines.append($0) }
                    let after = Set((try? output.entries()) ?? [])
                    let written = after.subtracting(before).sorted().map { options.outputDirectory + "/" + $0 }
                    let redrawn = lines.filter { $0.hasPrefix("wrote ") }.map { String($0.dropFirst(6)) }
                    let files = Array(Set(written + redrawn)).sorted()
                    outcome.pictures += files
                    if status != 0 { out("  (drawing failed: \(lines.suffix(3).joined(separator: " ")))") }
                    for f in files where f.hasSuffix(".png") || f.hasSuffix(".svg") { out("Picture: \(f)") }
                }
            }
            let current = try snapshot(sandbox, step: n + 1, into: output)
            if let a = previous, let b = current {
                let diff = SnapshotDiff(from: a, to: b)
                if !diff.isEmpty {
                    out("\nWhat changed in this step (cutaway snapshot diff):")
                    for line in SnapshotDiffReport.lines(diff, in: b).prefix(20) { out("  " + line) }
                }
            }
            previous = current
            if options.interactive && n < lesson.steps.count - 1 {
                out("\n[Enter] for the next step")
                _ = try readLearnerLine(signals)
            }
        }
        if let s = signals.pending() { throw LessonInterrupted(signal: s) }
        let total = outcome.checksPassed + outcome.checksFailed
        out("\n" + (outcome.checksFailed == 0 ? "All \(total) checks passed." : "\(outcome.checksPassed) of \(total) checks passed."))
        if outcome.keyLinesMissing > 0 {
            out("\(Count.of(outcome.keyLinesMissing, "key line")) of the lesson's output excerpts did not appear: the lesson text no longer matches what the commands print.")
        }
        if !outcome.pictures.isEmpty { out("Pictures and per-step snapshots are in \(options.outputDirectory)/") }
        return outcome
    }

    /// One line from standard input; a signal meanwhile ends the wait.
    private func readLearnerLine(_ signals: SignalPipe) throws(LessonInterrupted) -> String? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            try signals.waitReadable(0)
            let n = read(0, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
            if byte == 0x0a { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
    }

    /// `cutaway snapshot --json` inside the sandbox, read from its output and kept as
    /// `$OUT/step-NN.json`, written through `output` (a temporary file renamed into place,
    /// never through a link). Nil when the snapshot could not be made or kept.
    private func snapshot(_ sandbox: LessonSandbox, step: Int, into output: OutputDirectory) throws(LessonInterrupted) -> Snapshot? {
        let name = String(format: "step-%02d.json", step)
        var json = ""
        let status = try sandbox.execute("cutaway snapshot --json 2>/dev/null") { json += $0 + "\n" }
        guard status == 0 else { return nil }
        let data = Data(json.utf8)
        do { _ = try output.write(data, to: name) } catch {
            options.print("  (the snapshot of step \(step) was not kept: \(error))")
        }
        return try? JSONDecoder().decode(Snapshot.self, from: data)
    }
}

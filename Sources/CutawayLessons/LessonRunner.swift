import CutawayModel
import Foundation

/// Runs a lesson in a ``LessonSandbox``: each step's explanation, its commands (shown, then
/// run), the prediction question, the observation through cutaway, the checks, the step's
/// diagrams, and what changed since the previous step (snapshot diff).
public final class LessonRunner {
    public struct Options {
        public var interactive: Bool
        /// Absolute path; diagrams and per-step snapshots go here.
        public var outputDirectory: String
        public var cutawayBinary: String
        /// Reads one line from the learner (interactive runs).
        public var readLine: () -> String?
        public var print: (String) -> Void

        public init(interactive: Bool, outputDirectory: String, cutawayBinary: String, readLine: @escaping () -> String?, print: @escaping (String) -> Void) {
            self.interactive = interactive; self.outputDirectory = outputDirectory; self.cutawayBinary = cutawayBinary
            self.readLine = readLine; self.print = print
        }
    }

    public struct Outcome {
        public var checksPassed: Int
        public var checksFailed: Int
        public var pictures: [String]
        public var succeeded: Bool { checksFailed == 0 }
    }

    let options: Options
    public init(options: Options) { self.options = options }

    public func run(_ lesson: Lesson) throws -> Outcome {
        let out = options.print
        try FileManager.default.createDirectory(atPath: options.outputDirectory, withIntermediateDirectories: true)
        LessonSandbox.installSignalHandlers()
        let sandbox: LessonSandbox
        do { sandbox = try LessonSandbox(cutawayBinary: options.cutawayBinary, outputDirectory: options.outputDirectory) } catch {
            throw error
        }
        defer { sandbox.finish() }
        out("\(lesson.title)\n" + (lesson.goal.isEmpty ? "" : "Goal: \(lesson.goal)\n"))
        out("This lesson runs in a sandbox of its own (new mount, pid, IPC, UTS and network namespaces, a tmpfs at \(sandbox.lab)); inside it, those namespaces play the host. Everything disappears when the lesson ends.\n")
        var outcome = Outcome(checksPassed: 0, checksFailed: 0, pictures: [])
        var previous = snapshot(sandbox, step: 0)
        for (n, step) in lesson.steps.enumerated() {
            out("\n── \(step.title) ──")
            if !step.explanation.isEmpty { out(step.explanation) }
            for block in step.blocks {
                switch block {
                case .run(let code):
                    out("\n$ " + code.replacingOccurrences(of: "\n", with: "\n$ "))
                    let status = sandbox.execute(code) { out("  " + $0) }
                    if status != 0 { out("  (exit status \(status))") }
                case .predict(let question):
                    out("\n? Predict: \(question)")
                    if options.interactive {
                        out("  your answer (then Enter): ")
                        _ = options.readLine()
                    }
                case .observe(let code):
                    out("\nObserve:")
                    for line in code.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty { out("$ " + line) }
                    sandbox.execute(code) { out("  " + $0) }
                case .check(let code, let expectation):
                    var lines: [String] = []
                    let status = sandbox.execute(code) { lines.append($0) }
                    if status == 0 {
                        outcome.checksPassed += 1
                        out("✔ check: \(expectation)")
                    } else {
                        outcome.checksFailed += 1
                        out("✘ check failed. Expected: \(expectation)")
                        for l in lines.suffix(10) { out("    " + l) }
                    }
                case .picture(let code):
                    let before = Set((try? FileManager.default.contentsOfDirectory(atPath: options.outputDirectory)) ?? [])
                    var lines: [String] = []
                    let status = sandbox.execute(code) { lines.append($0) }
                    let after = Set((try? FileManager.default.contentsOfDirectory(atPath: options.outputDirectory)) ?? [])
                    let written = after.subtracting(before).sorted().map { options.outputDirectory + "/" + $0 }
                    let redrawn = lines.filter { $0.hasPrefix("wrote ") }.map { String($0.dropFirst(6)) }
                    let files = Array(Set(written + redrawn)).sorted()
                    outcome.pictures += files
                    if status != 0 { out("  (drawing failed: \(lines.suffix(3).joined(separator: " ")))") }
                    for f in files where f.hasSuffix(".png") || f.hasSuffix(".svg") { out("Picture: \(f)") }
                }
            }
            let current = snapshot(sandbox, step: n + 1)
            if let a = previous, let b = current {
                let diff = SnapshotDiff(from: a, to: b)
                if !diff.isEmpty {
                    out("\nWhat changed in this step (cutaway snapshot diff):")
                    for line in diff.lines(in: b).prefix(20) { out("  " + line) }
                }
            }
            previous = current
            if options.interactive && n < lesson.steps.count - 1 {
                out("\n[Enter] for the next step")
                _ = options.readLine()
            }
        }
        let total = outcome.checksPassed + outcome.checksFailed
        out("\n" + (outcome.succeeded ? "All \(total) checks passed." : "\(outcome.checksPassed) of \(total) checks passed."))
        if !outcome.pictures.isEmpty { out("Pictures and per-step snapshots are in \(options.outputDirectory)/") }
        return outcome
    }

    /// `cutaway snapshot --json` inside the sandbox, kept as `$OUT/step-NN.json`.
    private func snapshot(_ sandbox: LessonSandbox, step: Int) -> Snapshot? {
        let file = options.outputDirectory + String(format: "/step-%02d.json", step)
        sandbox.execute("cutaway snapshot --json > '\(file)' 2>/dev/null") { _ in }
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        return try? JSONDecoder().decode(Snapshot.self, from: data)
    }
}

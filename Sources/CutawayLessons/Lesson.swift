import Foundation

/// A lesson: one Markdown file in `tutorials/` that reads well on its own and is the single
/// source the runner executes. Its parts, in the file's order:
///
/// - `# NN · Title` — the title; `**Goal:** …` — what the learner will see.
/// - `## Step N · Title` — a step: paragraphs of explanation, then blocks:
///   - ```` ```sh ```` commands, shown and run in the lesson's shell;
///   - `> **Predict:** question` asked before the observation (interactive runs wait for an answer);
///   - ```` ```observe ```` cutaway commands whose output is the observation;
///   - ```` ```check ```` a shell test that must succeed; its first line `# expect: …` says what
///     was expected and why, printed when it fails;
///   - ```` ```picture ```` cutaway commands that draw this step's diagrams into `$OUT`.
public struct Lesson: Sendable, Equatable {
    public var name: String
    public var title: String
    public var goal: String
    public var steps: [Step]
    /// The whole Markdown, for `lesson show`.
    public var markdown: String

    public struct Step: Sendable, Equatable {
        public var title: String
        public var explanation: String
        public var blocks: [Block]
    }

    public enum Block: Sendable, Equatable {
        case run(String)
        case predict(String)
        case observe(String)
        case check(code: String, expectation: String)
        case picture(String)
    }

    public var checkCount: Int {
        steps.reduce(0) { $0 + $1.blocks.filter { if case .check = $0 { true } else { false } }.count }
    }
}

/// What is wrong with a lesson file.
public struct LessonFormatError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var message: String
    public init(file: String, line: Int, message: String) { self.file = file; self.line = line; self.message = message }
    public var description: String { "\(file) line \(line): \(message)" }
}

/// Reads the lesson format described on ``Lesson``.
public enum LessonParser {
    public static func parse(_ markdown: String, name: String, file: String) throws(LessonFormatError) -> Lesson {
        var title = "", goal = ""
        var steps: [Lesson.Step] = []
        var current: Lesson.Step?
        var fence: (kind: String, lines: [String], start: Int)?
        let lines = markdown.components(separatedBy: "\n")
        func fail(_ n: Int, _ m: String) -> LessonFormatError { LessonFormatError(file: file, line: n + 1, message: m) }
        for (n, line) in lines.enumerated() {
            if var f = fence {
                if line.trimmingCharacters(in: .whitespaces) == "```" {
                    let code = f.lines.joined(separator: "\n")
                    guard current != nil else { throw fail(f.start, "a ```\(f.kind) block before the first '## Step'") }
                    switch f.kind {
                    case "sh": current!.blocks.append(.run(code))
                    case "observe": current!.blocks.append(.observe(code))
                    case "picture": current!.blocks.append(.picture(code))
                    case "check":
                        guard let first = f.lines.first, first.hasPrefix("# expect:") else {
                            throw fail(f.start, "a ```check block must start with '# expect: what should hold and why'")
                        }
                        current!.blocks.append(.check(code: code, expectation: first.dropFirst("# expect:".count).trimmingCharacters(in: .whitespaces)))
                    default: break // other fences (```text output, ```markdown) are illustration only
                    }
                    fence = nil
                } else {
                    f.lines.append(line)
                    fence = f
                }
                continue
            }
            if line.hasPrefix("```") {
                fence = (String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces), [], n)
            } else if line.hasPrefix("# ") && title.isEmpty {
                title = String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("## ") {
                if let c = current { steps.append(c) }
                current = Lesson.Step(title: String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces), explanation: "", blocks: [])
            } else if line.hasPrefix("**Goal:**") {
                goal = String(line.dropFirst("**Goal:**".count)).trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("> **Predict:**") {
                guard current != nil else { throw fail(n, "a prediction before the first '## Step'") }
                current!.blocks.append(.predict(String(line.dropFirst("> **Predict:**".count)).trimmingCharacters(in: .whitespaces)))
            } else if current != nil, !line.hasPrefix("![") {
                if current!.blocks.isEmpty || !line.trimmingCharacters(in: .whitespaces).isEmpty {
                    current!.explanation += (current!.explanation.isEmpty ? "" : "\n") + line
                }
            }
        }
        if let f = fence { throw fail(f.start, "a ```\(f.kind) block that is never closed") }
        if let c = current { steps.append(c) }
        guard !title.isEmpty else { throw fail(0, "no '# Title' line") }
        guard !steps.isEmpty else { throw fail(0, "no '## Step' sections") }
        return Lesson(name: name, title: title, goal: goal, steps: steps.map { s in
            var s = s
            s.explanation = s.explanation.trimmingCharacters(in: .whitespacesAndNewlines)
            return s
        }, markdown: markdown)
    }
}


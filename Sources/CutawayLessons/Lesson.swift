import Foundation

/// A lesson: one Markdown file in `tutorials/` that reads well on its own and is the single
/// source the runner executes. Its parts, in the file's order:
///
/// - `# NN · Title` — the title; `**Goal:** …` — what the learner will see; the paragraphs up
///   to the first step are its introduction.
/// - `## Step N · Title` — a step: paragraphs and blocks, printed and run **in file order**, so
///   a paragraph written after a command is read after the command ran:
///   - ```` ```sh ```` commands, shown and run in the lesson's shell;
///   - `> **Predict:** question` asked before the command that answers it (interactive runs
///     wait for an answer);
///   - ```` ```observe ```` cutaway commands whose output is the observation;
///   - ```` ```output ```` an excerpt of what the block just before it prints, for readers of
///     the page. Lines ending in ` ◀` are *key lines*: the runner checks that each one appears
///     in the real output (placeholders such as `<pid>`, `<inode>` or `<lab>` stand for
///     values that change from run to run, `…` for anything);
///   - ```` ```check ```` a shell test that must succeed; its first line `# expect: …` says what
///     was expected and why, printed when it fails;
///   - ```` ```picture ```` cutaway commands that draw this step's diagrams into `$OUT`.
public struct Lesson: Sendable, Equatable {
    /// The file name without `.md` (`01-overlay-layers`).
    public var name: String
    /// The text of the `# ` heading (`01 · Overlay layers`).
    public var title: String
    /// The text after `**Goal:**`.
    public var goal: String
    /// The paragraphs between the goal and the first step (pictures left out).
    public var introduction: String
    /// The `## Step` sections, in file order.
    public var steps: [Step]
    /// The whole Markdown, for `lesson show`.
    public var markdown: String

    /// One `## Step N · Title` section.
    public struct Step: Sendable, Equatable {
        /// The text of the `## ` heading.
        public var title: String
        /// Its paragraphs and fenced blocks, in file order.
        public var blocks: [Block]
    }

    /// One part of a step, in the order the runner prints and runs them.
    public enum Block: Sendable, Equatable {
        /// Paragraphs of explanation (blank lines between paragraphs kept).
        case text(String)
        /// A ```` ```sh ```` block: commands shown, then run in the lesson's shell.
        case run(String)
        /// A `> **Predict:**` question, asked before the command that answers it.
        case predict(String)
        /// A ```` ```observe ```` block: cutaway commands whose output is the observation.
        case observe(String)
        /// A ```` ```output ```` excerpt of what the block before it prints.
        case output(OutputExcerpt)
        /// A ```` ```check ```` shell test that must succeed, and its `# expect:` line.
        case check(code: String, expectation: String)
        /// A ```` ```picture ```` block: cutaway commands that draw into `$OUT`.
        case picture(String)
    }

    /// How many ```` ```check ```` blocks the lesson has.
    public var checkCount: Int { count { if case .check = $0 { true } else { false } } }
    /// How many key lines its output excerpts have.
    public var keyLineCount: Int { steps.flatMap(\.blocks).reduce(0) { if case .output(let e) = $1 { $0 + e.keyLines.count } else { $0 } } }

    func count(_ matching: (Block) -> Bool) -> Int { steps.reduce(0) { $0 + $1.blocks.filter(matching).count } }
}

/// What is wrong with a lesson file.
public struct LessonFormatError: Error, CustomStringConvertible, Equatable {
    /// The lesson file (`tutorials/NN-name.md` or a path in a trusted directory).
    public var file: String
    /// 1-based line of the problem; 0 when it is about the whole file.
    public var line: Int
    /// What is wrong.
    public var message: String
    /// A problem at `line` of `file`.
    public init(file: String, line: Int, message: String) { self.file = file; self.line = line; self.message = message }
    public var description: String { "\(file) line \(line): \(message)" }
}

/// Reads the lesson format described on ``Lesson``.
public enum LessonParser {
    /// Parses one lesson file; `name` becomes ``Lesson/name`` and `file` names it in errors.
    public static func parse(_ markdown: String, name: String, file: String) throws(LessonFormatError) -> Lesson {
        var title = "", goal = "", introduction: [String] = []
        var steps: [Lesson.Step] = []
        var current: Lesson.Step?
        var paragraph: [String] = []
        var fence: (kind: String, lines: [String], start: Int)?
        var lastProducer: Int? // line of the last ```sh / ```observe block of this step
        let lines = markdown.components(separatedBy: "\n")
        func fail(_ n: Int, _ m: String) -> LessonFormatError { LessonFormatError(file: file, line: n + 1, message: m) }
        func flushText() {
            let text = paragraph.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            paragraph = []
            guard !text.isEmpty else { return }
            if current != nil { current!.blocks.append(.text(text)) } else { introduction.append(text) }
        }
        for (n, line) in lines.enumerated() {
            if var f = fence {
                if line.trimmingCharacters(in: .whitespaces) == "```" {
                    let code = f.lines.joined(separator: "\n")
                    let known = ["sh", "observe", "output", "check", "picture"]
                    if known.contains(f.kind) && current == nil { throw fail(f.start, "a ```\(f.kind) block before the first '## Step'") }
                    switch f.kind {
                    case "sh": current!.blocks.append(.run(code)); lastProducer = f.start
                    case "observe": current!.blocks.append(.observe(code)); lastProducer = f.start
                    case "picture": current!.blocks.append(.picture(code))
                    case "output":
                        guard lastProducer != nil else { throw fail(f.start, "an ```output excerpt must follow the ```sh or ```observe block whose output it shows") }
                        current!.blocks.append(.output(OutputExcerpt(lines: f.lines)))
                    case "check":
                        guard let first = f.lines.first, first.hasPrefix("# expect:") else {
                            throw fail(f.start, "a ```check block must start with '# expect: what should hold and why'")
                        }
                        current!.blocks.append(.check(code: code, expectation: first.dropFirst("# expect:".count).trimmingCharacters(in: .whitespaces)))
                    default: // other fences (```text, ```markdown) are illustration only
                        paragraph.append(contentsOf: ["```" + f.kind] + f.lines + ["```"])
                    }
                    fence = nil
                } else {
                    f.lines.append(line)
                    fence = f
                }
                continue
            }
            if line.hasPrefix("```") {
                let kind = String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces)
                if ["sh", "observe", "output", "check", "picture"].contains(kind) { flushText() }
                fence = (kind, [], n)
            } else if line.hasPrefix("# ") && title.isEmpty {
                title = String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("## ") {
                flushText()
                if let c = current { steps.append(c) }
                current = Lesson.Step(title: String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces), blocks: [])
                lastProducer = nil
            } else if line.hasPrefix("**Goal:**") {
                goal = String(line.dropFirst("**Goal:**".count)).trimmingCharacters(in: .whitespaces)
                // A goal may wrap: following non-blank lines belong to it.
                var k = n + 1
                while k < lines.count, !lines[k].trimmingCharacters(in: .whitespaces).isEmpty, !lines[k].hasPrefix("#"), !lines[k].hasPrefix("![") {
                    goal += " " + lines[k].trimmingCharacters(in: .whitespaces); k += 1
                }
                paragraph = []
            } else if line.hasPrefix("> **Predict:**") {
                guard current != nil else { throw fail(n, "a prediction before the first '## Step'") }
                flushText()
                current!.blocks.append(.predict(String(line.dropFirst("> **Predict:**".count)).trimmingCharacters(in: .whitespaces)))
            } else if line.hasPrefix("![") {
                continue
            } else if !title.isEmpty, !(goal.isEmpty == false && current == nil && isGoalContinuation(lines, n)) {
                paragraph.append(line)
            }
        }
        if let f = fence { throw fail(f.start, "a ```\(f.kind) block that is never closed") }
        flushText()
        if let c = current { steps.append(c) }
        guard !title.isEmpty else { throw fail(0, "no '# Title' line") }
        guard !steps.isEmpty else { throw fail(0, "no '## Step' sections") }
        return Lesson(name: name, title: title, goal: goal, introduction: introduction.joined(separator: "\n\n"), steps: steps, markdown: markdown)
    }

    /// Whether line `n` continues a wrapped `**Goal:**` line.
    private static func isGoalContinuation(_ lines: [String], _ n: Int) -> Bool {
        var k = n
        while k > 0 {
            let l = lines[k - 1]
            if l.trimmingCharacters(in: .whitespaces).isEmpty { return false }
            if l.hasPrefix("**Goal:**") { return !lines[n].trimmingCharacters(in: .whitespaces).isEmpty }
            k -= 1
        }
        return false
    }
}

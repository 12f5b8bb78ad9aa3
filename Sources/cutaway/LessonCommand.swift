import ArgumentParser
import CutawayLessons
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Guided lessons: build a container's pieces on your own machine and watch each change.",
        discussion: """
        The lessons are the Markdown files in tutorials/ (readable on their own). `run` executes
        one step by step in a sandbox of its own: the real commands (unshare, mount,
        pivot_root, ip, …), a prediction question, the observation through cutaway, checks that
        must hold, a diagram per step, and what changed since the previous step.

        Examples:
          cutaway lesson list
          cutaway lesson show 01
          sudo cutaway lesson run 01-overlay-layers
          sudo cutaway lesson run 07 --non-interactive --output /tmp/lesson7
        """,
        subcommands: [List.self, Show.self, Run.self]
    )

    static func library() throws -> LessonLibrary {
        guard let lib = LessonLibrary.locate(executable: CommandLine.arguments[0]) else {
            throw CutawayFailure("cannot find the tutorials/ directory; run cutaway from its checkout or set CUTAWAY_TUTORIALS=/path/to/tutorials")
        }
        return lib
    }

    static func lesson(_ key: String, in lib: LessonLibrary) throws -> Lesson {
        guard let name = lib.resolve(key) else {
            throw CutawayFailure("no lesson '\(key)'; `cutaway lesson list` shows them (\(lib.names.joined(separator: ", ")))")
        }
        do { return try lib.load(name) } catch { throw CutawayFailure("\(error)") }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the lessons.")
        @Flag(help: "Print JSON: {\"lessons\": [{\"name\", \"title\"}]}.") var json = false

        func run() throws {
            let lib = try LessonCommand.library()
            let lessons = try lib.names.map { try LessonCommand.lesson($0, in: lib) }
            if json {
                struct Entry: Encodable { var name: String; var title: String; var goal: String; var steps: Int; var checks: Int }
                try JSONOutput.print(["lessons": lessons.map { Entry(name: $0.name, title: $0.title, goal: $0.goal, steps: $0.steps.count, checks: $0.checkCount) }])
            } else {
                for l in lessons { print("\(l.name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(l.title)") }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a lesson's text and commands (no root needed).")
        @Argument(help: "A lesson: its name, number or the start of its name.") var name: String
        func run() throws {
            let lib = try LessonCommand.library()
            FileHandleOutput.standardOutput(try LessonCommand.lesson(name, in: lib).markdown)
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a lesson step by step, in a sandbox that disappears afterwards (needs root).")
        @Argument(help: "A lesson: its name, number or the start of its name.") var name: String
        @Flag(help: "Do not pause between steps or wait for predictions.") var nonInteractive = false
        @Option(help: ArgumentHelp("Where the step diagrams and snapshots go (default output/lessons/NAME).", valueName: "DIR")) var output: String?

        func run() throws {
            let lib = try LessonCommand.library()
            let lesson = try LessonCommand.lesson(name, in: lib)
            guard geteuid() == 0 else {
                throw CutawayFailure("`lesson run` needs root: it creates namespaces, mounts and a sandbox. Read the lesson with `cutaway lesson show \(lesson.name)`, or run it with sudo.")
            }
            let dir = output ?? "output/lessons/\(lesson.name)"
            try DiagramWriter.ensureDirectory(dir)
            let absolute = URL(fileURLWithPath: dir).standardizedFileURL.path
            let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
            let runner = LessonRunner(options: .init(interactive: !nonInteractive, outputDirectory: absolute, cutawayBinary: binary,
                                                     readLine: { Swift.readLine() }, print: { line in FileHandleOutput.standardOutput(line + "\n") }))
            let outcome: LessonRunner.Outcome
            do { outcome = try runner.run(lesson) } catch { throw CutawayFailure("\(error)") }
            if !outcome.succeeded { throw ExitCode.failure }
        }
    }
}

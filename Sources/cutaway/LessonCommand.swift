import ArgumentParser
import CutawayLessons
import CutawayModel
import CutawayReaders
import CutawayRender
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Guided lessons: build a container's pieces on your own machine and watch each change.",
        discussion: """
        The lessons are shipped inside cutaway (their source is tutorials/ in its repository; \
        a tutorials/ directory elsewhere is never read). `run` executes one step by step as \
        root, on this machine's real file system, in the lesson sandbox: new mount, pid, IPC, \
        UTS and network namespaces whose PID 1 is the lesson's shell, a tmpfs as working \
        directory, a minimal environment. Each step: a prediction question, the real commands \
        (unshare, mount, pivot_root, ip, …), what cutaway sees, checks that must hold, a \
        diagram, and what changed since the previous step. Everything the lesson made \
        disappears when it ends, also on Ctrl-C.

        Examples:
          cutaway lesson list
          cutaway lesson show 01
          sudo cutaway lesson run 01-overlay-layers
          sudo cutaway lesson run 07 --non-interactive --output /tmp/lesson7
        """,
        subcommands: [List.self, Show.self, Run.self, Draw.self]
    )

    /// Where lessons come from: those shipped in the binary, or a directory named with
    /// `--lessons` that is owned by root and writable by nobody else.
    struct LessonSource: ParsableArguments {
        @Option(name: .customLong("lessons"), help: ArgumentHelp(
            "Use the lessons in DIR instead of those shipped with cutaway. DIR and its NN-name.md files must be owned by root and writable by nobody else.",
            valueName: "DIR"))
        var directory: String?

        func library() throws -> LessonLibrary {
            guard let directory else { return .shipped }
            do { return try LessonLibrary.trusted(directory: directory) } catch { throw CutawayFailure(error.description) }
        }
    }

    static func lesson(_ key: String, in lib: LessonLibrary) throws -> Lesson {
        guard let name = lib.resolve(key) else {
            throw CutawayFailure("no lesson '\(key)' in \(lib.source); `cutaway lesson list` shows them (\(lib.names.joined(separator: ", ")))")
        }
        do { return try lib.load(name) } catch { throw CutawayFailure("\(error)") }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the lessons.")
        @Flag(help: "Print JSON: {\"lessons\": [{\"name\", \"title\"}]}.") var json = false
        @OptionGroup var source: LessonSource

        func run() throws {
            let lib = try source.library()
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
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print a lesson's text and commands (no root needed).")
        @Argument(help: ArgumentHelp("A lesson: its name, number or the start of its name.", valueName: "LESSON")) var name: String
        @OptionGroup var source: LessonSource
        func run() throws {
            let lib = try source.library()
            FileHandleOutput.standardOutput(try LessonCommand.lesson(name, in: lib).markdown)
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run a lesson step by step, in a sandbox that disappears afterwards (needs root).",
            usage: "cutaway lesson run <LESSON> [--non-interactive] [<options>]")
        @Argument(help: ArgumentHelp("A lesson: its name, number or the start of its name.", valueName: "LESSON")) var name: String
        @Flag(help: "Do not pause between steps or wait for predictions.") var nonInteractive = false
        @Option(help: ArgumentHelp("Where the step diagrams and snapshots go (default output/lessons/NAME).", valueName: "DIR")) var output: String?
        @OptionGroup var source: LessonSource

        func run() throws {
            let lib = try source.library()
            let lesson = try LessonCommand.lesson(name, in: lib)
            guard geteuid() == 0 else {
                throw CutawayFailure("`lesson run` needs root: it creates namespaces, mounts and a sandbox. Read the lesson with `cutaway lesson show \(lesson.name)`, or run it with sudo.")
            }
            let dir = output ?? "output/lessons/\(lesson.name)"
            let absolute = URL(fileURLWithPath: dir).standardizedFileURL.path
            let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
            let runner = LessonRunner(options: .init(interactive: !nonInteractive, outputDirectory: absolute, cutawayBinary: binary,
                                                     print: { line in FileHandleOutput.standardOutput(line + "\n") }))
            let outcome: LessonRunner.Outcome
            do { outcome = try runner.run(lesson) } catch let interrupted as LessonInterrupted {
                FileHandle.standardError.write(Data("\ncutaway: \(interrupted)\n".utf8))
                // The sandbox is gone and the default action is back: end by the same signal,
                // so that the shell sees an interrupted command (status 128 + signal).
                raise(interrupted.signal)
                throw ExitCode.failure
            } catch { throw CutawayFailure("\(error)") }
            if !outcome.succeeded { throw ExitCode.failure }
        }
    }
}

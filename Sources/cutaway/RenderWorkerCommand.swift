import ArgumentParser
import CutawaySystem
import SystemPackage

/// `cutaway render-worker` (hidden): draws the diagrams a ``RenderPool`` sends on standard
/// input (``RenderWire``) and answers one line per diagram on standard output.
///
/// Graphviz's libgvc is not thread-safe, so independent diagrams are drawn in parallel by
/// worker processes, each running this command. It exits at the end of input. Memory
/// Graphviz would free after each diagram is left to the exit: the worker lives for one
/// snapshot.
struct RenderWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render-worker",
        abstract: "Internal: draw diagrams sent on standard input (used by snapshot and render).",
        shouldDisplay: false
    )

    func run() throws {
        let input = DescriptorReader(.standardInput)
        while let job = try RenderWire.readRequest(from: input) {
            var failure: (any Error)?
            do { try job.draw(releasing: false) } catch { failure = error }
            guard (try? FileDescriptor.standardOutput.writeAll(RenderWire.reply(failure))) != nil else { return }
        }
    }
}

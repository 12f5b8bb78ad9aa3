import ArgumentParser
import CutawayModel

/// `--unfold`, `--pid PID`, `--container NAME`: how much of a busy host a view shows.
/// `namespaces` draws or lists the focus; `snapshot` and `render` limit their diagrams and
/// page to it (snapshot.json stays whole).
struct FocusOptions: ParsableArguments {
    @Flag(help: "Show every namespace and mount table: do not fold alike ones into one line, box or diagram.")
    var unfold = false

    @Option(help: ArgumentHelp("Focus on one process: its namespaces, their ancestors and owners, and what shares them.", valueName: "PID"))
    var pid: Int32?

    @Option(help: ArgumentHelp("Focus on a container's PID 1 (name, id or id prefix).", valueName: "NAME"))
    var container: String?

    func validate() throws {
        if pid != nil && container != nil { throw ValidationError("give --pid or --container, not both") }
    }

    /// The focus asked for (nil for neither), with a user-facing error when it is not there.
    func focus(_ snapshot: Snapshot) throws -> Focus? {
        do {
            if let pid { return try Focus(snapshot: snapshot, pid: pid) }
            if let container { return try Focus(snapshot: snapshot, container: container) }
            return nil
        } catch let error as Focus.NotFound { throw CutawayFailure(error.description) }
    }
}

import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The `cutaway` command. Exit statuses: ``ExitStatus``.
@main
struct Cutaway: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cutaway",
        abstract: "Draw the inside of Linux containers: namespaces, mounts, id maps, as the kernel built them.",
        discussion: """
        cutaway reads the live kernel (/proc) or a capture of it and explains what it finds.
        Run as root to see every process; without root it shows what it can and says what is missing.

        Examples:
          cutaway namespaces            every namespace, by owning user namespace
          cutaway mounts --pid 1234     the mount tree of pid 1234, with peer groups
          cutaway idmap --pid 1234      uid/gid maps from the host down to pid 1234
          cutaway layers DIR|NAME       overlay layers; which layer each file is from
          cutaway net                   devices, addresses, routes, veth pairs
          cutaway ipc                   System V objects, POSIX message queues
          cutaway snapshot              everything, with diagrams and index.html
          cutaway render FILE.json      draw a saved snapshot (e.g. another host's)
          cutaway capture /tmp/host-a   copy what cutaway reads, to analyse elsewhere
          cutaway lesson list           lessons: build a container piece by piece
        """,
        version: "0.1.0",
        subcommands: [NamespacesCommand.self, MountsCommand.self, IDMapCommand.self, LayersCommand.self, SnapshotCommand.self, NetCommand.self, IPCCommand.self, RenderCommand.self, CaptureCommand.self, LessonCommand.self]
    )

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let outcome = ExitStatus.of(error, command: Cutaway.self)
            if let text = outcome.stdout { print(text) }
            if let text = outcome.stderr { FileHandleOutput.standardError(text + "\n") }
            Glibc.exit(outcome.status.rawValue)
        }
    }
}

/// A failure the user can act on; printed as `cutaway: MESSAGE`, exit status 1.
struct CutawayFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

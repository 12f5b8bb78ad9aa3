import ArgumentParser
import CutawayReaders
import CutawayRender

struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Copy the /proc text cutaway reads into DIR, to analyse it elsewhere.",
        discussion: """
        DIR gets the same shape as /proc, holding only what cutaway reads: per \
        process its status, stat, comm, cmdline, namespace links (as symlinks), \
        mountinfo (one process per mount namespace), uid_map/gid_map/setgroups \
        (one per user namespace), namespace fds; and cutaway-capture.json with the \
        nsfs ioctl answers and the reads that were refused. Every view reads it \
        back with --proc DIR.

        DIR is created mode 0700 (an existing one must be empty and yours, and is \
        made 0700); everything in it is written through descriptors, never \
        through a link, and command lines are mode 0600. Reading a capture back \
        reads only regular files beneath DIR.

        Examples:
          cutaway capture /tmp/host-a
          cutaway namespaces --proc /tmp/host-a
        """
    )

    @Argument(help: ArgumentHelp("A new or empty directory.", valueName: "DIR"))
    var directory: String

    @Flag(help: "Do not copy process command lines (they can hold secrets); processes keep their short name.")
    var omitCommandLines = false

    func run() throws {
        let recorder: RecordingProcSource
        do { recorder = try RecordingProcSource.live(into: directory, omitCommandLines: omitCommandLines) } catch { throw CutawayFailure(error.description) }
        let snapshot = SnapshotScanner(source: recorder).scan()
        do { try recorder.finish() } catch { throw CutawayFailure(error.description) }
        for problem in recorder.writeErrors.prefix(5) { FileHandleOutput.standardError("cutaway: \(problem)\n") }
        if !recorder.writeErrors.isEmpty { throw CutawayFailure("\(Count.of(recorder.writeErrors.count, "file")) could not be written into \(directory); the capture is incomplete") }
        FileHandleOutput.standardOutput(SnapshotReport.summary(snapshot) + "captured into \(directory); read it with --proc \(directory)\n" + VisibilityReport.render(snapshot.visibility))
    }
}

import ArgumentParser
import CutawayModel
import CutawayRender
import CutawayReaders
import CutawayGraphviz
import CutawaySystem
import Foundation
import SystemPackage

struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Read everything at once and save it: snapshot.json, report.txt, diagrams, index.html.",
        usage: "cutaway snapshot [--output <DIR> | --json] [--pid <PID>] [<options>]",
        discussion: """
        Writes DIR/snapshot.json (the whole model, see the README's JSON contract), \
        DIR/report.txt, one SVG diagram per view (namespaces.svg, network.svg, ipc.svg, \
        mounts-<ns>.svg per mount namespace, overlay-<name>.svg per overlay mount, \
        container-<name>.svg per container) \
        and DIR/index.html, one self-contained page with the report and every diagram; then \
        prints a short summary. --format png,pdf,dot adds those formats. With --json, prints the \
        snapshot to standard output and writes nothing. Re-read a saved snapshot with any view's \
        --from, or draw it again (on any machine) with `cutaway render`.

        Examples:
          cutaway snapshot                 writes output/snapshot-<host>-<time>/
          cutaway snapshot --output /tmp/snap
          cutaway snapshot --json > host.json
          cutaway snapshot --pid 1234      diagrams and page of one process only
        """
    )

    @Option(help: ArgumentHelp("Where to write (default output/snapshot-<host>-<time>).", valueName: "DIR"))
    var output: String?

    @Flag(help: "Print the snapshot as JSON to standard output and write no files.")
    var json = false

    @OptionGroup var source: SourceOptions

    @OptionGroup var scope: FocusOptions

    @OptionGroup var format: FormatOption

    func validate() throws {
        if json && output != nil { throw ValidationError("--json prints to standard output and writes no files; drop --output or --json") }
    }

    func run() throws {
        var snapshot = try source.load()
        if snapshot.origin == .live { snapshot.overlays = OverlayReader.pictures(for: snapshot) }
        if json {
            UntilExit.keep(snapshot)
            try JSONOutput.print(snapshot)
            return
        }
        // The host name comes from data (a saved snapshot can say anything): sanitised.
        let path = output ?? "output/snapshot-\(FileNameSanitiser.component(snapshot.hostname))-\(Self.stamp(snapshot.takenAt))"
        // report.txt is read in terminals too: no control sequence from data in it.
        let report = TerminalText.escapeKeepingLines(SnapshotReport.render(snapshot))
        let directory = try DiagramWriter.open(path)
        let dir = directory.path
        // snapshot.json holds every process's command line: owner-only.
        do {
            try directory.writeStreaming(to: "snapshot.json", permissions: [.ownerReadWrite]) { fd in
                try JSONStreamEncoder().write(snapshot, to: fd, trailingNewline: false)
            }
        } catch { throw CutawayFailure("\(error)") }
        try DiagramWriter.write(Array(report.utf8), name: "report.txt", in: directory)
        let focus = try scope.focus(snapshot)
        let diagrams = try GalleryWriter.write(snapshot, report: report, to: directory, formats: format.formats, fold: !scope.unfold, focus: focus)
        var summary = SnapshotReport.summary(snapshot)
        summary += "wrote \(dir)/snapshot.json\nwrote \(dir)/report.txt\n"
        summary += "wrote \(Count.of(diagrams.count - 1, "diagram file")) and \(dir)/index.html (open it in a browser)\n"
        summary += VisibilityReport.render(snapshot.visibility)
        FileHandleOutput.standardOutput(summary)
    }

    /// `2026-11-29T01:06:50Z` -> `20261129-010650`, safe in a directory name.
    static func stamp(_ iso: String) -> String {
        let digits = iso.filter { $0.isNumber || $0 == "T" }
        guard digits.count >= 15, let t = digits.firstIndex(of: "T") else { return digits }
        return digits[..<t] + "-" + digits[digits.index(after: t)...].prefix(6)
    }
}

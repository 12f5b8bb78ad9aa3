import ArgumentParser
import CutawayModel
import CutawayRender
import CutawayReaders
import CutawayGraphviz
import Foundation

struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Read everything at once and save it: snapshot.json, report.txt, diagrams, index.html.",
        discussion: """
        Writes DIR/snapshot.json (the whole model, see the README's JSON contract),
        DIR/report.txt, one SVG diagram per view (namespaces.svg, network.svg, ipc.svg,
        mounts-<ns>.svg per mount namespace, overlay-<name>.svg per overlay mount,
        container-<name>.svg per container)
        and DIR/index.html, one self-contained page with the report and every diagram; then
        prints a short summary. --format png,pdf,dot adds those formats. With --json, prints the
        snapshot to standard output and writes nothing. Re-read a saved snapshot with any view's
        --from, or draw it again (on any machine) with `cutaway render`.

        Examples:
          cutaway snapshot                          writes output/snapshot-<host>-<time>/
          cutaway snapshot --output /tmp/snap
          cutaway snapshot --json > host.json
          cutaway snapshot --pid 1234               diagrams and page of one process only
        """
    )

    @Option(help: ArgumentHelp("Where to write (default output/snapshot-<host>-<time>).", valueName: "DIR"))
    var output: String?

    @Flag(help: "Print the snapshot as JSON to standard output and write no files.")
    var json = false

    @OptionGroup var source: SourceOptions

    @OptionGroup var scope: FocusOptions

    @Option(name: .customLong("format"), help: ArgumentHelp("Also write the diagrams as png, pdf or dot (SVG is always written).", valueName: "FORMAT"))
    var formats: [String] = []

    func validate() throws {
        if json && output != nil { throw ValidationError("--json prints to standard output and writes no files; drop --output or --json") }
    }

    func run() throws {
        var snapshot = try source.load()
        if snapshot.origin == "live" { snapshot.overlays = OverlayReader.pictures(for: snapshot) }
        if json {
            FileHandleOutput.standardOutput(try JSONOutput.string(snapshot))
            return
        }
        let dir = output ?? "output/snapshot-\(snapshot.hostname)-\(Self.stamp(snapshot.takenAt))"
        let fm = FileManager.default
        let report = SnapshotReport.render(snapshot)
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try JSONOutput.encoder().encode(snapshot).write(to: URL(fileURLWithPath: dir + "/snapshot.json"))
            try Data(report.utf8).write(to: URL(fileURLWithPath: dir + "/report.txt"))
        } catch {
            throw CutawayFailure("cannot write to \(dir): \(error.localizedDescription) (choose another place with --output DIR)")
        }
        let focus = try scope.focus(snapshot)
        let diagrams = try GalleryWriter.write(snapshot, report: report, to: dir, formats: try DiagramOptions.parse(formats), fold: !scope.unfold, focus: focus)
        var summary = SnapshotReport.summary(snapshot)
        summary += "wrote \(dir)/snapshot.json\nwrote \(dir)/report.txt\n"
        summary += "wrote \(diagrams.count - 1) diagram files and \(dir)/index.html (open it in a browser)\n"
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

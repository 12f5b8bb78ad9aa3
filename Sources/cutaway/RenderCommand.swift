import ArgumentParser
import CutawayGraphviz
import CutawayModel
import CutawayRender
import Foundation

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Draw a saved snapshot: its diagrams, report.txt and index.html.",
        usage: "cutaway render <SNAPSHOT.json> [--output <DIR>] [<options>]",
        discussion: """
        Renders a snapshot.json written by `cutaway snapshot` (for example one taken on another \
        host) without reading this machine: namespaces, every mount namespace, the overlay \
        stacks and containers it recorded. SVG is always written; --format png,pdf,dot adds \
        those formats.

        Examples:
          cutaway render host-a/snapshot.json
          cutaway render host-a/snapshot.json --output /tmp/host-a --format png
        """
    )

    @Argument(help: ArgumentHelp("A snapshot.json saved by `cutaway snapshot`.", valueName: "SNAPSHOT.json"))
    var snapshotFile: String

    @Option(help: ArgumentHelp("Where to write (default output/render-<host>-<time>).", valueName: "DIR"))
    var output: String?

    @OptionGroup var format: FormatOption

    @OptionGroup var scope: FocusOptions

    func run() throws {
        var options = SourceOptions()
        options.snapshotFile = snapshotFile
        let snapshot = try options.load()
        let dir = output ?? "output/render-\(SnapshotDiagrams.fileName(snapshot.hostname))-\(SnapshotCommand.stamp(snapshot.takenAt))"
        let report = TerminalText.escapeKeepingLines(SnapshotReport.render(snapshot))
        let directory = try DiagramWriter.open(dir)
        try DiagramWriter.write(Array(report.utf8), name: "report.txt", in: directory)
        let focus = try scope.focus(snapshot)
        let written = try GalleryWriter.write(snapshot, report: report, to: directory, formats: format.formats, fold: !scope.unfold, focus: focus)
        for path in written { FileHandleOutput.standardOutput("wrote \(path)\n") }
    }
}

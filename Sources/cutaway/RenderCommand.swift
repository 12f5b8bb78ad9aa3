import ArgumentParser
import CutawayGraphviz
import CutawayModel
import CutawayRender
import Foundation

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Draw a saved snapshot: its diagrams, report.txt and index.html.",
        discussion: """
        Renders a snapshot.json written by `cutaway snapshot` (for example one taken on another
        host) without reading this machine: namespaces, every mount namespace, the overlay
        stacks and containers it recorded.

        Examples:
          cutaway render host-a/snapshot.json
          cutaway render host-a/snapshot.json --output /tmp/host-a --format png
        """
    )

    @Argument(help: ArgumentHelp("A snapshot.json saved by `cutaway snapshot`.", valueName: "SNAPSHOT.json"))
    var snapshotFile: String

    @Option(help: ArgumentHelp("Where to write (default output/render-<host>-<time>).", valueName: "DIR"))
    var output: String?

    @Option(name: .customLong("format"), help: ArgumentHelp("Also write the diagrams as png, pdf or dot (SVG is always written).", valueName: "FORMAT"))
    var formats: [String] = []

    @OptionGroup var scope: FocusOptions

    func validate() throws { _ = try DiagramOptions.parse(formats) }

    func run() throws {
        var options = SourceOptions()
        options.snapshotFile = snapshotFile
        let snapshot = try options.load()
        let dir = output ?? "output/render-\(SnapshotDiagrams.fileName(snapshot.hostname))-\(SnapshotCommand.stamp(snapshot.takenAt))"
        let report = SnapshotReport.render(snapshot)
        try DiagramWriter.ensureDirectory(dir)
        do { try Data(report.utf8).write(to: URL(fileURLWithPath: dir + "/report.txt")) } catch {
            throw CutawayFailure("cannot write \(dir)/report.txt: \(error.localizedDescription)")
        }
        let focus = try scope.focus(snapshot)
        let written = try GalleryWriter.write(snapshot, report: report, to: dir, formats: try DiagramOptions.parse(formats), fold: !scope.unfold, focus: focus)
        for path in written { print("wrote \(path)") }
    }
}

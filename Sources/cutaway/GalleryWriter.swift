import CutawayGraphviz
import CutawayModel
import CutawayRender
import CutawaySystem
import Foundation
import SystemPackage

/// Writes a snapshot's diagrams (SVG always, plus any other requested format) and index.html.
enum GalleryWriter {
    /// Item names are already plain file names (``SnapshotDiagrams/fileName(_:)``).
    static func write(_ snapshot: Snapshot, report: String, to dir: OutputDirectory, formats: [DiagramFormat]) throws -> [String] {
        var written: [String] = []
        var rendered: [(SnapshotDiagrams.Item, svg: Data)] = []
        for item in SnapshotDiagrams.items(snapshot) {
            let svg: Data
            do { svg = try GraphvizRenderer.render(item.dot, as: .svg) } catch { throw CutawayFailure("\(item.name): \(error)") }
            written.append(try DiagramWriter.write(svg, name: "\(item.name).svg", in: dir))
            rendered.append((item, svg))
            for format in formats where format != .svg {
                written.append(try DiagramWriter.write(item.dot, format: format, name: item.name, in: dir))
            }
        }
        written.append(try DiagramWriter.write(Array(SnapshotDiagrams.html(snapshot, report: report, rendered: rendered).utf8), name: "index.html", in: dir))
        return written
    }
}

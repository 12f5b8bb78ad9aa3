import CutawayGraphviz
import CutawayModel
import CutawayRender
import Foundation

/// Writes a snapshot's diagrams (SVG always, plus any other requested format) and index.html.
enum GalleryWriter {
    static func write(_ snapshot: Snapshot, report: String, to dir: String, formats: [DiagramFormat]) throws -> [String] {
        try DiagramWriter.ensureDirectory(dir)
        var written: [String] = []
        var rendered: [(SnapshotDiagrams.Item, svg: Data)] = []
        for item in SnapshotDiagrams.items(snapshot) {
            let svg: Data
            do { svg = try GraphvizRenderer.render(item.dot, as: .svg) } catch { throw CutawayFailure("\(item.name): \(error)") }
            let path = "\(dir)/\(item.name).svg"
            do { try svg.write(to: URL(fileURLWithPath: path)) } catch { throw CutawayFailure("cannot write \(path): \(error.localizedDescription)") }
            written.append(path)
            rendered.append((item, svg))
            for format in formats where format != .svg {
                written.append(try DiagramWriter.write(item.dot, format: format, to: "\(dir)/\(item.name).\(format.fileExtension)"))
            }
        }
        let page = "\(dir)/index.html"
        do { try Data(SnapshotDiagrams.html(snapshot, report: report, rendered: rendered).utf8).write(to: URL(fileURLWithPath: page)) } catch {
            throw CutawayFailure("cannot write \(page): \(error.localizedDescription)")
        }
        written.append(page)
        return written
    }
}

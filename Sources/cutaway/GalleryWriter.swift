import CutawayGraphviz
import CutawayModel
import CutawayRender
import Foundation

/// Writes a snapshot's diagrams (SVG always, plus any other requested format) and index.html,
/// the explorer page that shows them. Alike namespace sets and mount tables of one shape get
/// one diagram per group (`fold: false`: one per namespace); a `focus` limits the diagrams and
/// the page to one process or container. Progress goes to standard error on a terminal.
enum GalleryWriter {
    static func write(_ snapshot: Snapshot, report: String, to dir: String, formats: [DiagramFormat],
                      fold: Bool = true, focus: Focus? = nil) throws -> [String] {
        try DiagramWriter.ensureDirectory(dir)
        var written: [String] = []
        let items = SnapshotDiagrams.items(snapshot, fold: fold, focus: focus)
        var progress = ProgressReporter("rendering", total: items.count)
        defer { progress.finish() }
        for (n, item) in items.enumerated() {
            progress.update(n)
            let svg: Data
            do { svg = try GraphvizRenderer.render(item.dot, as: .svg) } catch { throw CutawayFailure("\(item.name): \(error)") }
            let path = "\(dir)/\(item.name).svg"
            do { try svg.write(to: URL(fileURLWithPath: path)) } catch { throw CutawayFailure("cannot write \(path): \(error.localizedDescription)") }
            written.append(path)
            for format in formats where format != .svg {
                written.append(try DiagramWriter.write(item.dot, format: format, to: "\(dir)/\(item.name).\(format.fileExtension)"))
            }
        }
        let page = "\(dir)/index.html"
        progress.update(items.count)
        do { try Data(SnapshotDiagrams.html(snapshot, report: report, items: items, focus: focus).utf8).write(to: URL(fileURLWithPath: page)) } catch {
            throw CutawayFailure("cannot write \(page): \(error.localizedDescription)")
        }
        written.append(page)
        return written
    }
}

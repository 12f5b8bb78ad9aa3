import CutawayGraphviz
import CutawayModel
import CutawayRender
import Foundation

/// Writes a snapshot's diagrams (SVG always, plus any other requested format) and index.html.
enum GalleryWriter {
    /// Every diagram is laid out once and drawn in all its formats by the ``RenderPool``'s
    /// worker processes, on every core; the page is written even when some diagram failed,
    /// and then the failures are reported (exit status 1).
    static func write(_ snapshot: Snapshot, report: String, to dir: String, formats: [DiagramFormat]) throws -> [String] {
        try DiagramWriter.ensureDirectory(dir)
        let items = SnapshotDiagrams.items(snapshot)
        let wanted = [DiagramFormat.svg] + formats.filter { $0 != .svg }
        let jobs = items.map { RenderJob(name: $0.name, dot: $0.dot, base: "\(dir)/\($0.name)", formats: wanted) }
        let errors = RenderPool.run(jobs)
        var written: [String] = []
        var rendered: [(SnapshotDiagrams.Item, svg: Data)] = []
        var failures: [String] = []
        for (item, error) in zip(items, errors) {
            if let error { failures.append("\(item.name): \(error)"); continue }
            let svgPath = "\(dir)/\(item.name).svg"
            guard let svg = try? Data(contentsOf: URL(fileURLWithPath: svgPath)) else {
                failures.append("\(item.name): \(svgPath) was not written"); continue
            }
            rendered.append((item, svg))
            written += wanted.map { "\(dir)/\(item.name).\($0.fileExtension)" }
        }
        let page = "\(dir)/index.html"
        do { try Data(SnapshotDiagrams.html(snapshot, report: report, rendered: rendered).utf8).write(to: URL(fileURLWithPath: page)) } catch {
            throw CutawayFailure("cannot write \(page): \(error.localizedDescription)")
        }
        written.append(page)
        if !failures.isEmpty {
            throw CutawayFailure("\(failures.count) of \(items.count) diagrams could not be drawn (the others and \(page) were written):\n  " + failures.joined(separator: "\n  "))
        }
        return written
    }
}

import CutawayGraphviz
import CutawayModel
import CutawayRender
import CutawaySystem
import Foundation
import SystemPackage

/// Writes a snapshot's diagrams (SVG always, plus any other requested format) and index.html,
/// the explorer page that shows them. Alike namespace sets and mount tables of one shape get
/// one diagram per group (`fold: false`: one per namespace); a `focus` limits the diagrams and
/// the page to one process or container. Progress goes to standard error on a terminal.
enum GalleryWriter {
    /// Every diagram is laid out once and drawn in all its formats by the ``RenderPool``'s
    /// worker processes, on every core; the page is written even when some diagram failed,
    /// and then the failures are reported (exit status 1).
    /// Item names are already plain file names (``SnapshotDiagrams/fileName(_:)``); the
    /// workers and the page write through ``DiagramWriter`` (no links followed).
    static func write(_ snapshot: Snapshot, report: String, to directory: OutputDirectory, formats: [DiagramFormat],
                      fold: Bool = true, focus: Focus? = nil) throws -> [String] {
        let dir = directory.path
        let items = SnapshotDiagrams.items(snapshot, fold: fold, focus: focus)
        let wanted = [DiagramFormat.svg] + formats.filter { $0 != .svg }
        let jobs = items.map { RenderJob(name: $0.name, dot: $0.dot, base: "\(dir)/\($0.name)", formats: wanted) }
        let progress = SharedProgress(ProgressReporter("rendering", total: items.count))
        let errors = RenderPool.run(jobs) { done in progress.update(done) }
        progress.finish()
        var written: [String] = []
        var failures: [String] = []
        for (item, error) in zip(items, errors) {
            if let error { failures.append("\(item.name): \(error)"); continue }
            written += wanted.map { "\(dir)/\(item.name).\($0.fileExtension)" }
        }
        let page = try DiagramWriter.write(Array(SnapshotDiagrams.html(snapshot, report: report, items: items, focus: focus).utf8), name: "index.html", in: directory)
        written.append(page)
        if !failures.isEmpty {
            throw CutawayFailure("\(failures.count) of \(Count.of(items.count, "diagram")) could not be drawn (the others and \(page) were written):\n  " + failures.joined(separator: "\n  "))
        }
        return written
    }

    /// The progress line, updated by whichever worker thread finished a diagram.
    final class SharedProgress: @unchecked Sendable {
        private let lock = NSLock()
        private var reporter: ProgressReporter
        init(_ reporter: ProgressReporter) { self.reporter = reporter }
        func update(_ done: Int) { lock.lock(); reporter.update(done); lock.unlock() }
        func finish() { lock.lock(); reporter.finish(); lock.unlock() }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `rendering 120/303` on standard error while long work runs, rewritten in place, and
/// only when standard error is a terminal: pipes, files and CI logs get nothing extra.
struct ProgressReporter {
    let label: String
    let total: Int
    let enabled: Bool
    private var last = -1
    private var lastTime = Date.distantPast

    init(_ label: String, total: Int, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label; self.total = total; self.enabled = enabled && total > 1
    }

    /// Reports `done` of `total`, at most ten times a second (and always the last one).
    mutating func update(_ done: Int) {
        guard enabled, done != last else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastTime) >= 0.1 else { return }
        last = done; lastTime = now
        FileHandle.standardError.write(Data("\r\u{1B}[K\(label) \(done)/\(total)".utf8))
    }

    /// Clears the line.
    func finish() {
        guard enabled, last >= 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

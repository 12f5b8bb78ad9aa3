import ArgumentParser
import CutawayGraphviz
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One diagram to draw: its DOT and the files to write, `<base>.<format>` for each format.
struct RenderJob {
    var name: String
    var dot: String
    var base: String
    var formats: [DiagramFormat]
}

/// `cutaway render-worker` (hidden): draws the diagrams a ``RenderPool`` sends on standard
/// input and answers one line per diagram on standard output.
///
/// Graphviz's libgvc is not thread-safe, so independent diagrams are drawn in parallel by
/// worker processes, each running this command. Each request is the line
/// `FORMATS PATHBYTES DOTBYTES` followed by the base path and the DOT text; the worker lays
/// the graph out once, renders every format from that layout, writes `<base>.<format>`
/// and answers `ok` or `error MESSAGE`. It exits at end of input. Memory Graphviz would
/// free after each diagram is left to the exit: the worker lives for one snapshot.
struct RenderWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render-worker",
        abstract: "Internal: draw diagrams sent on standard input (used by snapshot and render).",
        shouldDisplay: false
    )

    func run() throws {
        let input = ByteReader(fd: STDIN_FILENO)
        while let header = input.line() {
            let fields = header.split(separator: " ")
            guard fields.count == 3, let pathBytes = Int(fields[1]), let dotBytes = Int(fields[2]),
                  let path = input.bytes(pathBytes), let dot = input.bytes(dotBytes) else {
                throw CutawayFailure("render-worker: malformed request")
            }
            let formats = fields[0].split(separator: ",").compactMap { DiagramFormat(rawValue: String($0)) }
            let base = String(decoding: path, as: UTF8.self)
            var reply = "ok\n"
            do {
                let rendered = try GraphvizRenderer.render(String(decoding: dot, as: UTF8.self), as: formats, releasing: false)
                for format in formats {
                    try DiagramWriter.write(rendered[format]!, toPath: "\(base).\(format.fileExtension)")
                }
            } catch {
                reply = "error \(String(describing: error).replacingOccurrences(of: "\n", with: " "))\n"
            }
            guard RenderPool.writeAll(STDOUT_FILENO, Array(reply.utf8)) else { return }
        }
    }
}

/// Draws diagrams on every core: one ``RenderWorkerCommand`` process per core (posix_spawn
/// of `/proc/self/exe`, never a shell), fed the largest diagrams first. A worker that dies
/// (Graphviz crashed on a graph) costs that one diagram, which is reported, and is replaced.
/// Every worker is waited for by pid; none outlives the call.
enum RenderPool {
    /// One error message per job, nil where the files were written. `progress` is told how
    /// many jobs are done after each one (from the worker threads, one call at a time).
    static func run(_ jobs: [RenderJob], progress: @escaping @Sendable (Int) -> Void = { _ in }) -> [String?] {
        guard !jobs.isEmpty else { return [] }
        signal(SIGPIPE, SIG_IGN) // a dead worker's pipe must fail a write, not kill cutaway
        let order = jobs.indices.sorted { jobs[$0].dot.utf8.count > jobs[$1].dot.utf8.count }
        let results = Results(count: jobs.count, progress: progress)
        let workers = min(max(1, ProcessInfo.processInfo.activeProcessorCount), jobs.count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var worker: Worker?
            while let index = results.next(order) {
                let job = jobs[index]
                if worker == nil { worker = Worker.start() }
                guard let w = worker else {
                    results.set(index, inProcess(job)) // could not spawn: draw it here
                    continue
                }
                if let reply = w.send(job) {
                    results.set(index, reply == "ok" ? nil : String(reply.dropFirst("error ".count)))
                } else {
                    results.set(index, "Graphviz stopped while drawing it (\(w.finish()))")
                    worker = nil
                }
            }
            _ = worker?.finish()
        }
        return results.values
    }

    /// Draws in this process (when no worker can be started).
    static func inProcess(_ job: RenderJob) -> String? {
        do {
            let rendered = try GraphvizRenderer.render(job.dot, as: job.formats)
            for format in job.formats { try DiagramWriter.write(rendered[format]!, toPath: "\(job.base).\(format.fileExtension)") }
            return nil
        } catch {
            return "\(error)"
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
    }

    /// The shared queue of jobs and their results.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var cursor = 0
        private var done = 0
        private let progress: @Sendable (Int) -> Void
        private(set) var values: [String?]
        init(count: Int, progress: @escaping @Sendable (Int) -> Void) {
            values = Array(repeating: nil, count: count)
            self.progress = progress
        }
        func next(_ order: [Int]) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard cursor < order.count else { return nil }
            cursor += 1
            return order[cursor - 1]
        }
        func set(_ index: Int, _ value: String?) {
            lock.lock(); defer { lock.unlock() }
            values[index] = value
            done += 1
            progress(done)
        }
    }

    /// One worker process and its two pipes.
    final class Worker {
        let pid: pid_t
        let requests: Int32
        let replies: ByteReader

        private init(pid: pid_t, requests: Int32, replies: Int32) {
            self.pid = pid; self.requests = requests; self.replies = ByteReader(fd: replies)
        }

        /// Pipes are made and marked close-on-exec under this lock, so that no other worker
        /// is spawned in between and inherits them (pipe2 is not in Swift's Glibc module).
        private static let spawning = NSLock()

        static func start() -> Worker? {
            spawning.lock(); defer { spawning.unlock() }
            var toWorker: [Int32] = [0, 0], fromWorker: [Int32] = [0, 0]
            guard pipe(&toWorker) == 0 else { return nil }
            guard pipe(&fromWorker) == 0 else { close(toWorker[0]); close(toWorker[1]); return nil }
            for fd in toWorker + fromWorker { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, toWorker[0], 0)
            posix_spawn_file_actions_adddup2(&actions, fromWorker[1], 1)
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var none = sigset_t(), defaults = sigset_t()
            sigemptyset(&none)
            sigemptyset(&defaults); sigaddset(&defaults, SIGPIPE); sigaddset(&defaults, SIGINT); sigaddset(&defaults, SIGTERM)
            posix_spawnattr_setsigmask(&attributes, &none)
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
            var pid: pid_t = 0
            let argv: [UnsafeMutablePointer<CChar>?] = [strdup("cutaway"), strdup("render-worker"), nil]
            defer { argv.forEach { free($0) } }
            let status = posix_spawn(&pid, "/proc/self/exe", &actions, &attributes, argv, environ)
            close(toWorker[0]); close(fromWorker[1])
            guard status == 0 else { close(toWorker[1]); close(fromWorker[0]); return nil }
            return Worker(pid: pid, requests: toWorker[1], replies: fromWorker[0])
        }

        /// Sends one job; the reply line, or nil if the worker died.
        func send(_ job: RenderJob) -> String? {
            let path = Array(job.base.utf8), dot = Array(job.dot.utf8)
            let header = "\(job.formats.map(\.rawValue).joined(separator: ",")) \(path.count) \(dot.count)\n"
            guard RenderPool.writeAll(requests, Array(header.utf8) + path + dot) else { return nil }
            return replies.line()
        }

        /// Ends input, waits for the worker by pid; how it ended.
        func finish() -> String {
            close(requests)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            close(replies.fd)
            let signal = status & 0x7f
            return signal == 0 ? "worker exit status \((status >> 8) & 0xff)" : "worker killed by signal \(signal)"
        }
    }
}

/// Buffered reads of lines and exact byte counts from a descriptor.
final class ByteReader {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0

    init(fd: Int32) { self.fd = fd }

    private func fill() -> Bool {
        if start > 0 { buffer.removeFirst(start); start = 0 }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
    }

    /// The next line without its newline; nil at end of input.
    func line() -> String? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) {
                let text = String(decoding: buffer[start..<nl], as: UTF8.self)
                start = nl + 1
                return text
            }
            guard fill() else { return nil }
        }
    }

    /// Exactly `count` bytes; nil if input ends first.
    func bytes(_ count: Int) -> [UInt8]? {
        while buffer.count - start < count { guard fill() else { return nil } }
        let out = Array(buffer[start..<(start + count)])
        start += count
        return out
    }
}

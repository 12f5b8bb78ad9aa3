#if canImport(Glibc)
import Glibc
#endif
import CutawaySystem
import Dispatch
import Foundation
import SystemPackage

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
                if worker == nil { worker = try? Worker() }
                guard let w = worker else {
                    // Could not spawn: draw it here.
                    results.set(index, Result { try job.draw() }.failure.map { "\($0)" })
                    continue
                }
                if let reply = w.send(job) {
                    results.set(index, RenderWire.failure(inReply: reply))
                } else {
                    results.set(index, "Graphviz stopped while drawing it (\(w.finish()))")
                    worker = nil
                }
            }
            _ = worker?.finish()
        }
        return results.values
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
        let process: ChildProcess
        let requests: FileDescriptor
        let replies: DescriptorReader

        /// Starts `cutaway render-worker` with a pipe as its standard input and one as its
        /// standard output; SIGPIPE, SIGINT and SIGTERM at their defaults in it.
        init() throws {
            let toWorker = try PipePair()
            let fromWorker: PipePair
            do { fromWorker = try PipePair() } catch { try? toWorker.readEnd.close(); try? toWorker.writeEnd.close(); throw error }
            defer { try? toWorker.readEnd.close(); try? fromWorker.writeEnd.close() }
            do {
                process = try ChildProcess.spawn("/proc/self/exe", arguments: ["cutaway", "render-worker"],
                                                 descriptors: [(0, toWorker.readEnd), (1, fromWorker.writeEnd)],
                                                 defaultSignals: [SIGPIPE, SIGINT, SIGTERM])
            } catch {
                try? toWorker.writeEnd.close(); try? fromWorker.readEnd.close()
                throw error
            }
            requests = toWorker.writeEnd
            replies = DescriptorReader(fromWorker.readEnd)
        }

        /// Sends one job; the reply line, or nil if the worker died.
        func send(_ job: RenderJob) -> String? {
            guard (try? requests.writeAll(RenderWire.request(job))) != nil else { return nil }
            return replies.line()
        }

        /// Ends input, waits for the worker by pid; how it ended.
        func finish() -> String {
            try? requests.close()
            let end = process.wait()
            try? replies.descriptor.close()
            switch end {
            case .exited(let status): return "worker exit status \(status)"
            case .killed(let signal): return "worker killed by signal \(signal)"
            }
        }
    }
}

extension Result {
    /// The error, if it failed.
    var failure: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}

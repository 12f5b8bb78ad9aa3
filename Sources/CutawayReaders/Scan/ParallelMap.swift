import CutawayModel
import CLinuxSyscalls
import Dispatch
import Synchronization

/// Runs independent reads on every core and returns their results in input order, so that
/// what a scan records does not depend on which thread finished first.
enum ParallelMap {
    /// Worker threads for a scan: the cores this process may use.
    static let workers = Int(cutaway_usable_cpus())

    /// `transform(i)` for `i` in `0..<count`, in order. Runs on `workers` threads when
    /// `concurrent` is set and there is enough work; one after another otherwise.
    static func map<T>(_ count: Int, concurrent: Bool, _ transform: (Int) -> T) -> [T] {
        mapWithWorker(count, concurrent: concurrent) { _, i in transform(i) }
    }
}

extension ParallelMap {
    /// Like ``map(_:concurrent:_:)``, telling `transform` which worker runs it (0 when one
    /// after another).
    static func mapWithWorker<T>(_ count: Int, concurrent: Bool, _ transform: (_ worker: Int, _ index: Int) -> T) -> [T] {
        guard concurrent, workers > 1, count >= 16 else { return (0..<count).map { transform(0, $0) } }
        return mapPerWorker(count, transform)
    }

    /// Like ``map(_:concurrent:_:)``, always on `workers` threads, telling `transform` which
    /// worker (0..<workers) runs it, for per-thread state such as a memoizing inspector.
    static func mapPerWorker<T>(_ count: Int, _ transform: (_ worker: Int, _ index: Int) -> T) -> [T] {
        let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        slots.initialize(repeating: nil)
        defer { slots.deinitialize(); slots.deallocate() }
        let out = UncheckedBox(slots)
        withoutActuallyEscaping(transform) { escaping in
            let work = UncheckedBox(escaping)
            // Each worker takes the next index when it is free (not a fixed share), so that no
            // worker waits at the end for another with the slower processes; each result goes
            // to its index's slot all the same.
            let next = JobCounter()
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                while let i = next.take(below: count) { out.value[i] = work.value(worker, i) }
            }
        }
        return slots.map { $0! }
    }
}

/// Hands out indexes, each once, to worker threads.
final class JobCounter: Sendable {
    private let value = Atomic<Int>(0)
    init() {}
    /// The next index, or nil once `limit` are handed out.
    func take(below limit: Int) -> Int? {
        let i = value.wrappingAdd(1, ordering: .relaxed).oldValue
        return i < limit ? i : nil
    }
}

/// Hands a value to `concurrentPerform`'s workers. Safe here because each worker writes
/// only its own slots and the sources read by `transform` are stateless readers.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Namespaces claimed by the worker that asks about them, so that each is asked once.
final class NamespaceClaims: Sendable {
    private let claimed = Mutex<Set<SnapshotIndex.NamespaceKey>>([])
    init() {}
    /// True the first time `key` is claimed.
    func claim(_ key: SnapshotIndex.NamespaceKey) -> Bool {
        claimed.withLock { $0.insert(key).inserted }
    }
}

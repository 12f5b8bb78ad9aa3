import Dispatch
import Foundation

/// `map` over the cores: each element is transformed on a worker thread
/// (DispatchQueue.concurrentPerform) and the results come back in the input's order, so the
/// output is the same whatever the scheduling.
enum ParallelMap {
    static func map<T: Sendable, R: Sendable>(_ input: [T], _ transform: @Sendable (T) -> R) -> [R] {
        guard input.count > 1 else { return input.map(transform) }
        let slots = Slots<R>(count: input.count)
        DispatchQueue.concurrentPerform(iterations: input.count) { i in slots.set(i, transform(input[i])) }
        return slots.values()
    }

    /// One slot per element; each worker writes only its own, under a lock.
    private final class Slots<R: Sendable>: @unchecked Sendable {
        private var results: [R?]
        private let lock = NSLock()
        init(count: Int) { results = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: R) { lock.withLock { results[i] = value } }
        func values() -> [R] { lock.withLock { results.map { $0! } } }
    }
}

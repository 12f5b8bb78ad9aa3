import CutawayModel
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The long arrays of a snapshot (its processes, namespaces and mount tables) written on
/// every core: the elements are cut into consecutive parts, each part is written by its own
/// ``JSONByteWriter`` into its own buffer at the array's indentation, and the parts are
/// appended in order, so the bytes are the same as one after another (the byte-for-byte
/// tests against Foundation's encoder cover it).
///
/// Parts go in rounds of a few per core, and each round's bytes are handed on (and flushed
/// or spilled as ``JSONByteWriter`` does) before the next round starts, so no more than a
/// round of the array is held at once.
extension JSONByteWriter {
    /// Arrays shorter than this are written one element after another.
    static let concurrentMinimum = 64
    /// The cores online (sysconf(3); Foundation's ProcessInfo costs more to set up than the
    /// writing it would schedule).
    static let cores = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))

    /// Writes `items` as a JSON array at indentation `depth`, each element by `element`
    /// (called with the writer to write into and the element's indentation), at most
    /// `partLimit` elements per part, so that a round stays small whatever the array's size
    /// (a few hundred bytes per namespace or process, tens of KiB per mount table).
    func writeArray<Element>(concurrently items: [Element], depth: Int, partLimit: Int,
                             _ element: (JSONByteWriter, Element, Int) throws -> Void) throws {
        buffer.append(UInt8(ascii: "["))
        if items.isEmpty { buffer.append(0x0A) }
        let workers = Self.cores
        if items.count < Self.concurrentMinimum || workers < 2 {
            for index in items.indices {
                separate(first: index == 0, depth: depth)
                try element(self, items[index], depth + 1)
            }
        } else {
            let partSize = max(1, min(partLimit, items.count / (workers * 4)))
            let partsPerRound = workers * 2
            // One writer per part of a round, kept from round to round (buffers and key
            // prefixes made once).
            let writers = (0..<partsPerRound).map { _ in JSONByteWriter(fd: -1) }
            var start = 0
            while start < items.count {
                let bounds = (0..<partsPerRound).map { p in
                    min(items.count, start + p * partSize)..<min(items.count, start + (p + 1) * partSize)
                }.filter { !$0.isEmpty }
                try writeParts(items, bounds, writers, depth: depth, element)
                if fd >= 0 && frames.isEmpty {
                    // Nothing open to reorder: the parts go to the descriptor as they are.
                    try flushAll()
                    for writer in writers.prefix(bounds.count) {
                        try writeAll(writer.buffer[...])
                        flushed += writer.buffer.count
                    }
                } else {
                    for writer in writers.prefix(bounds.count) {
                        buffer.append(contentsOf: writer.buffer)
                        if fd >= 0, buffer.count >= Self.chunk { try flushReady() }
                    }
                }
                start = bounds.last!.upperBound
            }
        }
        buffer.append(0x0A)
        indent(depth)
        buffer.append(UInt8(ascii: "]"))
    }

    /// `,` (but before the first element), newline and the element's indentation.
    @inline(__always) private func separate(first: Bool, depth: Int) {
        if !first { buffer.append(UInt8(ascii: ",")) }
        buffer.append(0x0A)
        indent(depth + 1)
    }

    /// Writes each range of elements into its writer's buffer (emptied first), at once on the cores.
    private func writeParts<Element>(_ items: [Element], _ bounds: [Range<Int>], _ writers: [JSONByteWriter], depth: Int,
                                     _ element: (JSONByteWriter, Element, Int) throws -> Void) throws {
        let failures = UnsafeMutableBufferPointer<(any Error)?>.allocate(capacity: bounds.count)
        failures.initialize(repeating: nil)
        defer { failures.deinitialize(); failures.deallocate() }
        withoutActuallyEscaping(element) { element in
            let shared = PartsBox(items: items, bounds: bounds, writers: writers, element: element, failures: failures)
            DispatchQueue.concurrentPerform(iterations: bounds.count) { p in
                let writer = shared.writers[p]
                writer.buffer.removeAll(keepingCapacity: true)
                do {
                    for index in shared.bounds[p] {
                        writer.separate(first: index == 0, depth: depth)
                        try shared.element(writer, shared.items[index], depth + 1)
                    }
                } catch {
                    shared.failures[p] = error
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
    }
}

/// What the part writers share: read-only inputs, one writer and one failure slot each (each
/// worker uses only its own, the caller reads them after `concurrentPerform` returns).
private struct PartsBox<Element>: @unchecked Sendable {
    let items: [Element]
    let bounds: [Range<Int>]
    let writers: [JSONByteWriter]
    let element: (JSONByteWriter, Element, Int) throws -> Void
    let failures: UnsafeMutableBufferPointer<(any Error)?>
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Encodes any `Encodable` value as JSON bytes, written straight into a growing byte
/// buffer and flushed to a file descriptor in chunks: no intermediate tree of boxed values,
/// no `String` or `Data` copy of the whole output.
///
/// The bytes are exactly those of Foundation's `JSONEncoder` with
/// `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]` (the README's JSON contract:
/// two-space indentation, `"key" : value`, keys sorted by their UTF-8 bytes, empty
/// containers as `[` newline newline `]`), so every `Codable` model type is covered, and
/// the same value gives the same bytes on every run (dictionary keys are sorted too).
///
/// Keys can only be sorted once an object is complete: an object's entries are recorded as
/// byte ranges and, when they were not written in order, moved into order when it closes.
/// Bytes before the outermost open object are flushed as soon as 64 KiB are ready; the
/// top-level object's entries are written to the descriptor in order straight from the
/// buffer, so the output is held in memory once at most.
///
/// Containers are used the way synthesized `Codable` code and hand-written `encode(to:)`
/// methods use them: one after another. A nested container is closed when its parent writes
/// its next entry; using a container after that throws `EncodingError.invalidValue`.
public struct JSONStreamEncoder {
    public init() {}

    /// The JSON text of `value`, without a trailing newline.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let writer = JSONByteWriter(fd: -1)
        try writer.encodeRoot(value)
        return writer.buffer
    }

    /// Writes the JSON text of `value` to `fd` (e.g. `STDOUT_FILENO`), followed by a newline
    /// when `trailingNewline` is set. Throws ``JSONWriteError`` when the descriptor refuses.
    public func write<T: Encodable>(_ value: T, to fd: Int32, trailingNewline: Bool = true) throws {
        let writer = JSONByteWriter(fd: fd)
        try writer.encodeRoot(value)
        if trailingNewline { writer.buffer.append(0x0A) }
        try writer.flushAll()
    }
}

/// A write(2) to the output failed.
public struct JSONWriteError: Error, CustomStringConvertible {
    public var errno: Int32
    public init(errno: Int32) { self.errno = errno }
    public var description: String { "cannot write JSON: \(String(cString: strerror(errno)))" }
}

/// The buffer, the stack of open containers and the byte-level JSON syntax.
final class JSONByteWriter {
    /// One open object or array.
    struct Frame {
        var isObject: Bool
        var id: Int
        /// Indentation level of the brace; entries are one level deeper.
        var depth: Int
        /// Absolute stream offset of the opening brace.
        var start: Int
        var count = 0
        /// Objects: each entry's key and the absolute range of `"key" : value`.
        var keys: [String] = []
        var ranges: [(start: Int, end: Int)] = []
        /// The keys arrived in strictly ascending order so far.
        var inOrder = true
    }

    var buffer: [UInt8] = []
    /// Stream offset of `buffer[0]` (bytes before it were written to the descriptor).
    var flushed = 0
    var frames: [Frame] = []
    private var nextID = 0
    let fd: Int32
    static let chunk = 1 << 16

    init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(fd >= 0 ? Self.chunk * 2 : 1 << 12)
    }

    var position: Int { flushed + buffer.count }

    // MARK: Values

    func encodeRoot<T: Encodable>(_ value: T) throws {
        try writeValue(value, depth: 0)
        guard frames.isEmpty else { throw invalid("a container was left open") }
    }

    /// Writes one value at indentation `depth`: scalars directly, everything else through its
    /// `encode(to:)`, closing whatever containers it opened afterwards.
    func writeValue<T: Encodable>(_ value: T, depth: Int) throws {
        if writeScalar(value) { return }
        let encoder = StreamingEncoder(writer: self, depth: depth)
        let mark = frames.count
        try value.encode(to: encoder)
        if frames.count > mark { try close(downTo: mark) }
        if !encoder.wroteSomething {
            // Foundation writes an empty object for a value that encoded nothing.
            append("{\n\n"); indent(depth); buffer.append(UInt8(ascii: "}"))
        }
    }

    /// The scalar types of the `Encoder` protocol, without allocating an encoder.
    func writeScalar<T>(_ value: T) -> Bool {
        switch value {
        case let v as String: writeString(v)
        case let v as Bool: append(v ? "true" : "false")
        case let v as Int: writeInteger(v)
        case let v as Int32: writeInteger(v)
        case let v as UInt32: writeInteger(v)
        case let v as UInt64: writeInteger(v)
        case let v as Int64: writeInteger(v)
        case let v as UInt: writeInteger(v)
        case let v as Int8: writeInteger(v)
        case let v as Int16: writeInteger(v)
        case let v as UInt8: writeInteger(v)
        case let v as UInt16: writeInteger(v)
        case let v as Double: writeFloating(v)
        case let v as Float: writeFloating(Double(v))
        default: return false
        }
        return true
    }

    // MARK: Containers

    func openContainer(object: Bool, depth: Int) -> Int {
        nextID += 1
        frames.append(Frame(isObject: object, id: nextID, depth: depth, start: position))
        buffer.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        return nextID
    }

    /// Makes the frame `id` the innermost open one (closing nested containers it left behind)
    /// and returns its index.
    func activate(_ id: Int) throws -> Int {
        guard let index = frames.lastIndex(where: { $0.id == id }) else {
            throw invalid("a container was used after a later sibling was written (JSONStreamEncoder writes in order)")
        }
        if index + 1 < frames.count { try close(downTo: index + 1) }
        return index
    }

    /// Starts the next entry of object `id`: separator, indentation, `"key" : `.
    /// Returns the indentation level for the value.
    func beginEntry(of id: Int, key: String) throws -> Int {
        let i = try activate(id)
        endEntry(i)
        buffer.append(frames[i].count == 0 ? 0x0A : UInt8(ascii: ","))
        if frames[i].count > 0 { buffer.append(0x0A) }
        indent(frames[i].depth + 1)
        if let last = frames[i].keys.last, !(last < key) { frames[i].inOrder = false }
        frames[i].keys.append(key)
        frames[i].ranges.append((position, -1))
        frames[i].count += 1
        writeString(key)
        append(" : ")
        return frames[i].depth + 1
    }

    /// Starts the next element of array `id`. Returns the indentation level for the value.
    func beginElement(of id: Int) throws -> Int {
        let i = try activate(id)
        if frames[i].count > 0 { buffer.append(UInt8(ascii: ",")) }
        buffer.append(0x0A)
        indent(frames[i].depth + 1)
        frames[i].count += 1
        if fd >= 0, buffer.count >= Self.chunk { try flushReady() }
        return frames[i].depth + 1
    }

    private func endEntry(_ i: Int) {
        if frames[i].isObject, let last = frames[i].ranges.indices.last, frames[i].ranges[last].end < 0 {
            frames[i].ranges[last].end = position
        }
    }

    /// Closes every frame at index `mark` and above, innermost first.
    func close(downTo mark: Int) throws {
        while frames.count > mark {
            let i = frames.count - 1
            endEntry(i)
            let frame = frames.removeLast()
            if frame.isObject && !frame.inOrder {
                try closeReordered(frame)
            } else {
                if frame.count == 0 { buffer.append(0x0A) }
                buffer.append(0x0A)
                indent(frame.depth)
                buffer.append(frame.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
            }
            if fd >= 0, buffer.count >= Self.chunk { try flushReady() }
        }
    }

    /// Puts an object's entries in key order (the last of equal keys wins, as in Foundation).
    private func closeReordered(_ frame: Frame) throws {
        var order = Array(frame.keys.indices)
        order.sort { frame.keys[$0] < frame.keys[$1] || (frame.keys[$0] == frame.keys[$1] && $0 < $1) }
        var kept: [Int] = []
        kept.reserveCapacity(order.count)
        for (n, index) in order.enumerated() {
            if n + 1 < order.count, frame.keys[order[n + 1]] == frame.keys[index] { continue }
            kept.append(index)
        }
        let base = frame.start - flushed
        if frames.isEmpty && fd >= 0 {
            // The top-level object: write its entries in order straight to the descriptor.
            var out: [UInt8] = [UInt8(ascii: "{")]
            out.reserveCapacity(Self.chunk * 2)
            for (n, index) in kept.enumerated() {
                out.append(contentsOf: n == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
                out.append(contentsOf: [UInt8](repeating: 0x20, count: 2 * (frame.depth + 1)))
                let r = frame.ranges[index]
                var s = r.start - flushed
                let e = r.end - flushed
                while s < e {
                    let n = min(e - s, Self.chunk * 2 - out.count)
                    out.append(contentsOf: buffer[s..<(s + n)])
                    s += n
                    if out.count >= Self.chunk * 2 { try writeAll(out[...]); out.removeAll(keepingCapacity: true) }
                }
            }
            out.append(0x0A)
            out.append(contentsOf: [UInt8](repeating: 0x20, count: 2 * frame.depth))
            out.append(UInt8(ascii: "}"))
            try writeAll(out[...])
            flushed += buffer.count
            buffer.removeAll()
            return
        }
        var rebuilt: [UInt8] = [UInt8(ascii: "{")]
        rebuilt.reserveCapacity(buffer.count - base + 2)
        for (n, index) in kept.enumerated() {
            if n > 0 { rebuilt.append(UInt8(ascii: ",")) }
            rebuilt.append(0x0A)
            for _ in 0..<(2 * (frame.depth + 1)) { rebuilt.append(0x20) }
            let r = frame.ranges[index]
            rebuilt.append(contentsOf: buffer[(r.start - flushed)..<(r.end - flushed)])
        }
        rebuilt.append(0x0A)
        for _ in 0..<(2 * frame.depth) { rebuilt.append(0x20) }
        rebuilt.append(UInt8(ascii: "}"))
        buffer.replaceSubrange(base..., with: rebuilt)
    }

    // MARK: Output

    /// Writes what no open object may still reorder, once a chunk is ready.
    func flushReady() throws {
        guard fd >= 0 else { return }
        let limit = (frames.first(where: \.isObject)?.start ?? position) - flushed
        guard limit >= Self.chunk else { return }
        try writeAll(buffer[0..<limit])
        buffer.removeFirst(limit)
        flushed += limit
    }

    func flushAll() throws {
        guard fd >= 0 else { return }
        try writeAll(buffer[...])
        flushed += buffer.count
        buffer.removeAll()
    }

    private func writeAll(_ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw JSONWriteError(errno: errno)
                }
                offset += n
            }
        }
    }

    // MARK: Syntax

    @inline(__always) func append(_ text: StaticString) {
        text.withUTF8Buffer { buffer.append(contentsOf: $0) }
    }

    @inline(__always) func indent(_ depth: Int) {
        for _ in 0..<(2 * depth) { buffer.append(0x20) }
    }

    func writeInteger<I: BinaryInteger>(_ value: I) {
        if value == 0 { buffer.append(UInt8(ascii: "0")); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var magnitude = value.magnitude
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while magnitude > 0 {
                d[19 - n] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
                n += 1
            }
            if value < 0 { buffer.append(UInt8(ascii: "-")) }
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(20 - n)...]))
        }
    }

    func writeFloating(_ value: Double) {
        if value.rounded() == value, value.magnitude < 1e15 {
            writeInteger(Int64(value))
        } else {
            buffer.append(contentsOf: value.description.utf8)
        }
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\b \f \n \r \t` or
    /// `\u00XX`, everything else (including `/` and non-ASCII) as its UTF-8 bytes.
    func writeString(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            buffer.append(UInt8(ascii: "\""))
            var runStart = 0
            var i = 0
            let count = bytes.count
            while i < count {
                let b = bytes[i]
                if b >= 0x20 && b != 0x22 && b != 0x5C { i += 1; continue }
                if runStart < i { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                buffer.append(0x5C)
                switch b {
                case 0x22: buffer.append(0x22)
                case 0x5C: buffer.append(0x5C)
                case 0x08: buffer.append(UInt8(ascii: "b"))
                case 0x0C: buffer.append(UInt8(ascii: "f"))
                case 0x0A: buffer.append(UInt8(ascii: "n"))
                case 0x0D: buffer.append(UInt8(ascii: "r"))
                case 0x09: buffer.append(UInt8(ascii: "t"))
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    buffer.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                }
                i += 1
                runStart = i
            }
            if runStart < count { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<count])) }
            buffer.append(UInt8(ascii: "\""))
        }
    }

    func invalid(_ message: String) -> EncodingError {
        EncodingError.invalidValue((), .init(codingPath: [], debugDescription: message))
    }
}

/// write(2), named apart from the methods called `write`.
@inline(__always) private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}

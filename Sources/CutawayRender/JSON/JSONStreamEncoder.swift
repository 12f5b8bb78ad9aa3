import CutawayModel
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
/// Bytes outside any open object are written to the descriptor as soon as 64 KiB are ready.
/// The top-level object (`{"mounts": [...], ...}`, the snapshot) is open until the very end:
/// what is complete of it beyond 4 MiB goes to an unlinked temporary file (`O_TMPFILE`), and
/// at the end its entries are copied to the descriptor in key order, from that file and the
/// buffer. Memory stays at a few MiB plus the largest nested object, whatever the output size.
///
/// Containers are used the way synthesized `Codable` code and hand-written `encode(to:)`
/// methods use them: one after another. A nested container is closed when its parent writes
/// its next entry; using a container after that throws `EncodingError.invalidValue`.
public struct JSONStreamEncoder {
    /// An encoder; it keeps no state between calls.
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
    /// The errno of the failed write(2).
    public var errno: Int32
    /// A failure with this errno.
    public init(errno: Int32) { self.errno = errno }
    public var description: String { "cannot write JSON: \(String(cString: strerror(errno)))" }
}

/// The buffer, the stack of open containers and the byte-level JSON syntax.
///
/// Hot state is unchecked for exclusivity: the writer is used by one thread, one call at a time.
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
        /// Objects: where this object's entries begin in `entryKeys`/`entryRanges`.
        var entryBase: Int
        /// The keys arrived in strictly ascending order so far.
        var inOrder = true
    }

    @exclusivity(unchecked) var buffer: [UInt8] = []
    /// Stream offset of `buffer[0]` (bytes before it were written to the descriptor).
    @exclusivity(unchecked) var flushed = 0
    @exclusivity(unchecked) var frames: [Frame] = []
    /// The entries of every open object, innermost last: key and absolute range of `"key" : value`.
    @exclusivity(unchecked) private var entryKeys: [String] = []
    @exclusivity(unchecked) private var entryRanges: [(start: Int, end: Int)] = []
    @exclusivity(unchecked) private var scratch: [UInt8] = []
    /// Key orders seen before, by (entry count, first key): the permutation that sorted them.
    @exclusivity(unchecked) private var knownOrders: [OrderKey: [Int]] = [:]
    /// `,` newline, indentation and `"key" : ` of the fixed keys of the directly written
    /// types, by key set and indentation level (``keyPrefixes(_:depth:)``).
    @exclusivity(unchecked) var keyPrefixCache: [KeyPrefixShape: [[UInt8]]] = [:]
    private var nextID = 0
    let fd: Int32
    static let chunk = 1 << 16
    /// Spill the top-level object's complete bytes once this much is held in memory.
    static let spillThreshold = 1 << 22
    /// The top-level object's bytes from its brace up to `flushed` (while it is open and
    /// spilled); -1 before anything is spilled.
    private var spillFD: Int32 = -1
    private var spillFailed = false
    private static let spaces = [UInt8](repeating: 0x20, count: 256)

    struct OrderKey: Hashable {
        var count: Int
        var first: String
        var last: String
    }

    deinit { if spillFD >= 0 { close(spillFD) } }

    init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(fd >= 0 ? Self.chunk * 2 : 1 << 12)
        frames.reserveCapacity(16)
        entryKeys.reserveCapacity(64)
        entryRanges.reserveCapacity(64)
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
        // Most of a snapshot: written directly (MountJSONWriter and its siblings), the same bytes.
        if T.self == MountTable.self { writeMountTable(reinterpret(value), depth: depth); return }
        if T.self == ProcessRecord.self { try writeProcess(reinterpret(value), depth: depth); return }
        if T.self == Namespace.self { writeNamespace(reinterpret(value), depth: depth); return }
        if T.self == Mount.self { writeMount(reinterpret(value), depth: depth); return }
        if T.self == Snapshot.self { try writeSnapshot(reinterpret(value), depth: depth); return }
        // The long arrays of a snapshot: on every core (ConcurrentArrayWriter).
        if T.self == [MountTable].self {
            try writeArray(concurrently: reinterpret(value) as [MountTable], depth: depth, partLimit: 8) { $0.writeMountTable($1, depth: $2) }
            return
        }
        if T.self == [Namespace].self {
            try writeArray(concurrently: reinterpret(value) as [Namespace], depth: depth, partLimit: 256) { $0.writeNamespace($1, depth: $2) }
            return
        }
        if T.self == [ProcessRecord].self {
            try writeArray(concurrently: reinterpret(value) as [ProcessRecord], depth: depth, partLimit: 128) { try $0.writeProcess($1, depth: $2) }
            return
        }
        let encoder = StreamingEncoder(writer: self, depth: depth)
        let mark = frames.count
        try value.encode(to: encoder)
        if frames.count > mark { try closeFrames(downTo: mark) }
        if !encoder.wroteSomething {
            // Foundation writes an empty object for a value that encoded nothing.
            append("{\n\n"); indent(depth); buffer.append(UInt8(ascii: "}"))
        }
    }

    /// `value` as the type `U` it was just compared equal to (`T.self == U.self`): a type
    /// comparison and no dynamic cast per value.
    @inline(__always) func reinterpret<T, U>(_ value: T) -> U {
        withUnsafePointer(to: value) { $0.withMemoryRebound(to: U.self, capacity: 1) { $0.pointee } }
    }

    /// The scalar types of the `Encoder` protocol, without allocating an encoder (a type
    /// comparison, not a dynamic cast, per value).
    @inline(__always) func writeScalar<T>(_ value: T) -> Bool {
        @inline(__always) func reinterpret<U>(_ type: U.Type) -> U { self.reinterpret(value) }
        if T.self == String.self { writeString(reinterpret(String.self)) }
        else if T.self == Int32.self { writeInteger(reinterpret(Int32.self)) }
        else if T.self == UInt64.self { writeInteger(reinterpret(UInt64.self)) }
        else if T.self == Int.self { writeInteger(reinterpret(Int.self)) }
        else if T.self == UInt32.self { writeInteger(reinterpret(UInt32.self)) }
        else if T.self == Bool.self { append(reinterpret(Bool.self) ? "true" : "false") }
        else if T.self == Int64.self { writeInteger(reinterpret(Int64.self)) }
        else if T.self == UInt.self { writeInteger(reinterpret(UInt.self)) }
        else if T.self == Int8.self { writeInteger(reinterpret(Int8.self)) }
        else if T.self == Int16.self { writeInteger(reinterpret(Int16.self)) }
        else if T.self == UInt8.self { writeInteger(reinterpret(UInt8.self)) }
        else if T.self == UInt16.self { writeInteger(reinterpret(UInt16.self)) }
        else if T.self == Double.self { writeFloating(reinterpret(Double.self)) }
        else if T.self == Float.self { writeFloating(Double(reinterpret(Float.self))) }
        else { return false }
        return true
    }

    // MARK: Containers

    func openContainer(object: Bool, depth: Int) -> Int {
        nextID += 1
        frames.append(Frame(isObject: object, id: nextID, depth: depth, start: position, entryBase: entryKeys.count))
        buffer.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        return nextID
    }

    /// Makes the frame `id` the innermost open one (closing nested containers it left behind)
    /// and returns its index.
    @inline(__always) func activate(_ id: Int) throws -> Int {
        let top = frames.count - 1
        if top >= 0 && frames[top].id == id { return top }
        guard let index = frames.lastIndex(where: { $0.id == id }) else {
            throw invalid("a container was used after a later sibling was written (JSONStreamEncoder writes in order)")
        }
        try closeFrames(downTo: index + 1)
        return index
    }

    /// Starts the next entry of object `id`: separator, indentation, `"key" : `.
    /// Returns the indentation level for the value.
    func beginEntry(of id: Int, key: String) throws -> Int {
        let i = try activate(id)
        let depth = frames[i].depth + 1
        if frames[i].count == 0 {
            buffer.append(0x0A)
        } else {
            entryRanges[entryRanges.count - 1].end = position
            buffer.append(UInt8(ascii: ",")); buffer.append(0x0A)
            if frames[i].inOrder, !(entryKeys[entryKeys.count - 1] < key) { frames[i].inOrder = false }
        }
        indent(depth)
        entryKeys.append(key)
        entryRanges.append((position, -1))
        frames[i].count += 1
        writeString(key)
        append(" : ")
        return depth
    }

    /// Starts the next element of array `id`. Returns the indentation level for the value.
    func beginElement(of id: Int) throws -> Int {
        let i = try activate(id)
        if frames[i].count > 0 { buffer.append(UInt8(ascii: ",")) }
        buffer.append(0x0A)
        let depth = frames[i].depth + 1
        indent(depth)
        frames[i].count += 1
        if fd >= 0, buffer.count >= Self.chunk { try flushReady() }
        return depth
    }

    /// Closes every frame at index `mark` and above, innermost first.
    func closeFrames(downTo mark: Int) throws {
        while frames.count > mark {
            let frame = frames.removeLast()
            if frame.isObject && frame.count > 0 { entryRanges[entryRanges.count - 1].end = position }
            if frame.isObject && (!frame.inOrder || (frames.isEmpty && frame.depth == 0 && spillFD >= 0)) {
                try closeReordered(frame)
            } else {
                if frame.count == 0 { buffer.append(0x0A) }
                buffer.append(0x0A)
                indent(frame.depth)
                buffer.append(frame.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
            }
            if frame.isObject {
                entryKeys.removeSubrange(frame.entryBase...)
                entryRanges.removeSubrange(frame.entryBase...)
            }
            if fd >= 0, buffer.count >= Self.chunk { try flushReady() }
        }
    }

    /// The order that sorts this object's entries by key (stable, so the last of equal keys
    /// can win as in Foundation); remembered per shape and checked before it is reused.
    private func sortedOrder(_ frame: Frame) -> [Int] {
        let base = frame.entryBase, n = frame.count
        let shape = OrderKey(count: n, first: entryKeys[base], last: entryKeys[base + n - 1])
        if let known = knownOrders[shape] {
            var ok = true
            for k in 1..<n where !(entryKeys[base + known[k - 1]] < entryKeys[base + known[k]]) { ok = false; break }
            if ok { return known }
        }
        var order = Array(0..<n)
        order.sort { entryKeys[base + $0] < entryKeys[base + $1] || (entryKeys[base + $0] == entryKeys[base + $1] && $0 < $1) }
        knownOrders[shape] = order
        return order
    }

    /// Puts an object's entries in key order (the last of equal keys wins, as in Foundation).
    private func closeReordered(_ frame: Frame) throws {
        let order = sortedOrder(frame)
        let base = frame.entryBase
        var kept: [Int] = []
        kept.reserveCapacity(order.count)
        for (n, index) in order.enumerated() {
            if n + 1 < order.count, entryKeys[base + order[n + 1]] == entryKeys[base + index] { continue }
            kept.append(base + index)
        }
        let start = frame.start - flushed
        if frames.isEmpty && frame.depth == 0 && fd >= 0 {
            // The top-level object: write its entries in order straight to the descriptor.
            var out: [UInt8] = [UInt8(ascii: "{")]
            out.reserveCapacity(Self.chunk * 2)
            for (n, index) in kept.enumerated() {
                out.append(contentsOf: n == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
                out.append(contentsOf: [UInt8](repeating: 0x20, count: 2 * (frame.depth + 1)))
                let r = entryRanges[index]
                var s = r.start
                while s < r.end {
                    let n = min(r.end - s, Self.chunk * 2 - out.count)
                    if s >= flushed {
                        out.append(contentsOf: buffer[(s - flushed)..<(s - flushed + n)])
                        s += n
                    } else {
                        // Spilled: bytes [frame.start, flushed) are at offset (abs - frame.start) in the file.
                        let m = min(n, flushed - s)
                        let old = out.count
                        out.append(contentsOf: repeatElement(0, count: m))
                        try out.withUnsafeMutableBytes { raw in
                            var done = 0
                            while done < m {
                                let got = pread(spillFD, raw.baseAddress! + old + done, m - done, off_t(s - frame.start + done))
                                if got < 0 && errno == EINTR { continue }
                                guard got > 0 else { throw JSONWriteError(errno: got < 0 ? errno : EIO) }
                                done += got
                            }
                        }
                        s += m
                    }
                    if out.count >= Self.chunk * 2 { try writeAll(out[...]); out.removeAll(keepingCapacity: true) }
                }
            }
            out.append(0x0A)
            out.append(contentsOf: [UInt8](repeating: 0x20, count: 2 * frame.depth))
            out.append(UInt8(ascii: "}"))
            try writeAll(out[...])
            flushed += buffer.count
            buffer.removeAll()
            if spillFD >= 0 { close(spillFD); spillFD = -1 }
            return
        }
        // Moved aside into one reused scratch buffer, then written back in order.
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: buffer[start...])
        buffer.removeSubrange(start...)
        buffer.append(UInt8(ascii: "{"))
        for (n, index) in kept.enumerated() {
            if n > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(0x0A)
            indent(frame.depth + 1)
            let r = entryRanges[index]
            buffer.append(contentsOf: scratch[(r.start - frame.start)..<(r.end - frame.start)])
        }
        buffer.append(0x0A)
        indent(frame.depth)
        buffer.append(UInt8(ascii: "}"))
    }

    // MARK: Output

    /// Writes what no open object may still reorder, once a chunk is ready.
    func flushReady() throws {
        guard fd >= 0 else { return }
        if let root = frames.first, root.isObject, root.depth == 0 {
            // Inside the top-level object: spill what no nested object may still reorder.
            guard buffer.count >= Self.spillThreshold, !spillFailed else { return }
            let limit = (frames.dropFirst().first(where: \.isObject)?.start ?? position) - flushed
            guard limit >= Self.spillThreshold / 2 else { return }
            if spillFD < 0 {
                spillFD = open("/tmp", openTemporaryFile | O_RDWR | O_CLOEXEC, 0o600)
                guard spillFD >= 0 else { spillFailed = true; return } // keep it in memory then
                guard root.start == flushed else { close(spillFD); spillFD = -1; spillFailed = true; return }
            }
            try writeAll(buffer[0..<limit], to: spillFD)
            buffer.removeFirst(limit)
            flushed += limit
            return
        }
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

    func writeAll(_ bytes: ArraySlice<UInt8>, to target: Int32? = nil) throws {
        let target = target ?? fd
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = systemWrite(target, raw.baseAddress! + offset, raw.count - offset)
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
        let n = 2 * depth
        if n <= Self.spaces.count { buffer.append(contentsOf: Self.spaces[0..<n]) } else { buffer.append(contentsOf: repeatElement(0x20, count: n)) }
    }

    @inline(__always) func writeInteger<I: BinaryInteger>(_ value: I) {
        if value < 0 {
            buffer.append(UInt8(ascii: "-"))
            writeDecimal(UInt64(value.magnitude))
        } else {
            writeDecimal(UInt64(value))
        }
    }

    /// Decimal digits of `value` (``DecimalDigits``).
    func writeDecimal(_ value: UInt64) {
        if value < 10 { buffer.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value)); return }
        DecimalDigits.with(value) { buffer.append(contentsOf: $0) }
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
        text.withUTF8 { writeStringBytes($0) }
    }

    /// ``writeString(_:)`` of valid UTF-8 bytes.
    func writeStringBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(UInt8(ascii: "\""))
        var runStart = 0
        var i = 0
        let count = bytes.count
        while i < count {
            let b = bytes[i]
            if b >= 0x20 && b != 0x22 && b != 0x5C && b != 0x7F && b != 0xC2 && b != 0xD8 && b != 0xE2 { i += 1; continue }
            if b == 0x7F || b == 0xC2 || b == 0xD8 || b == 0xE2 {
                // DEL, C1 and bidi controls (TerminalText): \uXXXX, the same string to a reader.
                let length = b == 0x7F ? 1 : (b == 0xE2 ? 3 : 2)
                guard i + length <= count else { i += 1; continue }
                var scalar = UInt32(b)
                if length == 2 { scalar = (UInt32(b & 0x1F) << 6) | UInt32(bytes[i + 1] & 0x3F) }
                if length == 3 { scalar = (UInt32(b & 0x0F) << 12) | (UInt32(bytes[i + 1] & 0x3F) << 6) | UInt32(bytes[i + 2] & 0x3F) }
                guard let unicode = Unicode.Scalar(scalar), TerminalText.isUnsafe(unicode) else { i += length; continue }
                if runStart < i { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                buffer.append(contentsOf: [0x5C, UInt8(ascii: "u"), hex[Int(scalar >> 12 & 0xF)], hex[Int(scalar >> 8 & 0xF)], hex[Int(scalar >> 4 & 0xF)], hex[Int(scalar & 0xF)]])
                i += length
                runStart = i
                continue
            }
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

    func invalid(_ message: String) -> EncodingError {
        EncodingError.invalidValue((), .init(codingPath: [], debugDescription: message))
    }
}

/// write(2), named apart from the methods called `write`.
@inline(__always) private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}

/// O_TMPFILE (open(2): an unnamed file in that directory's filesystem, gone when closed);
/// Swift does not import the macro. The value of the generic and x86 ABIs.
private let openTemporaryFile: Int32 = 0o20000000 | O_DIRECTORY

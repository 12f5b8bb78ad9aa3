import CutawayModel

/// Pretty-printed JSON written as bytes for a ``StreamingEncoder``'s writer, at the
/// indentation of the value being encoded, in the layout ``JSONByteWriter`` gives its own
/// containers (`"key" : value`, two spaces a level, `[` newline newline `]` when empty).
/// The caller writes keys in sorted order. Strings of printable ASCII are copied as they
/// are; any other string goes through the writer's own escaping.
///
/// The bytes gather in a ``ByteSink`` and go to the writer's buffer in large pieces (before
/// anything the writer writes itself, at ``flushIfLarge()`` and at ``finish()``, which every
/// shape calls when it is done).
struct JSONBytes {
    private let writer: JSONByteWriter
    private let sink = ByteSink(capacity: 1 << 17)
    /// Indentation level of the innermost open container.
    var depth: Int

    init(_ encoder: StreamingEncoder) {
        _ = encoder.singleValueContainer() // the value is written: no `{}` for an empty encoding
        writer = encoder.writer
        depth = encoder.depth
    }

    /// Hands the gathered bytes to the writer.
    private func drain() {
        guard sink.count > 0 else { return }
        writer.buffer.append(contentsOf: UnsafeBufferPointer(start: sink.base, count: sink.count))
        sink.count = 0
    }

    /// The value is complete: everything goes to the writer.
    func finish() { drain() }

    /// Lets the writer pass on what is ready (``JSONByteWriter/flushReady()``) every 64 KiB.
    func flushIfLarge() throws {
        guard sink.count + writer.buffer.count >= JSONByteWriter.chunk else { return }
        drain()
        try writer.flushReady()
    }

    func null() { sink.append("null") }
    func bool(_ value: Bool) { sink.append(value ? "true" : "false") }
    func integer<I: BinaryInteger>(_ value: I) { sink.integer(value) }
    /// Bytes of JSON syntax or of a value already formatted.
    func raw(_ text: StaticString) { sink.append(text) }
    func raw(_ byte: UInt8) { sink.append(byte) }
    func raw(_ bytes: UnsafeBufferPointer<UInt8>) { sink.append(bytes) }
    func decimal(_ value: UInt64) { sink.decimal(value) }

    /// A string: printable ASCII copied, anything else through the writer's escaping.
    func string(_ value: String) {
        var text = value
        let plain = text.withUTF8 { bytes in
            guard Self.isPlain(bytes) else { return false }
            sink.quoted(bytes)
            return true
        }
        if !plain { escaped(value) }
    }

    /// A string through the writer's escaping (``JSONByteWriter/writeString(_:)``).
    private func escaped(_ value: String) {
        drain()
        writer.writeString(value)
    }

    /// Printable ASCII without `"` and `\`: the JSON string is the bytes in quotes.
    @inline(__always) static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in bytes where b < 0x20 || b > 0x7E || b == 0x22 || b == 0x5C { return false }
        return true
    }

    /// Any other value, through the writer's own encoding (nested containers and all).
    ///
    /// The writer takes an object it closes with no container open around it for the
    /// top-level one and writes it straight to the descriptor (``JSONByteWriter``): when the
    /// document written here is the top level (no container of the writer's is open),
    /// everything before the value goes out first, so that nothing is left behind it.
    func value<T: Encodable>(_ value: T) throws {
        drain()
        if writer.frames.isEmpty { try writer.flushAll() }
        try writer.writeValue(value, depth: depth)
    }

    /// A mount, through the writer's own direct encoding of ``Mount`` (MountJSONWriter).
    func mount(_ m: Mount) {
        drain()
        writer.writeMount(m, depth: depth)
    }

    mutating func openArray() { sink.append(UInt8(ascii: "[")); depth += 1 }
    mutating func openObject() { sink.append(UInt8(ascii: "{")); depth += 1 }

    mutating func closeArray(empty: Bool) {
        depth -= 1
        if empty { sink.append(0x0A) }
        sink.append(0x0A)
        sink.indent(depth)
        sink.append(UInt8(ascii: "]"))
    }

    /// Objects written here are never empty.
    mutating func closeObject() {
        depth -= 1
        sink.append(0x0A)
        sink.indent(depth)
        sink.append(UInt8(ascii: "}"))
    }

    func element(first: Bool) {
        if !first { sink.append(UInt8(ascii: ",")) }
        sink.append(0x0A)
        sink.indent(depth)
    }

    /// `"key" : ` after a comma unless it is the object's first.
    func key(_ name: StaticString, first: Bool = false) {
        element(first: first)
        sink.append(UInt8(ascii: "\""))
        sink.append(name)
        sink.append("\" : ")
    }

    /// The same for a key made at run time (escaped like any string).
    func key(_ name: String, first: Bool = false) {
        element(first: first)
        string(name)
        sink.append(" : ")
    }

    func integers(_ values: [Int]) { list(values.count) { sink.integer(values[$0]) } }

    /// A byte string as a JSON string: printable ASCII as it is, the rest as
    /// ``ByteString/lossyString`` through the writer's escaping.
    func string(_ value: ByteString) {
        let plain = value.bytes.withUnsafeBufferPointer { bytes in
            guard Self.isPlain(bytes) else { return false }
            sink.quoted(bytes)
            return true
        }
        if !plain { escaped(value.lossyString) }
    }

    /// `"name" : "…"` and, for bytes that are not valid UTF-8, `"nameBase64" : "…"`
    /// (``KeyedEncodingContainer/encode(_:named:)``).
    func bytes(_ value: ByteString, named name: StaticString, first: Bool = false) {
        key(name, first: first)
        string(value)
        if !value.isValidUTF8 {
            base64Key(name)
            escaped(value.base64)
        }
    }

    /// `"name" : [...]` of strings and, when any is not valid UTF-8, `"nameBase64" : [...]`.
    func byteStrings(_ values: [ByteString], named name: StaticString, first: Bool = false) {
        key(name, first: first)
        list(values.count) { string(values[$0]) }
        if values.contains(where: { !$0.isValidUTF8 }) {
            base64Key(name)
            list(values.count) { escaped(values[$0].base64) }
        }
    }

    /// `, "<name>Base64" : `.
    private func base64Key(_ name: StaticString) {
        element(first: false)
        sink.append(UInt8(ascii: "\""))
        sink.append(name)
        sink.append("Base64\" : ")
    }

    /// An array of `count` values written by `value`, at this depth (each at the next).
    func list(_ count: Int, _ value: (Int) -> Void) {
        if count == 0 { sink.append("[\n\n"); sink.indent(depth); sink.append(UInt8(ascii: "]")); return }
        sink.append(UInt8(ascii: "["))
        for n in 0..<count {
            if n > 0 { sink.append(UInt8(ascii: ",")) }
            sink.append(0x0A)
            sink.indent(depth + 1)
            value(n)
        }
        sink.append(0x0A)
        sink.indent(depth)
        sink.append(UInt8(ascii: "]"))
    }
}

/// A growing run of bytes in memory this type owns: appends are stores and a length, with
/// no copy-on-write check per piece. ``JSONBytes`` empties it into the writer's buffer.
final class ByteSink {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    @inline(__always) func reserve(_ extra: Int) {
        if count &+ extra > capacity { grow(count + extra) }
    }

    @inline(never) private func grow(_ needed: Int) {
        let size = max(needed, capacity * 2)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = size
    }

    @inline(__always) func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count &+= 1
    }

    @inline(__always) func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count &+= bytes.count
    }

    @inline(__always) func append(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    /// `"` bytes `"`.
    @inline(__always) func quoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count + 2)
        append(UInt8(ascii: "\""))
        append(bytes)
        append(UInt8(ascii: "\""))
    }

    /// Two spaces per level.
    @inline(__always) func indent(_ depth: Int) {
        let n = 2 * depth
        reserve(n)
        (base + count).update(repeating: 0x20, count: n)
        count &+= n
    }

    func integer<I: BinaryInteger>(_ value: I) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            decimal(UInt64(value.magnitude))
        } else {
            decimal(UInt64(value))
        }
    }

    /// Decimal digits (``DecimalDigits``).
    func decimal(_ value: UInt64) {
        if value < 10 { append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value)); return }
        DecimalDigits.with(value) { append($0) }
    }
}

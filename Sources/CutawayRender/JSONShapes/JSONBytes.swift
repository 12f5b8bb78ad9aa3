import CutawayModel

/// Pretty-printed JSON written as bytes into a ``StreamingEncoder``'s writer, at the
/// indentation of the value being encoded, in the layout ``JSONByteWriter`` gives its own
/// containers (`"key" : value`, two spaces a level, `[` newline newline `]` when empty).
/// The caller writes keys in sorted order. Strings of printable ASCII are copied as they
/// are; any other string goes through the writer's own escaping.
struct JSONBytes {
    let writer: JSONByteWriter
    /// Indentation level of the innermost open container.
    var depth: Int

    init(_ encoder: StreamingEncoder) {
        _ = encoder.singleValueContainer() // the value is written: no `{}` for an empty encoding
        writer = encoder.writer
        depth = encoder.depth
    }

    func null() { writer.append("null") }
    func bool(_ value: Bool) { writer.append(value ? "true" : "false") }
    func integer<I: BinaryInteger>(_ value: I) { writer.writeInteger(value) }

    /// A string: printable ASCII copied, anything else through the writer's escaping.
    func string(_ value: String) {
        var text = value
        let plain = text.withUTF8 { bytes in
            guard Self.isPlain(bytes) else { return false }
            writer.buffer.append(UInt8(ascii: "\""))
            writer.buffer.append(contentsOf: bytes)
            writer.buffer.append(UInt8(ascii: "\""))
            return true
        }
        if !plain { writer.writeString(value) }
    }

    /// Printable ASCII without `"` and `\`: the JSON string is the bytes in quotes.
    @inline(__always) static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in bytes where b < 0x20 || b > 0x7E || b == 0x22 || b == 0x5C { return false }
        return true
    }

    /// Any other value, through the writer's own encoding (nested containers and all).
    func value<T: Encodable>(_ value: T) throws { try writer.writeValue(value, depth: depth) }

    mutating func openArray() { writer.buffer.append(UInt8(ascii: "[")); depth += 1 }
    mutating func openObject() { writer.buffer.append(UInt8(ascii: "{")); depth += 1 }

    mutating func closeArray(empty: Bool) {
        depth -= 1
        if empty { writer.buffer.append(0x0A) }
        writer.buffer.append(0x0A)
        writer.indent(depth)
        writer.buffer.append(UInt8(ascii: "]"))
    }

    /// Objects written here are never empty.
    mutating func closeObject() {
        depth -= 1
        writer.buffer.append(0x0A)
        writer.indent(depth)
        writer.buffer.append(UInt8(ascii: "}"))
    }

    func element(first: Bool) {
        if !first { writer.buffer.append(UInt8(ascii: ",")) }
        writer.buffer.append(0x0A)
        writer.indent(depth)
    }

    /// `"key" : ` after a comma unless it is the object's first.
    func key(_ name: StaticString, first: Bool = false) {
        element(first: first)
        writer.buffer.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { writer.buffer.append(contentsOf: $0) }
        writer.append("\" : ")
    }

    /// The same for a key made at run time (escaped like any string).
    func key(_ name: String, first: Bool = false) {
        element(first: first)
        string(name)
        writer.append(" : ")
    }

    func integers(_ values: [Int]) {
        if values.isEmpty { writer.append("[\n\n"); writer.indent(depth); writer.buffer.append(UInt8(ascii: "]")); return }
        writer.buffer.append(UInt8(ascii: "["))
        for (n, v) in values.enumerated() {
            if n > 0 { writer.buffer.append(UInt8(ascii: ",")) }
            writer.buffer.append(0x0A)
            writer.indent(depth + 1)
            writer.writeInteger(v)
        }
        writer.buffer.append(0x0A)
        writer.indent(depth)
        writer.buffer.append(UInt8(ascii: "]"))
    }

    /// A byte string as a JSON string: printable ASCII as it is, the rest as
    /// ``ByteString/lossyString`` through the writer's escaping.
    func string(_ value: ByteString) {
        let plain = value.bytes.withUnsafeBufferPointer { bytes in
            guard Self.isPlain(bytes) else { return false }
            writer.buffer.append(UInt8(ascii: "\""))
            writer.buffer.append(contentsOf: bytes)
            writer.buffer.append(UInt8(ascii: "\""))
            return true
        }
        if !plain { writer.writeString(value.lossyString) }
    }

    /// Bytes that are not valid UTF-8 (only then is a `<name>Base64` sibling written).
    static func isInvalidUTF8(_ value: ByteString) -> Bool {
        value.bytes.contains { $0 >= 0x80 } && !value.isValidUTF8
    }

    /// `"name" : "…"` and, for bytes that are not valid UTF-8, `"nameBase64" : "…"`
    /// (``KeyedEncodingContainer/encode(_:named:)``).
    func bytes(_ value: ByteString, named name: StaticString, first: Bool = false) {
        key(name, first: first)
        string(value)
        if Self.isInvalidUTF8(value) {
            element(first: false)
            writer.buffer.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { writer.buffer.append(contentsOf: $0) }
            writer.append("Base64\" : ")
            writer.writeString(value.base64)
        }
    }

    /// `"name" : [...]` of strings and, when any is not valid UTF-8, `"nameBase64" : [...]`.
    func byteStrings(_ values: [ByteString], named name: StaticString, first: Bool = false) {
        key(name, first: first)
        list(values.count) { string(values[$0]) }
        if values.contains(where: Self.isInvalidUTF8) {
            element(first: false)
            writer.buffer.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { writer.buffer.append(contentsOf: $0) }
            writer.append("Base64\" : ")
            list(values.count) { writer.writeString(values[$0].base64) }
        }
    }

    /// An array of `count` values written by `value`, at this depth (each at the next).
    func list(_ count: Int, _ value: (Int) -> Void) {
        if count == 0 { writer.append("[\n\n"); writer.indent(depth); writer.buffer.append(UInt8(ascii: "]")); return }
        writer.buffer.append(UInt8(ascii: "["))
        for n in 0..<count {
            if n > 0 { writer.buffer.append(UInt8(ascii: ",")) }
            writer.buffer.append(0x0A)
            writer.indent(depth + 1)
            value(n)
        }
        writer.buffer.append(0x0A)
        writer.indent(depth)
        writer.buffer.append(UInt8(ascii: "]"))
    }

    /// Lets the writer pass on what is ready (``JSONByteWriter/flushReady()``) every 64 KiB.
    func flushIfLarge() throws {
        if writer.buffer.count >= JSONByteWriter.chunk { try writer.flushReady() }
    }
}

import CutawayModel

/// `"entries"` of `cutaway layers --files --json`: every path of the merged view but `/`,
/// as `{"dataLayer", "hides", "layer", "layerPath", "path", "type"}` (README: JSON contract).
///
/// A merged view has as many entries as the layers have files (tens of thousands for an
/// image), so with the streaming encoder the objects are written as bytes straight into its
/// buffer, keys already in order (nothing to sort when the object closes, no container per
/// entry); any other encoder gets the same keys and values through its containers. The bytes
/// are those of ``JSONStreamEncoder`` (LayersFilesJSONTests compares them).
struct MergedEntriesJSON: Encodable {
    var resolution: OverlayResolution

    func encode(to encoder: any Encoder) throws {
        guard let streaming = encoder as? StreamingEncoder else { return try encodeWithContainers(to: encoder) }
        var out = JSONBytes(streaming)
        let entries = resolution.entries
        var first = true
        out.openArray()
        for e in entries where e.path != "/" {
            out.element(first: first)
            first = false
            out.openObject()
            out.key("dataLayer", first: true)
            if let d = e.dataLayer { out.integer(d) } else { out.null() }
            out.key("hides")
            out.integers(e.hidden)
            out.key("layer")
            out.integer(e.layer)
            out.bytes(e.sourcePath, named: "layerPath")
            out.bytes(e.path, named: "path")
            out.key("type")
            out.string(e.kind.rawValue)
            out.closeObject()
            try out.flushIfLarge()
        }
        out.closeArray(empty: first)
    }

    private func encodeWithContainers(to encoder: any Encoder) throws {
        var entries = encoder.unkeyedContainer()
        for e in resolution.entries where e.path != "/" {
            var o = entries.nestedContainer(keyedBy: AnyCodingKey.self)
            try o.encode(e.path, named: "path")
            try o.encode(e.kind.rawValue, forKey: "type")
            try o.encode(e.layer, forKey: "layer")
            try o.encode(e.sourcePath, named: "layerPath")
            try o.encodeOrNull(e.dataLayer, forKey: "dataLayer")
            try o.encode(e.hidden, forKey: "hides")
        }
    }
}

/// `"layerChanges"` of `cutaway layers --files --json`: for each layer but the data-only
/// ones, `{"adds", "changes", "deletes", "layer"}` (``OverlayResolution/changes(ofLayer:)``),
/// all layers sorted out in one pass over the merged view (``OverlayResolution/changesOfEveryLayer()``)
/// and written like
/// ``MergedEntriesJSON``.
struct LayerChangesJSON: Encodable {
    var resolution: OverlayResolution
    /// The layers to describe, in order.
    var layers: [Int]

    func encode(to encoder: any Encoder) throws {
        let all = resolution.changesOfEveryLayer()
        guard let streaming = encoder as? StreamingEncoder else {
            var changes = encoder.unkeyedContainer()
            for i in layers {
                let ch = all.indices.contains(i) ? all[i] : .init()
                var o = changes.nestedContainer(keyedBy: AnyCodingKey.self)
                try o.encode(i, forKey: "layer")
                try o.encode(ch.adds, named: "adds")
                try o.encode(ch.changes, named: "changes")
                try o.encode(ch.deletes, named: "deletes")
            }
            return
        }
        var out = JSONBytes(streaming)
        out.openArray()
        for (n, i) in layers.enumerated() {
            let ch = all.indices.contains(i) ? all[i] : .init()
            out.element(first: n == 0)
            out.openObject()
            out.byteStrings(ch.adds, named: "adds", first: true)
            try out.flushIfLarge()
            out.byteStrings(ch.changes, named: "changes")
            try out.flushIfLarge()
            out.byteStrings(ch.deletes, named: "deletes")
            out.key("layer")
            out.integer(i)
            out.closeObject()
            try out.flushIfLarge()
        }
        out.closeArray(empty: layers.isEmpty)
    }
}

/// Pretty-printed JSON written as bytes into a ``StreamingEncoder``'s writer, at the
/// indentation of the value being encoded, in the layout ``JSONByteWriter`` gives its own
/// containers (`"key" : value`, two spaces a level, `[` newline newline `]` when empty).
/// The caller writes keys in sorted order. Strings of printable ASCII are copied as they
/// are; any other string goes through the writer's own escaping.
private struct JSONBytes {
    let writer: JSONByteWriter
    /// Indentation level of the innermost open container.
    var depth: Int

    init(_ encoder: StreamingEncoder) {
        _ = encoder.singleValueContainer() // the value is written: no `{}` for an empty encoding
        writer = encoder.writer
        depth = encoder.depth
    }

    func null() { writer.append("null") }
    func integer(_ value: Int) { writer.writeInteger(value) }
    func string(_ value: String) { writer.writeString(value) }

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
            for b in bytes where b < 0x20 || b > 0x7E || b == 0x22 || b == 0x5C { return false }
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
    func bytes(_ value: ByteString, named name: StaticString) {
        key(name)
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

    /// An array of `count` values written by `value`, at this depth.
    private func list(_ count: Int, _ value: (Int) -> Void) {
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

/// The `Encoder` handed to each non-scalar value's `encode(to:)`: its containers write
/// straight into the ``JSONByteWriter``.
final class StreamingEncoder: Encoder {
    let writer: JSONByteWriter
    /// Indentation level of the value being encoded.
    let depth: Int
    /// The container this value opened (a second request, as in a flattened object that
    /// adds keys after its wrapped value's, continues the same one).
    private var frameID: Int?
    private(set) var wroteSomething = false

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(writer: JSONByteWriter, depth: Int) {
        self.writer = writer
        self.depth = depth
    }

    private func frame(object: Bool) -> Int {
        if let id = frameID, writer.frames.contains(where: { $0.id == id && $0.isObject == object }) { return id }
        wroteSomething = true
        let id = writer.openContainer(object: object, depth: depth)
        frameID = id
        return id
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(StreamingKeyedContainer<Key>(writer: writer, id: frame(object: true)))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        StreamingUnkeyedContainer(writer: writer, id: frame(object: false))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        wroteSomething = true
        return StreamingSingleValueContainer(writer: writer, depth: depth)
    }
}

struct StreamingKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: JSONByteWriter
    let id: Int
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws {
        _ = try writer.beginEntry(of: id, key: key.stringValue)
        writer.append("null")
    }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
        _ = try writer.beginEntry(of: id, key: key.stringValue)
        writer.append(value ? "true" : "false")
    }
    mutating func encode(_ value: String, forKey key: Key) throws {
        _ = try writer.beginEntry(of: id, key: key.stringValue)
        writer.writeString(value)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try integer(value, key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let depth = try writer.beginEntry(of: id, key: key.stringValue)
        try writer.writeValue(value, depth: depth)
    }

    private func integer<I: BinaryInteger>(_ value: I, _ key: Key) throws {
        _ = try writer.beginEntry(of: id, key: key.stringValue)
        writer.writeInteger(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let depth = (try? writer.beginEntry(of: id, key: key.stringValue)) ?? 0
        return KeyedEncodingContainer(StreamingKeyedContainer<NestedKey>(writer: writer, id: writer.openContainer(object: true, depth: depth)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let depth = (try? writer.beginEntry(of: id, key: key.stringValue)) ?? 0
        return StreamingUnkeyedContainer(writer: writer, id: writer.openContainer(object: false, depth: depth))
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let depth = (try? writer.beginEntry(of: id, key: key.stringValue)) ?? 0
        return StreamingEncoder(writer: writer, depth: depth)
    }
}

struct StreamingUnkeyedContainer: UnkeyedEncodingContainer {
    let writer: JSONByteWriter
    let id: Int
    private(set) var count = 0
    var codingPath: [any CodingKey] { [] }

    init(writer: JSONByteWriter, id: Int) { self.writer = writer; self.id = id }

    mutating func encodeNil() throws {
        _ = try writer.beginElement(of: id); count += 1
        writer.append("null")
    }
    mutating func encode(_ value: String) throws {
        _ = try writer.beginElement(of: id); count += 1
        writer.writeString(value)
    }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let depth = try writer.beginElement(of: id); count += 1
        try writer.writeValue(value, depth: depth)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let depth = (try? writer.beginElement(of: id)) ?? 0
        count += 1
        return KeyedEncodingContainer(StreamingKeyedContainer<NestedKey>(writer: writer, id: writer.openContainer(object: true, depth: depth)))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let depth = (try? writer.beginElement(of: id)) ?? 0
        count += 1
        return StreamingUnkeyedContainer(writer: writer, id: writer.openContainer(object: false, depth: depth))
    }

    mutating func superEncoder() -> any Encoder {
        let depth = (try? writer.beginElement(of: id)) ?? 0
        count += 1
        return StreamingEncoder(writer: writer, depth: depth)
    }
}

struct StreamingSingleValueContainer: SingleValueEncodingContainer {
    let writer: JSONByteWriter
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { writer.append("null") }
    mutating func encode(_ value: Bool) throws { writer.append(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { writer.writeString(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try writer.writeValue(value, depth: depth) }
}

import CutawayModel

/// ``Mount``'s (and ``MountTable``'s) JSON written straight into the ``JSONByteWriter``, keys already in order.
///
/// A snapshot holds one `Mount` per line of every mount table (12,600 on a host with 300
/// containers), about three quarters of its JSON. Going through `Mount.encode(to:)` costs a
/// keyed container, a `String` per field and a reordering of the keys per mount; this writes
/// the same bytes directly: the fields and names of `Mount.encode(to:)` (the README's JSON
/// contract), sorted as ``JSONByteWriter`` sorts keys, with the `<name>Base64` sibling of a
/// byte field only when its bytes are not valid UTF-8. The byte-for-byte tests against
/// Foundation's encoder (JSONStreamEncoderTests) cover it: a field added to the model and not
/// here shows up there.
extension JSONByteWriter {
    /// Mount's keys, in the order written (sorted), `<name>Base64` siblings after their field.
    enum Key: Int, CaseIterable, DirectKey {
        case fsType, fsTypeBase64, id, majorMinor, master, mountOptions, mountPoint, mountPointBase64,
             otherOptionalFields, parentId, propagateFrom, propagation, root, rootBase64, shared, source,
             sourceBase64, superOptionList, superOptionListBase64, superOptions, superOptionsBase64, unbindable
    }

    func writeMount(_ m: Mount, depth: Int) {
        let prefixes = keyPrefixes(Key.self, depth: depth)
        buffer.append(UInt8(ascii: "{"))
        var first = true
        func key(_ name: Key) { writeKey(prefixes[name.rawValue], first: &first) }
        func bytes(_ value: ByteString, _ name: Key, _ sibling: Key) {
            key(name)
            if writeBytesIfValidUTF8(value) { return }
            writeString(value.lossyString)
            key(sibling)
            writeString(value.base64)
        }
        func integerOrNull(_ value: Int?) {
            if let value { writeInteger(value) } else { append("null") }
        }

        bytes(m.fsType, .fsType, .fsTypeBase64)
        key(.id); writeInteger(m.id)
        key(.majorMinor)
        buffer.append(UInt8(ascii: "\"")); writeDecimal(UInt64(m.major)); buffer.append(UInt8(ascii: ":")); writeDecimal(UInt64(m.minor)); buffer.append(UInt8(ascii: "\""))
        key(.master); integerOrNull(m.master)
        key(.mountOptions); writeString(m.mountOptions)
        bytes(m.mountPoint, .mountPoint, .mountPointBase64)
        key(.otherOptionalFields); writeStringArray(m.otherOptionalFields, depth: depth + 1)
        key(.parentId); writeInteger(m.parentID)
        key(.propagateFrom); integerOrNull(m.propagateFrom)
        key(.propagation)
        append(m.shared != nil ? "\"shared" : "\"private")
        if m.master != nil { append(",slave") }
        if m.unbindable { append(",unbindable") }
        buffer.append(UInt8(ascii: "\""))
        bytes(m.root, .root, .rootBase64)
        key(.shared); integerOrNull(m.shared)
        bytes(m.source, .source, .sourceBase64)
        key(.superOptionList)
        let valid = m.superOptions.allSatisfy(\.isValidUTF8)
        writeArray(m.superOptions, depth: depth + 1) { writeString($0.lossyString) }
        if !valid {
            key(.superOptionListBase64)
            writeArray(m.superOptions, depth: depth + 1) { writeString($0.base64) }
        }
        bytes(m.superOptionsString, .superOptions, .superOptionsBase64)
        key(.unbindable); append(m.unbindable ? "true" : "false")
        buffer.append(0x0A)
        indent(depth)
        buffer.append(UInt8(ascii: "}"))
    }

    /// A ``MountTable`` (synthesized Codable: `mountNamespace`, `mounts`, `readFrom` once
    /// sorted), its mounts through ``writeMount(_:depth:)``.
    func writeMountTable(_ t: MountTable, depth: Int) {
        let inner = [UInt8](repeating: 0x20, count: 2 * (depth + 1))
        buffer.append(UInt8(ascii: "{")); buffer.append(0x0A)
        buffer.append(contentsOf: inner); append("\"mountNamespace\" : "); writeInteger(t.mountNamespace)
        buffer.append(UInt8(ascii: ",")); buffer.append(0x0A)
        buffer.append(contentsOf: inner); append("\"mounts\" : ")
        writeArray(t.mounts, depth: depth + 1) { writeMount($0, depth: depth + 2) }
        buffer.append(UInt8(ascii: ",")); buffer.append(0x0A)
        buffer.append(contentsOf: inner); append("\"readFrom\" : "); writeInteger(t.readFrom)
        buffer.append(0x0A)
        indent(depth)
        buffer.append(UInt8(ascii: "}"))
    }

    /// An array at indentation `depth` (its brackets), elements one level deeper, written as
    /// the writer writes arrays (an empty one as `[`, two newlines, `]`).
    func writeArray<C: Collection>(_ items: C, depth: Int, _ element: (C.Element) -> Void) {
        buffer.append(UInt8(ascii: "["))
        if items.isEmpty { buffer.append(0x0A) }
        var first = true
        for item in items {
            if first { first = false } else { buffer.append(UInt8(ascii: ",")) }
            buffer.append(0x0A)
            indent(depth + 1)
            element(item)
        }
        buffer.append(0x0A)
        indent(depth)
        buffer.append(UInt8(ascii: "]"))
    }

    func writeStringArray(_ items: [String], depth: Int) {
        writeArray(items, depth: depth) { writeString($0) }
    }

    /// Writes `value` as a JSON string when its bytes are valid UTF-8
    /// (``ByteString/isValidUTF8``); returns false and writes nothing otherwise.
    func writeBytesIfValidUTF8(_ value: ByteString) -> Bool {
        guard value.isValidUTF8 else { return false }
        value.bytes.withUnsafeBufferPointer { writeStringBytes($0) }
        return true
    }
}

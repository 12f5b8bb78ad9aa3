/// The fixed keys of a type that ``JSONByteWriter`` writes directly (without its
/// `encode(to:)`), in the order they are written: sorted as the writer sorts keys.
/// `CodingKey` gives each case its name as `stringValue`, made by the compiler (the raw
/// value is the case's index).
protocol DirectKey: CaseIterable, RawRepresentable, CodingKey where RawValue == Int, AllCases == [Self] {}

/// A key set and an indentation level, for ``JSONByteWriter/keyPrefixCache``.
struct KeyPrefixShape: Hashable {
    var keys: ObjectIdentifier
    var depth: Int
}

extension JSONByteWriter {
    /// For each key of `K`: `,` newline, the indentation of an entry of an object at `depth`,
    /// and `"key" : `. Made once per key set and level.
    func keyPrefixes<K: DirectKey>(_ keys: K.Type, depth: Int) -> [[UInt8]] {
        let shape = KeyPrefixShape(keys: ObjectIdentifier(keys), depth: depth)
        if let known = keyPrefixCache[shape] { return known }
        let indentation = [UInt8(ascii: ","), 0x0A] + [UInt8](repeating: 0x20, count: 2 * (depth + 1))
        let made = K.allCases.map { indentation + Array("\"\($0.stringValue)\" : ".utf8) }
        keyPrefixCache[shape] = made
        return made
    }

    /// Starts an entry with its prefix from ``keyPrefixes(_:depth:)``; the first entry of an
    /// object has no comma before it.
    @inline(__always) func writeKey(_ prefix: [UInt8], first: inout Bool) {
        buffer.append(contentsOf: prefix[(first ? 1 : 0)...])
        first = false
    }

    /// `null` or the integer.
    @inline(__always) func writeIntegerOrNull<I: BinaryInteger>(_ value: I?) {
        if let value { writeInteger(value) } else { append("null") }
    }
}

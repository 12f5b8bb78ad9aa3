import Foundation

/// A name as the kernel stores it: a sequence of bytes that is usually, but not always,
/// valid UTF-8 (path names, mount sources, process names).
///
/// cutaway never loses bytes. In text it prints invalid sequences as `\xHH`; in JSON it
/// writes the field as a string (invalid bytes replaced by U+FFFD) and, only when the
/// bytes are not valid UTF-8, a sibling field `<name>Base64` with the exact bytes
/// (see ``AnyCodingKey`` and the README's JSON contract).
public struct ByteString: Hashable, Sendable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The exact bytes.
    public var bytes: [UInt8]

    /// These bytes.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    /// The bytes of any byte sequence (a slice of a read buffer, for example).
    public init<S: Sequence>(_ bytes: S) where S.Element == UInt8 { self.bytes = Array(bytes) }
    /// The UTF-8 bytes of `string`.
    public init(_ string: String) { self.bytes = Array(string.utf8) }
    public init(stringLiteral value: String) { self.init(value) }

    /// Compares with a literal (`fsType == "overlay"`) byte for byte, without building a
    /// `ByteString` (an array) for the literal on every comparison: scans compare every one
    /// of thousands of mounts this way.
    public static func == (lhs: ByteString, rhs: StaticString) -> Bool {
        rhs.withUTF8Buffer { lhs.bytes.elementsEqual($0) }
    }

    /// The negation of ``==(_:_:)-(ByteString,StaticString)``.
    public static func != (lhs: ByteString, rhs: StaticString) -> Bool { !(lhs == rhs) }

    /// The bytes as a `String` when they are valid UTF-8, otherwise `nil`.
    public var utf8String: String? {
        String(validating: bytes, as: UTF8.self)
    }

    /// True when the bytes are valid UTF-8 (JSON then needs no `<name>Base64` sibling).
    /// ASCII, the common case, is checked first without making a `String`.
    public var isValidUTF8: Bool { bytes.allSatisfy { $0 < 0x80 } || utf8String != nil }
    /// True for no bytes.
    public var isEmpty: Bool { bytes.isEmpty }

    /// A string for JSON: invalid sequences become U+FFFD (the exact bytes go to `<name>Base64`).
    public var lossyString: String { String(decoding: bytes, as: UTF8.self) }

    /// A string for terminals (``TerminalText``): valid UTF-8 as is, except control characters
    /// (C0, DEL, C1), bidirectional-text controls and invalid bytes, which are written `\xHH`
    /// or `\u{HHHH}` (so a newline in a mount point cannot break a line, and an escape
    /// sequence in a name cannot reach the terminal).
    public var description: String {
        guard let text = utf8String else {
            return bytes.map { $0 < 0x80 && $0 >= 0x20 && $0 != 0x7f ? String(UnicodeScalar($0)) : String(format: "\\x%02x", $0) }.joined()
        }
        return TerminalText.escape(text)
    }

    /// The bytes in base64 (RFC 4648), for the `<name>Base64` JSON fields.
    public var base64: String { Data(bytes).base64EncodedString() }

    public static func < (lhs: ByteString, rhs: ByteString) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    /// True when the bytes start with `prefix`'s bytes.
    public func hasPrefix(_ prefix: ByteString) -> Bool { bytes.starts(with: prefix.bytes) }
}

/// A coding key made from any string, for the types whose JSON carries optional
/// `<name>Base64` siblings next to byte-string fields.
public struct AnyCodingKey: CodingKey, Hashable, ExpressibleByStringLiteral {
    public var stringValue: String
    public var intValue: Int? { nil }
    /// The key called `string`.
    public init(_ string: String) { stringValue = string }
    public init(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { return nil }
    public init(stringLiteral value: String) { stringValue = value }
}

extension KeyedEncodingContainer where K == AnyCodingKey {
    /// Writes `name` as a string and, when the bytes are not valid UTF-8, `nameBase64`.
    public mutating func encode(_ value: ByteString, named name: String) throws {
        try encode(value.lossyString, forKey: AnyCodingKey(name))
        if !value.isValidUTF8 { try encode(value.base64, forKey: AnyCodingKey(name + "Base64")) }
    }

    /// Writes `name` as an array of strings and, when any element is not valid UTF-8,
    /// `nameBase64` with every element's exact bytes.
    public mutating func encode(_ values: [ByteString], named name: String) throws {
        try encode(values.map(\.lossyString), forKey: AnyCodingKey(name))
        if values.contains(where: { !$0.isValidUTF8 }) {
            try encode(values.map(\.base64), forKey: AnyCodingKey(name + "Base64"))
        }
    }

    /// Writes `name` as ``encode(_:named:)`` does, or JSON `null` when absent.
    public mutating func encodeOrNull(_ value: ByteString?, named name: String) throws {
        if let value { try encode(value, named: name) } else { try encodeNil(forKey: AnyCodingKey(name)) }
    }

    /// Writes `name` as ``encode(_:named:)`` does, or JSON `null` when absent.
    public mutating func encodeOrNull(_ values: [ByteString]?, named name: String) throws {
        if let values { try encode(values, named: name) } else { try encodeNil(forKey: AnyCodingKey(name)) }
    }

    /// Writes an optional value as JSON `null` when absent (the JSON contract wants the key present).
    public mutating func encodeOrNull<T: Encodable>(_ value: T?, forKey key: String) throws {
        if let value { try encode(value, forKey: AnyCodingKey(key)) } else { try encodeNil(forKey: AnyCodingKey(key)) }
    }
}

extension KeyedDecodingContainer where K == AnyCodingKey {
    /// Reads what ``KeyedEncodingContainer/encode(_:named:)`` wrote, exact bytes first.
    public func decodeBytes(named name: String) throws -> ByteString {
        if let raw = try decodeIfPresent(String.self, forKey: AnyCodingKey(name + "Base64")) {
            guard let data = Data(base64Encoded: raw) else {
                throw DecodingError.dataCorruptedError(forKey: AnyCodingKey(name + "Base64"), in: self, debugDescription: "not base64")
            }
            return ByteString([UInt8](data))
        }
        return ByteString(try decode(String.self, forKey: AnyCodingKey(name)))
    }

    /// Reads what ``KeyedEncodingContainer/encode(_:named:)`` wrote for an array, exact bytes
    /// first (`nameBase64`, when present, holds every element).
    public func decodeBytesArray(named name: String) throws -> [ByteString] {
        if let raw = try decodeIfPresent([String].self, forKey: AnyCodingKey(name + "Base64")) {
            return try raw.map { item in
                guard let data = Data(base64Encoded: item) else {
                    throw DecodingError.dataCorruptedError(forKey: AnyCodingKey(name + "Base64"), in: self, debugDescription: "not base64")
                }
                return ByteString([UInt8](data))
            }
        }
        return try decode([String].self, forKey: AnyCodingKey(name)).map { ByteString($0) }
    }

    /// Reads what ``KeyedEncodingContainer/encodeOrNull(_:named:)`` wrote: nil
    /// when the key is absent or `null`.
    public func decodeBytesIfPresent(named name: String) throws -> ByteString? {
        try contains(AnyCodingKey(name)) && !decodeNil(forKey: AnyCodingKey(name)) ? decodeBytes(named: name) : nil
    }

    /// Reads what ``KeyedEncodingContainer/encodeOrNull(_:named:)`` wrote:
    /// nil when the key is absent or `null`.
    public func decodeBytesArrayIfPresent(named name: String) throws -> [ByteString]? {
        try contains(AnyCodingKey(name)) && !decodeNil(forKey: AnyCodingKey(name)) ? decodeBytesArray(named: name) : nil
    }

    /// `decode(_:forKey:)` with the key given as a string.
    public func decode<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
        try decode(type, forKey: AnyCodingKey(key))
    }

    /// `decodeIfPresent(_:forKey:)` with the key given as a string.
    public func decodeIfPresent<T: Decodable>(_ type: T.Type, _ key: String) throws -> T? {
        try decodeIfPresent(type, forKey: AnyCodingKey(key))
    }
}

/// The one escaper for every string from data (names, paths, a hostname, an image's build
/// steps, anything in a saved snapshot) on its way to a terminal.
///
/// A terminal acts on control characters: `ESC ] 0;…` retitles the window, `ESC [2J` clears
/// it, and C1 codes (U+0080-U+009F, e.g. U+009B CSI) do the same on many terminals.
/// Bidirectional-text controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) make
/// text display in another order than it is ("Trojan Source"), and U+2028/U+2029 break lines.
/// Each of these is written visibly instead: C0 and DEL as `\xHH` (as ``ByteString`` always
/// did), the others as `\u{HHHH}`. Printable text, tabs aside, is unchanged.
public enum TerminalText {
    /// Whether `scalar` must not reach a terminal as is.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1f, 0x7f...0x9f: true
        case 0x061c, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a...0x202e, 0x2066...0x2069: true
        default: false
        }
    }

    /// One field: every unsafe scalar escaped, newlines and tabs included.
    public static func escape(_ text: String) -> String { escape(text, keeping: []) }

    /// A whole output (a report, a message): like ``escape(_:)`` but newlines and tabs stay,
    /// because the text's own layout uses them. Escaping twice changes nothing.
    public static func escapeKeepingLines(_ text: String) -> String { escape(text, keeping: ["\n", "\t"]) }

    private static func escape(_ text: String, keeping: Set<Unicode.Scalar>) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0) && !keeping.contains($0) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if !isUnsafe(scalar) || keeping.contains(scalar) {
                out.append(scalar)
            } else if scalar.value < 0x80 {
                out.append(contentsOf: String(format: "\\x%02x", scalar.value).unicodeScalars)
            } else {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            }
        }
        return String(out)
    }
}

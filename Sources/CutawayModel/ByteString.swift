import Foundation

/// A name as the kernel stores it: a sequence of bytes that is usually, but not always,
/// valid UTF-8 (path names, mount sources, process names).
///
/// cutaway never loses bytes. In text it prints invalid sequences as `\xHH`; in JSON it
/// writes the field as a string (invalid bytes replaced by U+FFFD) and, only when the
/// bytes are not valid UTF-8, a sibling field `<name>Base64` with the exact bytes
/// (see ``AnyCodingKey`` and the README's JSON contract).
public struct ByteString: Hashable, Sendable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init<S: Sequence>(_ bytes: S) where S.Element == UInt8 { self.bytes = Array(bytes) }
    public init(_ string: String) { self.bytes = Array(string.utf8) }
    public init(stringLiteral value: String) { self.init(value) }

    /// The bytes as a `String` when they are valid UTF-8, otherwise `nil`.
    public var utf8String: String? {
        String(validating: bytes, as: UTF8.self)
    }

    public var isValidUTF8: Bool { utf8String != nil }
    public var isEmpty: Bool { bytes.isEmpty }

    /// A string for JSON: invalid sequences become U+FFFD (the exact bytes go to `<name>Base64`).
    public var lossyString: String { String(decoding: bytes, as: UTF8.self) }

    /// A string for terminals: valid UTF-8 as is, except control characters and invalid
    /// bytes, which are written `\xHH` (so a newline in a mount point cannot break a line).
    public var description: String {
        guard let text = utf8String else {
            return bytes.map { $0 < 0x80 && $0 >= 0x20 && $0 != 0x7f ? String(UnicodeScalar($0)) : String(format: "\\x%02x", $0) }.joined()
        }
        if !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7f { out += String(format: "\\x%02x", scalar.value) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    public var base64: String { Data(bytes).base64EncodedString() }

    public static func < (lhs: ByteString, rhs: ByteString) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    public func hasPrefix(_ prefix: ByteString) -> Bool { bytes.starts(with: prefix.bytes) }
}

/// A coding key made from any string, for the types whose JSON carries optional
/// `<name>Base64` siblings next to byte-string fields.
public struct AnyCodingKey: CodingKey, Hashable, ExpressibleByStringLiteral {
    public var stringValue: String
    public var intValue: Int? { nil }
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

    public func decode<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
        try decode(type, forKey: AnyCodingKey(key))
    }

    public func decodeIfPresent<T: Decodable>(_ type: T.Type, _ key: String) throws -> T? {
        try decodeIfPresent(type, forKey: AnyCodingKey(key))
    }
}

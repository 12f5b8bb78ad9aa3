import CutawayModel
import Foundation

/// Everything cutaway prints passes ``TerminalText/escapeKeepingLines(_:)``: whatever a
/// renderer missed, no control sequence from data reaches the terminal.
enum FileHandleOutput {
    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(TerminalText.escapeKeepingLines(text).utf8))
    }

    static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(TerminalText.escapeKeepingLines(text).utf8))
    }
}

enum JSONOutput {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// JSON for standard output: DEL, C1 and bidi controls written as `\\uHHHH` escapes.
    static func string<T: Encodable>(_ value: T) throws -> String {
        TerminalText.escapeJSON(String(decoding: try encoder().encode(value), as: UTF8.self)) + "\n"
    }
}

/// `{"<key>": [...]}`, the top-level shape of every view's `--json`.
struct Wrapped<T: Encodable>: Encodable {
    var key: String
    var value: T
    var extra: [String: AnyEncodable] = [:]

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(value, forKey: AnyCodingKey(key))
        for (k, v) in extra { try c.encode(v, forKey: AnyCodingKey(k)) }
    }
}

struct AnyEncodable: Encodable {
    let encodeValue: (any Encoder) throws -> Void
    init<T: Encodable>(_ value: T) { encodeValue = value.encode }
    func encode(to encoder: any Encoder) throws { try encodeValue(encoder) }
}

/// Merges an object's keys into the top level: `{"overlay": {A}, "x": 1}` -> `{A..., "x": 1}`.
struct Flattened<T: Encodable>: Encodable {
    var wrapped: Wrapped<T>
    func encode(to encoder: any Encoder) throws {
        try wrapped.value.encode(to: encoder)
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        for (k, v) in wrapped.extra { try c.encode(v, forKey: AnyCodingKey(k)) }
    }
}

extension Wrapped {
    func flattened() -> Flattened<T> { Flattened(wrapped: self) }
}

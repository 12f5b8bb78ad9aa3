import CutawayModel
import CutawayRender
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

/// Every `--json` goes through here: ``JSONStreamEncoder`` writes the bytes straight to the
/// descriptor (the README's JSON contract: pretty-printed, keys sorted, slashes unescaped).
enum JSONOutput {
    /// Prints `value` as JSON and a newline to standard output.
    static func print<T: Encodable>(_ value: T) throws {
        try JSONStreamEncoder().write(value, to: STDOUT_FILENO)
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
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) { try c.encode(v, forKey: AnyCodingKey(k)) }
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
        for (k, v) in wrapped.extra.sorted(by: { $0.key < $1.key }) { try c.encode(v, forKey: AnyCodingKey(k)) }
    }
}

extension Wrapped {
    func flattened() -> Flattened<T> { Flattened(wrapped: self) }
}

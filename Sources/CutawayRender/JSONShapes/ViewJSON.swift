import CutawayModel

/// `{"<key>": value, ...extra}`, the top-level shape of every view's `--json`, keys sorted.
public struct Wrapped<T: Encodable>: Encodable {
    /// The view's key (`"namespaces"`, `"mounts"`, …).
    public var key: String
    /// What the view shows.
    public var value: T
    /// Other top-level keys (`"visibility"`, `"focus"`, …).
    public var extra: [String: AnyEncodable]

    /// `{"key": value}` plus `extra`.
    public init(key: String, value: T, extra: [String: AnyEncodable] = [:]) { self.key = key; self.value = value; self.extra = extra }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(value, forKey: AnyCodingKey(key))
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) { try c.encode(v, forKey: AnyCodingKey(k)) }
    }
}

/// Any encodable value, for the `extra` keys of ``Wrapped``; an absent optional is `null`.
public struct AnyEncodable: Encodable {
    let encodeValue: (any Encoder) throws -> Void
    /// `value`, encoded as it encodes itself.
    public init<T: Encodable>(_ value: T) { encodeValue = value.encode }
    public func encode(to encoder: any Encoder) throws { try encodeValue(encoder) }
}

import CutawayModel

/// `"focus"` in `cutaway namespaces --pid/--container --json`:
/// `{"pid": 1234, "container": "web", "own": [{"type": "net", "inode": 4026532290}], "sharers": [1240]}`.
public struct FocusJSON: Encodable {
    /// The focus written.
    public var focus: Focus
    /// The JSON of `focus`.
    public init(_ focus: Focus) { self.focus = focus }

    struct Ref: Encodable { var type: NamespaceType; var inode: UInt64 }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(focus.pid, forKey: "pid")
        try c.encodeOrNull(focus.container?.name, forKey: "container")
        try c.encode(focus.own.sorted { ($0.type, $0.inode) < ($1.type, $1.inode) }.map { Ref(type: $0.type, inode: $0.inode) }, forKey: "own")
        try c.encode(focus.sharers, forKey: "sharers")
    }
}

import CutawayModel

/// JSON of a peer group: `{"id", "members", "slaves", "propagateFrom", "masters", "slaveGroups"}`,
/// each mount as `{"mountNamespace", "mountId", "mountPoint"}`.
public struct PeerGroupJSON: Encodable {
    /// The group written.
    public var group: PeerGroup
    /// The JSON of `group`.
    public init(_ group: PeerGroup) { self.group = group }

    struct Ref: Encodable {
        var ref: MountReference
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: AnyCodingKey.self)
            try c.encode(ref.mountNamespace, forKey: "mountNamespace")
            try c.encode(ref.mountID, forKey: "mountId")
            try c.encode(ref.mountPoint, named: "mountPoint")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(group.id, forKey: "id")
        try c.encode(group.members.map(Ref.init), forKey: "members")
        try c.encode(group.slaves.map(Ref.init), forKey: "slaves")
        try c.encode(group.propagatesTo.map(Ref.init), forKey: "propagateFrom")
        try c.encode(group.masters, forKey: "masters")
        try c.encode(group.slaveGroups, forKey: "slaveGroups")
    }
}

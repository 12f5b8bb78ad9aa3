import CutawayModel

/// `idmap --json`: `{"pid": N, "levels": [{"userNamespace", "depth", "owner", "ownerUID", "uidMap",
/// "gidMap", "setgroups"}]}`, outermost user namespace first.
public struct IDMapJSON: Encodable {
    /// The chain written.
    public var chain: IDMapChain
    /// The JSON of `chain`.
    public init(chain: IDMapChain) { self.chain = chain }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(chain.pid, forKey: "pid")
        var levels = c.nestedUnkeyedContainer(forKey: "levels")
        for level in chain.levels {
            var l = levels.nestedContainer(keyedBy: AnyCodingKey.self)
            try l.encode(level.namespace.inode, forKey: "userNamespace")
            try l.encode(level.depth, forKey: "depth")
            try l.encodeOrNull(level.namespace.owner, forKey: "owner")
            try l.encodeOrNull(level.namespace.ownerUID, forKey: "ownerUID")
            try l.encodeOrNull(level.maps?.uidMap, forKey: "uidMap")
            try l.encodeOrNull(level.maps?.gidMap, forKey: "gidMap")
            try l.encodeOrNull(level.maps?.setgroups, forKey: "setgroups")
        }
    }
}

import CutawayModel

/// `cutaway mounts --json`: `{"mounts": [mount], "mountNamespace", "readFrom", "peerGroups"}`;
/// the namespace and the reader are `null` for a saved mountinfo file, and the peer groups
/// are those touching the table's mounts in any of `allTables`.
public struct MountsJSON: Encodable {
    public var table: MountTable
    public var allTables: [MountTable]

    public init(table: MountTable, allTables: [MountTable]) { self.table = table; self.allTables = allTables }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(table.mounts, forKey: "mounts")
        try c.encodeOrNull(table.mountNamespace == 0 ? nil : table.mountNamespace, forKey: "mountNamespace")
        try c.encodeOrNull(table.readFrom == 0 ? nil : table.readFrom, forKey: "readFrom")
        try c.encode(PeerGroup.groups(touching: table.mounts, in: allTables).map(PeerGroupJSON.init), forKey: "peerGroups")
    }
}

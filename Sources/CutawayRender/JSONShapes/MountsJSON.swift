import CutawayModel

/// The JSON of `cutaway mounts --json` (README: JSON contract): `{"mountNamespace", "mounts",
/// "peerGroups", "readFrom"}`, each mount as ``Mount``'s `encode(to:)` writes it, each peer
/// group as ``PeerGroupJSON``; `mountNamespace` and `readFrom` are null for a mountinfo file.
///
/// A mount table can have tens of thousands of mounts (16 MB of JSON for 20,000), so with the
/// streaming encoder the whole document is written as bytes with its keys in order: nothing
/// is held back to be sorted, and the writer passes each 64 KiB on as soon as it is ready.
/// Any other encoder gets the same keys and values through its containers
/// (MountsJSONTests compares the bytes with Foundation's `JSONEncoder`).
public struct MountsJSON: Encodable {
    /// The mount table written.
    public var table: MountTable
    /// The peer groups its mounts belong to.
    public var peerGroups: [PeerGroup]

    /// The JSON of `table` with `peerGroups`.
    public init(table: MountTable, peerGroups: [PeerGroup]) { self.table = table; self.peerGroups = peerGroups }

    var mountNamespace: UInt64? { table.mountNamespace == 0 ? nil : table.mountNamespace }
    var readFrom: Int32? { table.readFrom == 0 ? nil : table.readFrom }

    public func encode(to encoder: any Encoder) throws {
        guard let streaming = encoder as? StreamingEncoder else {
            var c = encoder.container(keyedBy: AnyCodingKey.self)
            try c.encode(table.mounts, forKey: "mounts")
            try c.encodeOrNull(mountNamespace, forKey: "mountNamespace")
            try c.encodeOrNull(readFrom, forKey: "readFrom")
            try c.encode(peerGroups.map(PeerGroupJSON.init), forKey: "peerGroups")
            return
        }
        var out = JSONBytes(streaming)
        out.openObject()
        out.key("mountNamespace", first: true)
        if let n = mountNamespace { out.integer(n) } else { out.null() }
        out.key("mounts")
        out.openArray()
        for (n, m) in table.mounts.enumerated() {
            out.element(first: n == 0)
            // One mount: the writer's own direct Mount encoding (MountJSONWriter).
            out.mount(m)
            try out.flushIfLarge()
        }
        out.closeArray(empty: table.mounts.isEmpty)
        out.key("peerGroups")
        out.openArray()
        for (n, g) in peerGroups.enumerated() {
            out.element(first: n == 0)
            Self.write(g, to: &out)
            try out.flushIfLarge()
        }
        out.closeArray(empty: peerGroups.isEmpty)
        out.key("readFrom")
        if let r = readFrom { out.integer(r) } else { out.null() }
        out.closeObject()
        out.finish()
    }

    /// One peer group, keys sorted: the bytes of ``PeerGroupJSON``.
    static func write(_ g: PeerGroup, to out: inout JSONBytes) {
        out.openObject()
        out.key("id", first: true)
        out.integer(g.id)
        out.key("masters")
        out.list(g.masters.count) { out.integer(g.masters[$0]) }
        out.key("members")
        references(g.members, to: &out)
        out.key("propagateFrom")
        references(g.propagatesTo, to: &out)
        out.key("slaveGroups")
        out.list(g.slaveGroups.count) { out.integer(g.slaveGroups[$0]) }
        out.key("slaves")
        references(g.slaves, to: &out)
        out.closeObject()
    }

    /// `[{"mountId", "mountNamespace", "mountPoint"}, ...]`.
    static func references(_ refs: [MountReference], to out: inout JSONBytes) {
        if refs.isEmpty { return out.list(0) { _ in } }
        out.openArray()
        for (n, r) in refs.enumerated() {
            out.element(first: n == 0)
            out.openObject()
            out.key("mountId", first: true)
            out.integer(r.mountID)
            out.key("mountNamespace")
            out.integer(r.mountNamespace)
            out.bytes(r.mountPoint, named: "mountPoint")
            out.closeObject()
        }
        out.closeArray(empty: false)
    }
}

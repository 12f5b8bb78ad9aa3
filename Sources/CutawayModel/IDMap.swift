/// One line of `/proc/PID/uid_map` or `gid_map` (user_namespaces(7)): `count` ids starting at
/// `inside` in the namespace correspond to ids starting at `outside`.
///
/// `outside` is relative to the user namespace of the process that *read* the file, not
/// the parent namespace: cutaway reads from its own (normally the initial) namespace, so
/// `outside` is a host id.
public struct IDMapRange: Sendable, Hashable, Codable {
    /// The first id of the range inside the namespace (field 1 of the line).
    public var inside: UInt32
    /// The first id of the range outside: in the reader's user namespace (field 2).
    public var outside: UInt32
    /// How many ids the range maps (field 3).
    public var count: UInt32

    /// The line `inside outside count`.
    public init(inside: UInt32, outside: UInt32, count: UInt32) { self.inside = inside; self.outside = outside; self.count = count }

    /// `0 0 4294967295`: the identity map of the initial user namespace.
    public var isIdentity: Bool { inside == outside }
    /// `0 0 4294967295` exactly: every id maps to itself, as in the initial user namespace.
    public var isFullIdentity: Bool { inside == 0 && outside == 0 && count == UInt32.max }

    /// Maps an inside id to the outside, or nil when outside this range.
    public func toOutside(_ id: UInt32) -> UInt32? {
        guard id >= inside, UInt64(id) < UInt64(inside) + UInt64(count) else { return nil }
        return outside + (id - inside)
    }

    /// Maps an outside id back inside, or nil when outside this range.
    public func toInside(_ id: UInt32) -> UInt32? {
        guard id >= outside, UInt64(id) < UInt64(outside) + UInt64(count) else { return nil }
        return inside + (id - outside)
    }

    /// The last id of the range inside.
    public var lastInside: UInt32 { UInt32(UInt64(inside) + UInt64(count) - 1) }
    /// The last id of the range outside.
    public var lastOutside: UInt32 { UInt32(UInt64(outside) + UInt64(count) - 1) }
}

/// The uid/gid maps and setgroups state of one user namespace.
public struct UserNamespaceIDMaps: Sendable, Hashable, Codable {
    /// The nsfs inode of the user namespace.
    public var userNamespace: UInt64
    /// The process whose map files were read.
    public var readFrom: Int32
    /// `/proc/PID/uid_map`; empty when never written (ids map to the overflow uid 65534).
    public var uidMap: [IDMapRange]
    /// `/proc/PID/gid_map`; empty when never written (ids map to the overflow gid 65534).
    public var gidMap: [IDMapRange]
    /// `/proc/PID/setgroups`: `allow` or `deny`; nil where unreadable.
    public var setgroups: String?

    /// The maps of user namespace `userNamespace`, as read through process `readFrom`.
    public init(userNamespace: UInt64, readFrom: Int32, uidMap: [IDMapRange], gidMap: [IDMapRange], setgroups: String?) {
        self.userNamespace = userNamespace; self.readFrom = readFrom; self.uidMap = uidMap; self.gidMap = gidMap; self.setgroups = setgroups
    }
}

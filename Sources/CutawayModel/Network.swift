/// What is inside one network namespace (network_namespaces(7)): its devices with their
/// addresses, and its main routing tables, as rtnetlink(7) reports them from inside.
public struct NetworkNamespace: Sendable, Hashable, Codable {
    /// The nsfs inode of the network namespace.
    public var namespace: UInt64
    /// In ifindex order.
    public var interfaces: [NetworkInterface]
    /// The main table (254) of IPv4, then of IPv6, in the kernel's dump order.
    public var routes: [Route]

    /// What was read in the network namespace with inode `namespace`.
    public init(namespace: UInt64, interfaces: [NetworkInterface] = [], routes: [Route] = []) {
        self.namespace = namespace; self.interfaces = interfaces; self.routes = routes
    }

    /// The device with ifindex `index` in this namespace, if there is one.
    public func interface(index: Int32) -> NetworkInterface? { interfaces.first { $0.index == index } }

    enum CodingKeys: String, CodingKey { case namespace, interfaces, routes }
}

/// One network device (`ip link`), with its addresses (`ip addr`).
public struct NetworkInterface: Sendable, Hashable, Codable {
    /// The device name (IFLA_IFNAME); at most 15 bytes, not necessarily UTF-8.
    public var name: ByteString
    /// The ifindex, unique only within its namespace.
    public var index: Int32
    /// IFLA_INFO_KIND (`veth`, `bridge`, `macvlan`, `tun`, `vxlan`, …); `loopback` for `lo`;
    /// `device` for a device without a netlink kind (a hardware NIC, for one).
    public var kind: String
    /// IFF_UP: administratively up (`ip link set … up`).
    public var up: Bool
    /// The link-layer address (IFLA_ADDRESS) as colon-separated hex, or nil when it has none.
    public var mac: String?
    /// The maximum transmission unit in bytes (IFLA_MTU).
    public var mtu: Int
    /// IPv4 then IPv6, as CIDR (`10.77.1.1/24`, `fe80::1/64`), in the kernel's order.
    public var addresses: [String]
    /// The other end of a veth pair; nil for devices without one.
    public var peer: InterfacePeer?
    /// The name of the bridge (or bond) this device is a port of (IFLA_MASTER), or nil.
    public var master: ByteString?
    /// Why something about the device is unknown (e.g. its peer's namespace).
    public var notes: [String]

    /// A device as RTM_NEWLINK and RTM_NEWADDR messages describe it.
    public init(name: ByteString, index: Int32, kind: String, up: Bool, mac: String? = nil, mtu: Int, addresses: [String] = [],
                peer: InterfacePeer? = nil, master: ByteString? = nil, notes: [String] = []) {
        self.name = name; self.index = index; self.kind = kind; self.up = up; self.mac = mac; self.mtu = mtu
        self.addresses = addresses; self.peer = peer; self.master = master; self.notes = notes
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        name = try c.decodeBytes(named: "name")
        index = try c.decode(Int32.self, "index")
        kind = try c.decode(String.self, "kind")
        up = try c.decode(Bool.self, "up")
        mac = try c.decodeIfPresent(String.self, "mac")
        mtu = try c.decode(Int.self, "mtu")
        addresses = try c.decode([String].self, "addresses")
        peer = try c.decodeIfPresent(InterfacePeer.self, "peer")
        master = try c.decodeBytesIfPresent(named: "master")
        notes = try c.decodeIfPresent([String].self, "notes") ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(name, named: "name")
        try c.encode(index, forKey: "index")
        try c.encode(kind, forKey: "kind")
        try c.encode(up, forKey: "up")
        try c.encodeOrNull(mac, forKey: "mac")
        try c.encode(mtu, forKey: "mtu")
        try c.encode(addresses, forKey: "addresses")
        try c.encodeOrNull(peer, forKey: "peer")
        try c.encodeOrNull(master, named: "master")
        try c.encode(notes, forKey: "notes")
    }
}

/// The other end of a veth pair: its namespace and its name there.
public struct InterfacePeer: Sendable, Hashable, Codable {
    /// The peer's network namespace inode; nil when cutaway could not tell which namespace it
    /// is in (the interface's `notes` say why).
    public var namespace: UInt64?
    /// The peer's device name, nil when its namespace could not be read.
    public var name: ByteString?
    /// The peer's ifindex in its own namespace (IFLA_LINK).
    public var index: Int32

    /// The peer with ifindex `index` in namespace `namespace`, called `name` there.
    public init(namespace: UInt64?, name: ByteString?, index: Int32) { self.namespace = namespace; self.name = name; self.index = index }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        namespace = try c.decodeIfPresent(UInt64.self, "namespace")
        name = try c.decodeBytesIfPresent(named: "name")
        index = try c.decode(Int32.self, "index")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encodeOrNull(namespace, forKey: "namespace")
        try c.encodeOrNull(name, named: "name")
        try c.encode(index, forKey: "index")
    }
}

/// One route of a main routing table (`ip route`, `ip -6 route`).
public struct Route: Sendable, Hashable, Codable {
    /// `10.77.50.0/24`, `fe80::/64`, or `default` (prefix length 0).
    public var destination: String
    /// The next hop (RTA_GATEWAY), nil for a directly connected network.
    public var gateway: String?
    /// The output device's name (RTA_OIF), nil for routes without one (blackhole, unreachable).
    public var device: ByteString?
    /// RTN_* type when it is not `unicast`: `blackhole`, `unreachable`, `prohibit`, …
    public var type: String

    /// A route to `destination` (a unicast route by default).
    public init(destination: String, gateway: String? = nil, device: ByteString? = nil, type: String = "unicast") {
        self.destination = destination; self.gateway = gateway; self.device = device; self.type = type
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        destination = try c.decode(String.self, "destination")
        gateway = try c.decodeIfPresent(String.self, "gateway")
        device = try c.decodeBytesIfPresent(named: "device")
        type = try c.decodeIfPresent(String.self, "type") ?? "unicast"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(destination, forKey: "destination")
        try c.encodeOrNull(gateway, forKey: "gateway")
        try c.encodeOrNull(device, named: "device")
        try c.encode(type, forKey: "type")
    }
}

extension Snapshot {
    /// What is inside network namespace `inode`, if it was read (`networks` is sorted by
    /// namespace, so this is a binary search).
    public func network(_ inode: UInt64) -> NetworkNamespace? {
        Self.find(inode, in: networks, by: \.namespace)
    }

    /// What is inside IPC namespace `inode`, if it was read.
    public func ipcContents(_ inode: UInt64) -> IPCNamespace? {
        Self.find(inode, in: ipc, by: \.namespace)
    }

    static func find<T>(_ inode: UInt64, in list: [T], by key: KeyPath<T, UInt64>) -> T? {
        var low = 0, high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid][keyPath: key] < inode { low = mid + 1 } else { high = mid }
        }
        if low < list.count, list[low][keyPath: key] == inode { return list[low] }
        // A hand-made snapshot may not be sorted.
        return list.first { $0[keyPath: key] == inode }
    }
}

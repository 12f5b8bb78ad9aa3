/// The rtnetlink(7) messages cutaway asks for, as pure byte work: the dump requests for
/// links, addresses and routes, the RTM_GETNSID question, and decoders for the answers.
/// Constants are spelled from include/uapi/linux/rtnetlink.h, if_link.h, if_addr.h and
/// net_namespace.h.
public enum RouteNetlink {
    /// RTM_NEWLINK (a device, in answers) and RTM_GETLINK (ask for devices).
    public static let newLink: UInt16 = 16, getLink: UInt16 = 18
    /// RTM_NEWADDR (an address) and RTM_GETADDR (ask for addresses).
    public static let newAddress: UInt16 = 20, getAddress: UInt16 = 22
    /// RTM_NEWROUTE (a route) and RTM_GETROUTE (ask for routes).
    public static let newRoute: UInt16 = 24, getRoute: UInt16 = 26
    /// RTM_NEWNSID (a namespace id) and RTM_GETNSID (ask for one).
    public static let newNSID: UInt16 = 88, getNSID: UInt16 = 90

    /// AF_UNSPEC, AF_INET and AF_INET6 (address_families(7)).
    public static let familyUnspecified: UInt8 = 0, familyIPv4: UInt8 = 2, familyIPv6: UInt8 = 10
    /// RT_TABLE_MAIN.
    public static let mainTable: UInt32 = 254

    /// RTM_GETLINK dump: every device, `struct ifinfomsg` of family AF_UNSPEC.
    public static func linkDump(sequence: UInt32) -> [UInt8] {
        NetlinkMessage.request(type: getLink, flags: NetlinkMessage.flagRequest | NetlinkMessage.flagDump, sequence: sequence,
                               payload: [UInt8](repeating: 0, count: 16))
    }

    /// RTM_GETADDR dump of both families: `struct ifaddrmsg` of family AF_UNSPEC.
    public static func addressDump(sequence: UInt32) -> [UInt8] {
        NetlinkMessage.request(type: getAddress, flags: NetlinkMessage.flagRequest | NetlinkMessage.flagDump, sequence: sequence,
                               payload: [UInt8](repeating: 0, count: 8))
    }

    /// RTM_GETROUTE dump of one family (`struct rtmsg`); every table comes back.
    public static func routeDump(family: UInt8, sequence: UInt32) -> [UInt8] {
        var rtmsg = [UInt8](repeating: 0, count: 12)
        rtmsg[0] = family
        return NetlinkMessage.request(type: getRoute, flags: NetlinkMessage.flagRequest | NetlinkMessage.flagDump, sequence: sequence, payload: rtmsg)
    }

    /// RTM_GETNSID with NETNSA_FD: "which id does this namespace use for the namespace `fd`
    /// refers to?" (`ip netns identify`'s question). Asking never assigns an id.
    public static func nsidQuestion(fd: Int32, sequence: UInt32) -> [UInt8] {
        NetlinkMessage.request(type: getNSID, flags: NetlinkMessage.flagRequest, sequence: sequence,
                               payload: [familyUnspecified, 0, 0, 0], attributes: [(3 /* NETNSA_FD */, NetlinkMessage.le(UInt32(bitPattern: fd)))])
    }

    /// An RTM_NEWLINK message: one device.
    public struct Link: Sendable, Equatable {
        /// `ifi_index`: the device's ifindex in the namespace that answered.
        public var index: Int32
        /// ARPHRD_* (if_arp.h): 1 ether, 772 loopback, 65534 none.
        public var hardwareType: UInt16
        /// IFF_* (if.h): IFF_UP is bit 0.
        public var flags: UInt32
        /// IFLA_IFNAME: the device's name, as bytes.
        public var name: [UInt8]
        /// IFLA_MTU.
        public var mtu: UInt32?
        /// IFLA_ADDRESS: the link-layer (MAC) address, if the device has one.
        public var address: [UInt8]?
        /// IFLA_LINK: the ifindex of the device this one is tied to (a veth's peer).
        public var link: Int32?
        /// IFLA_LINK_NETNSID: the id (in the dumping namespace) of the namespace `link` is in;
        /// absent when it is this namespace.
        public var linkNetnsID: Int32?
        /// IFLA_MASTER: the bridge or bond this device is a port of.
        public var master: Int32?
        /// IFLA_LINKINFO / IFLA_INFO_KIND.
        public var kind: String?

        /// IFF_UP: administratively up.
        public var isUp: Bool { flags & 0x1 != 0 }
    }

    /// An RTM_NEWADDR message: one address of one device.
    public struct Address: Sendable, Equatable {
        /// `ifa_family`: AF_INET or AF_INET6.
        public var family: UInt8
        /// `ifa_prefixlen`: the prefix length of the address's network.
        public var prefixLength: UInt8
        /// `ifa_index`: the ifindex of the device it is on.
        public var index: Int32
        /// IFA_LOCAL where present (the address itself on point-to-point links), else IFA_ADDRESS.
        public var address: [UInt8]
    }

    /// An RTM_NEWROUTE message.
    public struct RouteEntry: Sendable, Equatable {
        /// `rtm_family`: AF_INET or AF_INET6.
        public var family: UInt8
        /// `rtm_dst_len`: the destination's prefix length (0 for a default route).
        public var destinationLength: UInt8
        /// RTA_TABLE where present (tables above 255), else rtm_table.
        public var table: UInt32
        /// RTN_*: 1 unicast, 2 local, 6 blackhole, 7 unreachable, 8 prohibit, …
        public var type: UInt8
        /// RTA_DST: the destination network's address; nil for a default route.
        public var destination: [UInt8]?
        /// One entry per next hop: (gateway, output ifindex). RTA_MULTIPATH gives several.
        public var nextHops: [(gateway: [UInt8]?, device: Int32?)]

        public static func == (a: RouteEntry, b: RouteEntry) -> Bool {
            a.family == b.family && a.destinationLength == b.destinationLength && a.table == b.table && a.type == b.type
                && a.destination == b.destination && a.nextHops.count == b.nextHops.count
                && zip(a.nextHops, b.nextHops).allSatisfy { $0.gateway == $1.gateway && $0.device == $1.device }
        }
    }

    /// The device an RTM_NEWLINK message describes; nil for any other message or a short one.
    public static func link(_ m: NetlinkMessage.Message) -> Link? {
        guard m.type == newLink, m.payload.count >= 16 else { return nil }
        let p = m.payload, s = p.startIndex
        let attrs = NetlinkMessage.attributes(p.dropFirst(16))
        var kind: String?
        if let info = attrs[18 /* IFLA_LINKINFO */], let k = NetlinkMessage.string(NetlinkMessage.attributes(info)[1 /* IFLA_INFO_KIND */]) {
            kind = String(decoding: k, as: UTF8.self)
        }
        return Link(index: Int32(bitPattern: NetlinkMessage.u32(p, s + 4)), hardwareType: NetlinkMessage.u16(p, s + 2),
                    flags: NetlinkMessage.u32(p, s + 8), name: NetlinkMessage.string(attrs[3]) ?? [],
                    mtu: NetlinkMessage.uint32(attrs[4]), address: attrs[1].map(Array.init),
                    link: NetlinkMessage.int32(attrs[5]), linkNetnsID: NetlinkMessage.int32(attrs[37]),
                    master: NetlinkMessage.int32(attrs[10]), kind: kind)
    }

    /// The address an RTM_NEWADDR message describes; nil for any other message, a short one, or
    /// one without an address.
    public static func address(_ m: NetlinkMessage.Message) -> Address? {
        guard m.type == newAddress, m.payload.count >= 8 else { return nil }
        let p = m.payload, s = p.startIndex
        let attrs = NetlinkMessage.attributes(p.dropFirst(8))
        guard let value = attrs[2 /* IFA_LOCAL */] ?? attrs[1 /* IFA_ADDRESS */] else { return nil }
        return Address(family: p[s], prefixLength: p[s + 1], index: Int32(bitPattern: NetlinkMessage.u32(p, s + 4)), address: Array(value))
    }

    /// The route an RTM_NEWROUTE message describes; nil for any other message or a short one.
    public static func route(_ m: NetlinkMessage.Message) -> RouteEntry? {
        guard m.type == newRoute, m.payload.count >= 12 else { return nil }
        let p = m.payload, s = p.startIndex
        let attrs = NetlinkMessage.attributes(p.dropFirst(12))
        var hops: [(gateway: [UInt8]?, device: Int32?)] = []
        if let multipath = attrs[9 /* RTA_MULTIPATH */] {
            // struct rtnexthop { u16 len; u8 flags; u8 hops; s32 ifindex; } + attributes, each aligned.
            var o = multipath.startIndex
            while multipath.endIndex - o >= 8 {
                let len = Int(NetlinkMessage.u16(multipath, o))
                guard len >= 8, len <= multipath.endIndex - o else { break }
                let inner = NetlinkMessage.attributes(multipath[(o + 8)..<(o + len)])
                hops.append((inner[5].map(Array.init), Int32(bitPattern: NetlinkMessage.u32(multipath, o + 4))))
                o += min(NetlinkMessage.align(len), multipath.endIndex - o)
            }
        } else {
            hops.append((attrs[5 /* RTA_GATEWAY */].map(Array.init), NetlinkMessage.int32(attrs[4 /* RTA_OIF */])))
        }
        return RouteEntry(family: p[s], destinationLength: p[s + 1], table: NetlinkMessage.uint32(attrs[15 /* RTA_TABLE */]) ?? UInt32(p[s + 4]),
                          type: p[s + 7], destination: attrs[1].map(Array.init), nextHops: hops)
    }

    /// NETNSA_NSID of an RTM_NEWNSID answer; nil when absent or NETNSA_NSID_NOT_ASSIGNED (-1).
    public static func nsid(_ m: NetlinkMessage.Message) -> Int32? {
        guard m.type == newNSID, m.payload.count >= 4 else { return nil }
        guard let id = NetlinkMessage.int32(NetlinkMessage.attributes(m.payload.dropFirst(4))[1]), id >= 0 else { return nil }
        return id
    }

    /// RTN_* as `ip route` prints them.
    public static func routeTypeName(_ type: UInt8) -> String {
        switch type {
        case 1: "unicast"
        case 2: "local"
        case 3: "broadcast"
        case 4: "anycast"
        case 5: "multicast"
        case 6: "blackhole"
        case 7: "unreachable"
        case 8: "prohibit"
        case 9: "throw"
        case 10: "nat"
        default: "type \(type)"
        }
    }
}

/// Text forms of addresses, as `ip` prints them.
public enum AddressText {
    /// `10.77.1.1`, or RFC 5952 IPv6 text (`fe80::1`, `::ffff:10.0.0.1`) as glibc's
    /// inet_ntop(3) writes it; colon-separated hex for any other length.
    public static func ip(_ bytes: [UInt8]) -> String {
        switch bytes.count {
        case 4: return bytes.map(String.init).joined(separator: ".")
        case 16: return ipv6(bytes)
        default: return mac(bytes)
        }
    }

    /// `10.77.1.0/24`; `default` for prefix length 0.
    public static func cidr(_ bytes: [UInt8]?, prefixLength: UInt8, family: UInt8) -> String {
        guard prefixLength > 0 else { return "default" }
        let full = bytes ?? [UInt8](repeating: 0, count: family == RouteNetlink.familyIPv6 ? 16 : 4)
        return "\(ip(full))/\(prefixLength)"
    }

    /// `02:42:ac:11:00:02`.
    public static func mac(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
    }

    static func ipv6(_ b: [UInt8]) -> String {
        let words = (0..<8).map { UInt16(b[2 * $0]) << 8 | UInt16(b[2 * $0 + 1]) }
        // The longest run of two or more zero words (the first on a tie) becomes "::".
        var best = (start: -1, length: 0), run = (start: -1, length: 0)
        for (i, w) in words.enumerated() {
            if w == 0 {
                run = run.start < 0 ? (i, 1) : (run.start, run.length + 1)
                if run.length > best.length { best = run }
            } else { run = (-1, 0) }
        }
        if best.length < 2 { best = (-1, 0) }
        // An embedded IPv4 address, as inet_ntop writes it: ::a.b.c.d and ::ffff:a.b.c.d.
        let embedsIPv4 = best.start == 0 && (best.length == 6 || (best.length == 7 && words[7] != 1) || (best.length == 5 && words[5] == 0xffff))
        var out = ""
        var i = 0
        while i < 8 {
            if i == best.start {
                out += "::"
                i += best.length
                continue
            }
            if embedsIPv4 && i == 6 {
                if !out.hasSuffix(":") { out += ":" }
                out += b[12...].map(String.init).joined(separator: ".")
                break
            }
            if !out.isEmpty && !out.hasSuffix(":") { out += ":" }
            out += String(words[i], radix: 16)
            i += 1
        }
        return out
    }
}

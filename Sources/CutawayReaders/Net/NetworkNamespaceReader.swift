import CutawayModel

/// Reads one network namespace from inside (on a ``NamespaceThread``) with rtnetlink(7)
/// dumps, and turns the answers into the model.
///
/// Note: a link dump makes the kernel give every namespace holding a veth peer an id in the
/// dumped namespace if it has none yet (IFLA_LINK_NETNSID is filled with peernet2id_alloc),
/// exactly as `ip link` does. Asking RTM_GETNSID never assigns one.
enum NetworkNamespaceReader {
    /// What the kernel said about one network namespace.
    struct Dump: Sendable {
        var links: [RouteNetlink.Link] = []
        var addresses: [RouteNetlink.Address] = []
        var routes: [RouteNetlink.RouteEntry] = []
        /// IFLA_LINK_NETNSID values of this namespace -> the namespace inodes they name.
        var peerNamespaces: [Int32: UInt64] = [:]
    }

    /// A namespace cutaway may be able to open, as a candidate for a peer's netns id.
    struct Candidate {
        var inode: UInt64
        var locations: [EnterableNamespace.Location]
    }

    /// Run on a thread inside the namespace: links, addresses, IPv4 and IPv6 routes, then
    /// the namespace ids its veth peers are in, asked for each candidate (but `excluded`, the
    /// namespace itself) until all are known.
    static func dump(candidates: [Candidate], excluding excluded: UInt64? = nil, procRoot: String) throws(NamespaceReadError) -> Dump {
        let socket = try NetlinkSocket()
        var d = Dump()
        d.links = try socket.dump(RouteNetlink.linkDump).compactMap(RouteNetlink.link)
        d.addresses = try socket.dump(RouteNetlink.addressDump).compactMap(RouteNetlink.address)
        for family in [RouteNetlink.familyIPv4, RouteNetlink.familyIPv6] {
            // A kernel without IPv6 answers EAFNOSUPPORT: no IPv6 routes, not an error.
            if let routes = try? socket.dump({ RouteNetlink.routeDump(family: family, sequence: $0) }) {
                d.routes += routes.compactMap(RouteNetlink.route)
            } else if family == RouteNetlink.familyIPv4 {
                d.routes += try socket.dump({ RouteNetlink.routeDump(family: family, sequence: $0) }).compactMap(RouteNetlink.route)
            }
        }
        var wanted = Set(d.links.compactMap(\.linkNetnsID))
        for candidate in candidates where !wanted.isEmpty && candidate.inode != excluded {
            guard case .success(let file) = EnterableNamespace.open(.net, candidate.inode, via: candidate.locations, procRoot: procRoot) else { continue }
            guard let answer = try? socket.ask({ RouteNetlink.nsidQuestion(fd: file.fd, sequence: $0) }),
                  let id = RouteNetlink.nsid(answer), wanted.remove(id) != nil else { continue }
            d.peerNamespaces[id] = candidate.inode
        }
        return d
    }

    /// The model of one namespace. Peers get their namespace and index here; their names are
    /// filled in by ``namePeers(_:)`` once every namespace is read.
    static func model(namespace inode: UInt64, _ d: Dump) -> NetworkNamespace {
        let links = d.links.sorted { $0.index < $1.index }
        var names: [Int32: [UInt8]] = [:]
        for l in links { names[l.index] = l.name }
        var addresses: [Int32: [String]] = [:]
        for a in d.addresses { addresses[a.index, default: []].append("\(AddressText.ip(a.address))/\(a.prefixLength)") }
        let interfaces = links.map { l -> NetworkInterface in
            var i = NetworkInterface(name: ByteString(l.name), index: l.index, kind: l.kind ?? (l.hardwareType == 772 ? "loopback" : "device"),
                                     up: l.isUp, mac: l.address.map(AddressText.mac), mtu: Int(l.mtu ?? 0), addresses: addresses[l.index] ?? [])
            if let m = l.master, let name = names[m] { i.master = ByteString(name) }
            if l.kind == "veth", let peerIndex = l.link, peerIndex > 0 {
                if let id = l.linkNetnsID {
                    let ns = d.peerNamespaces[id]
                    i.peer = InterfacePeer(namespace: ns, name: nil, index: peerIndex)
                    if ns == nil {
                        i.notes.append("peer: ifindex \(peerIndex) in the namespace this one knows as netns id \(id), which cutaway could not open (no visible process, fd or mount holds it, or permission denied)")
                    }
                } else {
                    i.peer = InterfacePeer(namespace: inode, name: names[peerIndex].map(ByteString.init), index: peerIndex)
                }
            }
            return i
        }
        let routes = d.routes.filter { $0.table == RouteNetlink.mainTable }.flatMap { r in
            r.nextHops.map { hop in
                Route(destination: AddressText.cidr(r.destination, prefixLength: r.destinationLength, family: r.family),
                      gateway: hop.gateway.map(AddressText.ip), device: hop.device.flatMap { names[$0] }.map(ByteString.init),
                      type: RouteNetlink.routeTypeName(r.type))
            }
        }
        return NetworkNamespace(namespace: inode, interfaces: interfaces, routes: routes)
    }

    /// Names each veth peer from its namespace's device list; a peer whose namespace was not
    /// read keeps its index and gets a note.
    static func namePeers(_ networks: inout [NetworkNamespace]) {
        var byNamespace: [UInt64: [Int32: ByteString]] = [:]
        for n in networks { byNamespace[n.namespace] = Dictionary(n.interfaces.map { ($0.index, $0.name) }, uniquingKeysWith: { a, _ in a }) }
        for n in networks.indices {
            for i in networks[n].interfaces.indices {
                guard var peer = networks[n].interfaces[i].peer, peer.name == nil, let ns = peer.namespace else { continue }
                if let devices = byNamespace[ns] {
                    peer.name = devices[peer.index]
                    if peer.name == nil { networks[n].interfaces[i].notes.append("peer: no device \(peer.index) in net:\(ns) (it changed while being read)") }
                } else {
                    networks[n].interfaces[i].notes.append("peer: in net:\(ns), whose devices could not be read")
                }
                networks[n].interfaces[i].peer = peer
            }
        }
    }
}

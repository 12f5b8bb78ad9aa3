import CutawayModel

/// `cutaway net`: what is inside each network namespace, like `ip -n NAME link/addr/route`
/// for every namespace at once, with veth pairs followed across namespaces.
public enum NetworkReport {
    /// `net:4026532400 (pid 1234 sleep; container docker web; held by bind mount /run/netns/blue)`.
    public static func label(_ type: NamespaceType, _ inode: UInt64, index: SnapshotIndex, readerName: String = "host") -> String {
        guard let ns = index.namespace(type, inode) else { return "\(type.rawValue):\(inode)" }
        let describer = NamespaceDescriber(index: index, readerName: readerName)
        let leader = describer.leader(ns)
        var parts = leader == "-" ? [] : ["pid " + leader]
        parts += describer.details(ns).filter { !$0.hasPrefix("devices:") && !$0.hasPrefix("IPC:") }
        return "\(type.rawValue):\(inode)" + (parts.isEmpty ? "" : " (\(parts.joined(separator: "; ")))")
    }

    /// `veth-b in net:4026532400 (pid 99 sleep)`, or what is known of a peer.
    public static func peerText(_ peer: InterfacePeer, from namespace: UInt64, index: SnapshotIndex) -> String {
        let name = peer.name?.description ?? "ifindex \(peer.index)"
        guard let ns = peer.namespace else { return "\(name) in a namespace cutaway cannot see" }
        if ns == namespace { return "\(name) (same namespace)" }
        return "\(name) in " + label(.net, ns, index: index)
    }

    /// `networks` and `unread` are the selection to show (all of the snapshot's, or one namespace's).
    public static func render(_ networks: [NetworkNamespace], unread: [UnreadNamespace], snapshot: Snapshot) -> String {
        let index = SnapshotIndex(snapshot)
        var out = ""
        if !snapshot.visibility.namespaceContentsRead {
            out += "No network namespace contents in this snapshot: they are read from the live kernel only (a capture has no netlink; an older snapshot has none).\n"
        }
        for (n, net) in networks.enumerated() {
            if n > 0 { out += "\n" }
            out += "Network namespace " + label(.net, net.namespace, index: index) + "\n"
            var devices = TextTable(headers: ["DEVICE", "INDEX", "KIND", "STATE", "MTU", "MAC", "ADDRESSES", "LINK"], rightAligned: [1, 4])
            for i in net.interfaces {
                var link: [String] = []
                if let peer = i.peer { link.append("veth peer " + peerText(peer, from: net.namespace, index: index)) }
                if let master = i.master { link.append("port of \(master)") }
                let ports = net.interfaces.filter { $0.master == i.name }.map(\.name.description)
                if !ports.isEmpty { link.append("ports: " + ports.joined(separator: ", ")) }
                link += i.notes
                devices.add([i.name.description, String(i.index), i.kind, i.up ? "up" : "down", String(i.mtu), i.mac ?? "-",
                              i.addresses.isEmpty ? "-" : i.addresses.joined(separator: " "), link.joined(separator: "; ")])
            }
            out += indent(devices.render())
            if net.routes.isEmpty {
                out += "  no routes in the main tables\n"
            } else {
                out += "  Routes (main tables, IPv4 then IPv6):\n"
                var routes = TextTable(headers: ["DESTINATION", "GATEWAY", "DEVICE", "TYPE"])
                for r in net.routes { routes.add([r.destination, r.gateway ?? "-", r.device?.description ?? "-", r.type]) }
                out += indent(routes.render(), by: 4)
            }
        }
        for u in unread {
            out += "\nNetwork namespace " + label(.net, u.namespace, index: index) + ": not read: \(u.reason)\n"
        }
        return out + VisibilityReport.render(snapshot.visibility)
    }

    /// One short clause per device for other reports: `eth0 172.17.0.2/16 (veth to vethab12 in net:4026531833 host)`.
    public static func deviceSummary(_ net: NetworkNamespace, index: SnapshotIndex, limit: Int = 6) -> [String] {
        let host = index.snapshot.reader.namespaces[.net]
        var out = net.interfaces.prefix(limit).map { i -> String in
            var s = i.name.description
            if let first = i.addresses.first(where: { !$0.hasPrefix("fe80:") }) { s += " " + first }
            var kind = i.kind == "loopback" || i.kind == "device" ? "" : i.kind
            if !i.up { kind += kind.isEmpty ? "down" : ", down" }
            if let peer = i.peer {
                let name = peer.name?.description ?? "ifindex \(peer.index)"
                if peer.namespace == net.namespace { kind += " to \(name) here" }
                else if let ns = peer.namespace { kind += " to \(name) in net:\(ns)\(ns == host ? " (host)" : "")" }
                else { kind += " to a namespace cutaway cannot see" }
            }
            if let master = i.master { kind += ", port of \(master)" }
            return kind.isEmpty ? s : "\(s) (\(kind))"
        }
        if net.interfaces.count > limit { out.append("+\(net.interfaces.count - limit) more") }
        return out
    }

    static func indent(_ text: String, by n: Int = 2) -> String {
        let pad = String(repeating: " ", count: n)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
    }
}

import CutawayModel
@testable import CutawayReaders
import CutawayRender
import Foundation
import Testing

/// Pure parser tests on rtnetlink answers captured from a real network namespace
/// (Fixtures/netlink, re-made with `sudo Tests/Scripts/make-netlink-fixtures.sh`: the
/// namespace NETNS_A of net-scenario.sh), and on `/proc/sysvipc` text.
@Suite struct NetlinkParserTests {
    static let fixtures = TestSupport.testsDirectory.appendingPathComponent("Fixtures/netlink")

    /// The datagrams of one captured dump, parsed into messages.
    static func messages(_ name: String) throws -> [NetlinkMessage.Message] {
        let text = try String(contentsOf: fixtures.appendingPathComponent(name + ".hex"), encoding: .utf8)
        return try text.split(separator: "\n").flatMap { line -> [NetlinkMessage.Message] in
            var bytes: [UInt8] = []
            var i = line.startIndex
            while i < line.endIndex {
                let j = line.index(i, offsetBy: 2)
                bytes.append(UInt8(line[i..<j], radix: 16)!)
                i = j
            }
            return try NetlinkMessage.messages(in: bytes[...])
        }
    }

    static func dump() throws -> NetworkNamespaceReader.Dump {
        var d = NetworkNamespaceReader.Dump()
        d.links = try messages("link").compactMap(RouteNetlink.link)
        d.addresses = try messages("addr").compactMap(RouteNetlink.address)
        d.routes = try (messages("route4") + messages("route6")).compactMap(RouteNetlink.route)
        return d
    }

    static func peerIndex() throws -> Int32 {
        let peer = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("peer.json"))) as! [[String: Any]]
        return Int32(peer[0]["ifindex"] as! Int)
    }

    @Test func linkDumpGivesDevicesKindsPeersAndBridgePorts() throws {
        let all = try Self.messages("link")
        #expect(all.last?.type == NetlinkMessage.done)
        let links = all.compactMap(RouteNetlink.link)
        let names = links.map { String(decoding: $0.name, as: UTF8.self) }
        #expect(names == ["lo", "cutaway-net-va", "cutaway-net-ib", "cutaway-net-ia", "cutaway-net-br"])
        let byName = Dictionary(uniqueKeysWithValues: zip(names, links))
        #expect(byName["lo"]?.hardwareType == 772 && byName["lo"]?.kind == nil && byName["lo"]?.mtu == 65536 && byName["lo"]?.isUp == true)
        let va = try #require(byName["cutaway-net-va"]), ia = try #require(byName["cutaway-net-ia"]), ib = try #require(byName["cutaway-net-ib"])
        #expect(va.kind == "veth" && va.mtu == 1500 && va.isUp && va.address?.count == 6)
        // A peer in another namespace: IFLA_LINK is its index there, IFLA_LINK_NETNSID names the namespace.
        #expect(va.link == (try Self.peerIndex()) && va.linkNetnsID != nil)
        // A pair inside one namespace: no netns id, the peer's ifindex here.
        #expect(ib.link == ia.index && ia.link == ib.index && ib.linkNetnsID == nil)
        #expect(ib.master == byName["cutaway-net-br"]?.index && byName["cutaway-net-br"]?.kind == "bridge")
    }

    @Test func modelNamesPeersAcrossNamespacesAndFiltersTheMainTable() throws {
        var d = try Self.dump()
        let id = try #require(d.links.first { $0.name == Array("cutaway-net-va".utf8) }?.linkNetnsID)
        d.peerNamespaces[id] = 200
        var networks = [NetworkNamespaceReader.model(namespace: 100, d),
                        NetworkNamespace(namespace: 200, interfaces: [NetworkInterface(name: "cutaway-net-vb", index: try Self.peerIndex(), kind: "veth", up: true, mtu: 1500)])]
        NetworkNamespaceReader.namePeers(&networks)
        let a = networks[0]
        func device(_ name: ByteString) -> NetworkInterface? { a.interfaces.first { $0.name == name } }
        #expect(device("cutaway-net-va")?.peer == InterfacePeer(namespace: 200, name: "cutaway-net-vb", index: try Self.peerIndex()))
        #expect(device("cutaway-net-ib")?.peer == InterfacePeer(namespace: 100, name: "cutaway-net-ia", index: device("cutaway-net-ia")!.index))
        #expect(device("cutaway-net-ib")?.master == "cutaway-net-br")
        #expect(device("lo")?.kind == "loopback" && device("lo")?.peer == nil && device("lo")?.addresses == ["127.0.0.1/8", "::1/128"])
        #expect(device("cutaway-net-va")?.addresses.prefix(2) == ["10.77.1.1/24", "fd77:1::1/64"])
        #expect(device("cutaway-net-va")?.addresses.last?.hasPrefix("fe80::") == true)
        #expect(device("cutaway-net-va")?.notes == [])
        // Main table only: the local table's `local 10.77.1.1` and broadcasts are not routes here.
        #expect(a.routes.contains(Route(destination: "10.77.50.0/24", gateway: "10.77.1.2", device: "cutaway-net-va")))
        #expect(a.routes.contains(Route(destination: "fd77:50::/64", gateway: "fd77:1::2", device: "cutaway-net-va")))
        #expect(a.routes.contains(Route(destination: "10.77.1.0/24", gateway: nil, device: "cutaway-net-va")))
        #expect(!a.routes.contains { $0.destination.hasPrefix("10.77.1.1/") || $0.type != "unicast" })
        #expect(a.routes.filter { $0.destination.contains(".") }.count == 3)

        // An id no candidate answered: the namespace is unknown, the note says why.
        var unknown = try Self.dump()
        unknown.peerNamespaces = [:]
        let lonely = NetworkNamespaceReader.model(namespace: 100, unknown).interfaces.first { $0.name == "cutaway-net-va" }
        #expect(lonely?.peer?.namespace == nil && lonely?.peer?.name == nil && lonely?.notes.first?.contains("netns id") == true)
    }

    @Test func malformedDatagramsAreRejectedNotTrusted() throws {
        let good = RouteNetlink.linkDump(sequence: 7)
        #expect(good.count == 32 && NetlinkMessage.u32(good[...], 0) == 32 && NetlinkMessage.u16(good[...], 4) == RouteNetlink.getLink)
        #expect(NetlinkMessage.u16(good[...], 6) == NetlinkMessage.flagRequest | NetlinkMessage.flagDump && NetlinkMessage.u32(good[...], 8) == 7)
        // A length past the end, a length shorter than a header, a trailing fragment.
        var long = good; long[0] = 200
        #expect(throws: NetlinkMessage.ParseError.self) { try NetlinkMessage.messages(in: long[...]) }
        var short = good; short[0] = 8
        #expect(throws: NetlinkMessage.ParseError.self) { try NetlinkMessage.messages(in: short[...]) }
        #expect(throws: NetlinkMessage.ParseError.self) { try NetlinkMessage.messages(in: (good + [1, 2, 3])[...]) }
        // An attribute whose length runs past its message ends the attribute list there.
        let attributes: [UInt8] = [8, 0, 3, 0, 0x6c, 0x6f, 0, 0, 200, 0, 4, 0, 1, 2, 3, 4]
        #expect(NetlinkMessage.attributes(attributes[...]).keys.sorted() == [3])
        // A too-short family header is not a link.
        let stub = NetlinkMessage.Message(type: RouteNetlink.newLink, flags: 0, sequence: 1, portID: 0, payload: [1, 2, 3][...])
        #expect(RouteNetlink.link(stub) == nil)
        // NLMSG_ERROR carries a negative errno; RTM_NEWNSID's -1 means "no id assigned".
        let error = try NetlinkMessage.messages(in: NetlinkMessage.request(type: NetlinkMessage.error, flags: 0, sequence: 1, payload: NetlinkMessage.le(Int32(-1)) + [UInt8](repeating: 0, count: 16))[...])
        #expect(NetlinkMessage.errorCode(error[0]) == -1)
        let nsid = { (value: Int32) in
            try NetlinkMessage.messages(in: NetlinkMessage.request(type: RouteNetlink.newNSID, flags: 0, sequence: 1, payload: [0, 0, 0, 0],
                                                                   attributes: [(1, NetlinkMessage.le(value))])[...])[0]
        }
        let three = try nsid(3), none = try nsid(-1)
        #expect(RouteNetlink.nsid(three) == 3 && RouteNetlink.nsid(none) == nil)
        let question = RouteNetlink.nsidQuestion(fd: 9, sequence: 2)
        #expect(NetlinkMessage.attributes(question[20...])[3].map(Array.init) == NetlinkMessage.le(UInt32(9)))
    }

    @Test(arguments: [
        ("0000000000000000000000000000000", "::"), ("00000000000000000000000000000001", "::1"),
        ("fe800000000000000000000000000001", "fe80::1"), ("20010db8000000010000000000000001", "2001:db8:0:1::1"),
        ("20010db8000000000001000000000001", "2001:db8::1:0:0:1"), ("00000000000000000000ffff0a000001", "::ffff:10.0.0.1"),
        ("00010000000000000000000000000000", "1::"), ("20010db8000100010001000100010001", "2001:db8:1:1:1:1:1:1"),
        ("20010db8000000010001000100010001", "2001:db8:0:1:1:1:1:1"),
    ])
    func ipv6TextIsWhatInetNtopWrites(hex: String, text: String) {
        let padded = String(repeating: "0", count: max(0, 32 - hex.count)) + hex
        var bytes: [UInt8] = []
        var i = padded.startIndex
        while i < padded.endIndex { let j = padded.index(i, offsetBy: 2); bytes.append(UInt8(padded[i..<j], radix: 16)!); i = j }
        #expect(AddressText.ip(bytes) == text)
        #expect(AddressText.cidr(nil, prefixLength: 0, family: RouteNetlink.familyIPv6) == "default")
        #expect(AddressText.mac([0x02, 0x42, 0xac, 0x11, 0, 2]) == "02:42:ac:11:00:02")
    }

    @Test func sysvipcTextParsesByColumnName() {
        // Captured from a kernel 6.18 IPC namespace holding one object of each kind.
        let shm = Array("""
               key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap
        2054619137          0   600                  4096  4162  4162      1     0     0     0     0 1795950621          0 1795950621                     0                     0
        -1                  5   600                    16  4162  4162      0  1000     0     0     0 1795950621          0 1795950621                     0                     0

        """.utf8)
        let sem = Array("""
               key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime
        2054619138          0   600          3     0     0     0     0          0 1795950621

        """.utf8)
        let msg = Array("""
               key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime
        2054619139          0   600           5          1  4162     0     0     0     0     0 1795950621          0 1795950621
        garbage line

        """.utf8)
        let s = SysVIPCParser.sharedMemory(shm)
        #expect(s.objects == [SharedMemorySegment(key: 0x7A77_0001, id: 0, bytes: 4096, ownerUID: 0, attached: 1),
                              SharedMemorySegment(key: -1, id: 5, bytes: 16, ownerUID: 1000, attached: 0)])
        #expect(SysVIPCParser.semaphoreSets(sem).objects == [SemaphoreSet(key: 0x7A77_0002, id: 0, semaphores: 3, ownerUID: 0)])
        let m = SysVIPCParser.messageQueues(msg)
        #expect(m.objects == [MessageQueue(key: 0x7A77_0003, id: 0, messages: 1, bytes: 5, ownerUID: 0)])
        #expect(m.diagnostics.count == 1 && m.diagnostics[0].line == 3)
        #expect(SysVIPCParser.sharedMemory(Array("no header here\n".utf8)).diagnostics.first?.message.contains("no column") == true)
        #expect(SysVIPCParser.sharedMemory([]).objects.isEmpty)
        #expect(IPCReport.key(0x7A77_0001) == "0x7a770001" && IPCReport.key(-1) == "0xffffffff")
    }

    @Test func mountinfoDeviceNumbersMatchStatDev() {
        #expect(MqueueMount.deviceNumber("0:23") == 23)
        #expect(MqueueMount.deviceNumber("8:1") == 0x801)
        #expect(MqueueMount.deviceNumber("259:65536") == ((259 & 0xfff) << 8) | ((65536 & 0xffff_ff00) << 12))
        #expect(MqueueMount.deviceNumber("x") == nil)
    }

    @Test func networkJSONKeepsTheContractShape() throws {
        let n = NetworkNamespace(namespace: 7, interfaces: [NetworkInterface(name: ByteString([0x62, 0xff]), index: 2, kind: "veth", up: true, mac: "02:00:00:00:00:01", mtu: 1500,
                                                                              addresses: ["10.0.0.1/24"], peer: InterfacePeer(namespace: nil, name: nil, index: 4), notes: ["peer: …"])],
                                 routes: [Route(destination: "default", gateway: nil, device: nil, type: "blackhole")])
        let data = try JSONEncoder().encode(n)
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let i = (object["interfaces"] as! [[String: Any]])[0]
        #expect(i["nameBase64"] as? String == "Yv8=" && (i["peer"] as? [String: Any])?["namespace"] is NSNull && i["master"] is NSNull)
        let r = (object["routes"] as! [[String: Any]])[0]
        #expect(r["gateway"] is NSNull && r["device"] is NSNull && r["destination"] as? String == "default")
        #expect(try JSONDecoder().decode(NetworkNamespace.self, from: data) == n)
        let ipc = IPCNamespace(namespace: 9, posixMessageQueues: nil)
        let ipcObject = try JSONSerialization.jsonObject(with: JSONEncoder().encode(ipc)) as! [String: Any]
        #expect(ipcObject["posixMessageQueues"] is NSNull && (ipcObject["sharedMemory"] as? [Any])?.isEmpty == true)
        #expect(try JSONDecoder().decode(IPCNamespace.self, from: JSONEncoder().encode(ipc)) == ipc)
    }
}

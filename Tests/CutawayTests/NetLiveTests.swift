import CutawayModel
import CutawayReaders
import Foundation
import Testing

extension LiveSystemTests {
    /// Builds two network namespaces joined by a veth pair, a second pair inside one of them
    /// (one end a bridge port), routes via the peer, and an IPC namespace with System V objects
    /// and a POSIX queue (Tests/Scripts/net-scenario.sh); compares cutaway's JSON field by field
    /// with `ip -j` and `ipcs` run inside those namespaces and with a listing of the mqueue mount
    /// the scenario made in its own mount namespace.
    @Suite(.serialized, .enabled(if: TestSupport.isRoot, "skipped: needs root to build network and IPC namespaces (run `sudo swift test`)"))
    struct NetLiveTests {
        static let script = TestSupport.packageRoot.appendingPathComponent("Tests/Scripts/net-scenario.sh").path

        /// `ip -n NAME ARGS -j` in the scenario's lab mount namespace (where /run/netns/NAME is).
        static func ip(_ env: [String: String], _ netns: String, _ args: [String]) throws -> [[String: Any]] {
            let r = try TestSupport.run("/usr/bin/nsenter", ["-t", env["LAB_PID"]!, "-m", "--", "/usr/sbin/ip", "-n", netns, "-j"] + args)
            #expect(r.status == 0, "ip \(args): \(r.stderr)")
            return try JSONSerialization.jsonObject(with: r.stdout) as? [[String: Any]] ?? []
        }

        /// The host's view that must not change: its mount table and its `ip netns` list.
        static func hostState() throws -> String {
            let mounts = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
            return mounts + "\n--\n" + (try TestSupport.run("/usr/sbin/ip", ["netns", "list"]).text)
        }

        @Test func networksAndIPCMatchIpAndIpcsInsideTheirNamespaces() throws {
            let before = try Self.hostState()
            #expect(!before.contains("cutaway-net-"), "a previous run left cutaway-net- mounts or netns behind")
            try TestSupport.withScenario(script: Self.script) { env in
                let a = env["NETNS_A"]!, b = env["NETNS_B"]!
                let netA = UInt64(env["NET_A"]!)!, netB = UInt64(env["NET_B"]!)!
                // The oracles first: `ip link` assigns peer netns ids as cutaway's link dump does.
                var oracle: [UInt64: (links: [[String: Any]], addrs: [[String: Any]], routes: [[String: Any]])] = [:]
                for (name, inode) in [(a, netA), (b, netB)] {
                    oracle[inode] = (try Self.ip(env, name, ["-d", "link", "show"]), try Self.ip(env, name, ["addr", "show"]),
                                     try Self.ip(env, name, ["route", "show", "table", "main"]) + Self.ip(env, name, ["-6", "route", "show", "table", "main"]))
                }
                let labNetnsBefore = try TestSupport.run("/usr/bin/nsenter", ["-t", env["LAB_PID"]!, "-m", "--", "/usr/sbin/ip", "netns", "list"]).text
                let hostBefore = try Self.hostState()

                let cli = try TestSupport.cutaway("snapshot", "--json")
                #expect(cli.status == 0, "\(cli.stderr)")
                let snapshot = try JSONDecoder().decode(Snapshot.self, from: cli.stdout)
                let raw = try cli.json()

                // Nothing changed: host mount table and netns list, the lab's netns list (with ids).
                let hostAfter = try Self.hostState()
                #expect(hostAfter == hostBefore, "cutaway changed the host's mount table or netns list: \(Set(hostAfter.split(separator: "\n")).symmetricDifference(Set(hostBefore.split(separator: "\n"))))")
                #expect(try TestSupport.run("/usr/bin/nsenter", ["-t", env["LAB_PID"]!, "-m", "--", "/usr/sbin/ip", "netns", "list"]).text == labNetnsBefore)

                #expect(snapshot.visibility.namespaceContentsRead)
                #expect(!snapshot.visibility.networksUnread.contains { $0.namespace == netA || $0.namespace == netB })
                for inode in [netA, netB] {
                    let mine = try #require(snapshot.networks.first { $0.namespace == inode }, "net:\(inode) missing")
                    let (links, addrs, routes) = oracle[inode]!
                    #expect(mine.interfaces.map(\.index) == links.map { Int32($0["ifindex"] as? Int ?? -1) }, "devices of net:\(inode)")
                    for link in links {
                        let name = link["ifname"] as? String ?? "?"
                        guard let i = mine.interfaces.first(where: { $0.name.utf8String == name }) else { Issue.record("no \(name) in net:\(inode)"); continue }
                        let kind = (link["linkinfo"] as? [String: Any])?["info_kind"] as? String ?? (link["link_type"] as? String == "loopback" ? "loopback" : "device")
                        #expect(i.kind == kind, "kind of \(name)")
                        #expect(i.up == (link["flags"] as? [String] ?? []).contains("UP"), "up of \(name)")
                        #expect(i.mac == link["address"] as? String, "mac of \(name)")
                        #expect(i.mtu == link["mtu"] as? Int, "mtu of \(name)")
                        #expect(i.master?.utf8String == link["master"] as? String, "master of \(name)")
                        let ipAddresses = (addrs.first { $0["ifname"] as? String == name }?["addr_info"] as? [[String: Any]] ?? [])
                            .map { "\($0["local"] as? String ?? "?")/\($0["prefixlen"] as? Int ?? -1)" }
                        #expect(i.addresses == ipAddresses, "addresses of \(name)")
                        if kind == "veth" {
                            let peer = try #require(i.peer, "peer of \(name)")
                            if let sameNamespacePeer = link["link"] as? String {
                                #expect(peer.namespace == inode && peer.name?.utf8String == sameNamespacePeer, "same-namespace peer of \(name)")
                            } else {
                                #expect(link["link_netnsid"] != nil)
                                #expect(peer.namespace == (inode == netA ? netB : netA), "peer namespace of \(name)")
                                #expect(peer.index == Int32(link["link_index"] as? Int ?? -1), "peer index of \(name)")
                            }
                        } else {
                            #expect(i.peer == nil, "\(name) has no peer")
                        }
                    }
                    // ip prints a full-length prefix without "/32" or "/128"; cutaway always gives the length.
                    func cidr(_ d: String) -> String { d == "default" || d.contains("/") ? d : d + (d.contains(":") ? "/128" : "/32") }
                    let theirs = Set(routes.map { "\(cidr($0["dst"] as? String ?? "?")) via \($0["gateway"] as? String ?? "-") dev \($0["dev"] as? String ?? "-")" })
                    let ours = Set(mine.routes.map { "\($0.destination) via \($0.gateway ?? "-") dev \($0.device?.utf8String ?? "-")" })
                    #expect(ours == theirs, "routes of net:\(inode)")
                    #expect(mine.routes.count == routes.count, "route count of net:\(inode)")
                }
                // The pair across namespaces, named from both sides, and the pair inside A.
                let va = snapshot.networks.first { $0.namespace == netA }?.interfaces.first { $0.name == "cutaway-net-va" }
                let vb = snapshot.networks.first { $0.namespace == netB }?.interfaces.first { $0.name == "cutaway-net-vb" }
                #expect(va?.peer == InterfacePeer(namespace: netB, name: "cutaway-net-vb", index: vb?.index ?? -1))
                #expect(vb?.peer == InterfacePeer(namespace: netA, name: "cutaway-net-va", index: va?.index ?? -1))
                let ib = snapshot.networks.first { $0.namespace == netA }?.interfaces.first { $0.name == "cutaway-net-ib" }
                #expect(ib?.master == "cutaway-net-br" && ib?.peer?.name == "cutaway-net-ia" && ib?.peer?.namespace == netA)
                #expect(snapshot.networks.first { $0.namespace == netA }?.routes.contains(Route(destination: "10.77.50.0/24", gateway: "10.77.1.2", device: "cutaway-net-va")) == true)

                // The JSON contract's shape.
                let networksJSON = try #require(raw["networks"] as? [[String: Any]])
                let aJSON = try #require(networksJSON.first { $0["namespace"] as? Int == Int(netA) })
                let vaJSON = try #require((aJSON["interfaces"] as? [[String: Any]])?.first { $0["name"] as? String == "cutaway-net-va" })
                #expect(Set(vaJSON.keys).isSuperset(of: ["name", "index", "kind", "up", "mac", "mtu", "addresses", "peer", "notes"]))
                #expect((vaJSON["peer"] as? [String: Any])?["namespace"] as? Int == Int(netB))
                let loJSON = try #require((aJSON["interfaces"] as? [[String: Any]])?.first { $0["name"] as? String == "lo" })
                #expect(loJSON["peer"] is NSNull)
                let routeJSON = try #require((aJSON["routes"] as? [[String: Any]])?.first { $0["destination"] as? String == "10.77.1.0/24" })
                #expect(routeJSON["gateway"] is NSNull && routeJSON["device"] as? String == "cutaway-net-va")

                // IPC: ipcs inside the namespace, and the mqueue mount the scenario made.
                let ipcNS = UInt64(env["IPC_NS"]!)!
                let mine = try #require(snapshot.ipc.first { $0.namespace == ipcNS }, "ipc:\(ipcNS) missing")
                func ipcs(_ flag: String) throws -> [[String]] {
                    let r = try TestSupport.run("/usr/bin/nsenter", ["-t", env["IPC_PID"]!, "--ipc", "--", "/usr/bin/ipcs", flag])
                    #expect(r.status == 0, "\(r.stderr)")
                    return r.text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.filter { $0.first?.hasPrefix("0x") == true }
                }
                func key(_ hex: String) -> Int64 { Int64(Int32(bitPattern: UInt32(hex.dropFirst(2), radix: 16)!)) }
                // ipcs -m: key shmid owner perms bytes nattch
                let shm = try ipcs("-m"), sem = try ipcs("-s"), msg = try ipcs("-q")
                #expect(mine.sharedMemory.map { [$0.key, $0.id, Int64($0.bytes), Int64($0.attached)] }
                        == shm.map { [key($0[0]), Int64($0[1])!, Int64($0[4])!, Int64($0[5])!] })
                // ipcs -s: key semid owner perms nsems
                #expect(mine.semaphoreSets.map { [$0.key, $0.id, Int64($0.semaphores)] } == sem.map { [key($0[0]), Int64($0[1])!, Int64($0[4])!] })
                // ipcs -q: key msqid owner perms used-bytes messages
                #expect(mine.messageQueues.map { [$0.key, $0.id, Int64($0.bytes), Int64($0.messages)] }
                        == msg.map { [key($0[0]), Int64($0[1])!, Int64($0[4])!, Int64($0[5])!] })
                #expect(mine.sharedMemory.first?.key == 0x7A77_0001 && mine.sharedMemory.first?.attached == 1 && mine.sharedMemory.first?.ownerUID == 0)
                #expect(mine.messageQueues.first?.messages == 1 && mine.messageQueues.first?.bytes == 5)
                let listing = try TestSupport.run("/usr/bin/nsenter", ["-t", env["IPC_PID"]!, "-m", "--", "/bin/ls", "-A", env["MQ_DIR"]!])
                #expect(listing.status == 0)
                let queues = listing.text.split(separator: "\n").map(String.init)
                #expect(queues == ["cutaway-net-q"])
                #expect(mine.posixMessageQueues?.compactMap(\.utf8String) == queues)

                // The host's namespaces do not show the new objects.
                let hostNet = try #require(snapshot.networks.first { $0.namespace == snapshot.reader.namespaces[.net] })
                #expect(!hostNet.interfaces.contains { $0.name.hasPrefix("cutaway-net-") })
                let hostIPC = try #require(snapshot.ipc.first { $0.namespace == snapshot.reader.namespaces[.ipc] })
                #expect(!hostIPC.sharedMemory.contains { $0.key == 0x7A77_0001 } && !hostIPC.messageQueues.contains { $0.key == 0x7A77_0003 })
                #expect(!(hostIPC.posixMessageQueues ?? []).contains("cutaway-net-q"))

                // The views agree with the snapshot.
                let net = try TestSupport.cutaway("net", "--ns", String(netA), "--json")
                #expect(net.status == 0)
                #expect((try net.json()["networks"] as? [[String: Any]])?.count == 1)
                let text = try TestSupport.cutaway("net", "--ns", String(netA))
                #expect(text.text.contains("veth peer cutaway-net-vb in net:\(netB)") && text.text.contains("10.77.50.0/24  10.77.1.2"))
                let ipcText = try TestSupport.cutaway("ipc", "--pid", env["IPC_PID"]!)
                #expect(ipcText.status == 0 && ipcText.text.contains("0x7a770001") && ipcText.text.contains("/cutaway-net-q"))
            }
            // Other suites may mount things meanwhile: what must be gone is what this one made.
            let after = try Self.hostState()
            #expect(!after.contains("cutaway-net-"), "the scenario left a mount or a netns behind")
        }

        @Test func withoutRootItShowsItsOwnNamespacesAndSaysWhatIsMissing() throws {
            try TestSupport.withScenario(script: Self.script) { env in
                let r = try TestSupport.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--",
                                                                 TestSupport.cutawayBinary, "net", "--json"])
                #expect(r.status == 0, "\(r.stderr)")
                let object = try r.json()
                let networks = try #require(object["networks"] as? [[String: Any]])
                let visibility = try #require(object["visibility"] as? [String: Any])
                // Its own network namespace is readable without privilege; the scenario's are not.
                let own = try #require(readlink("/proc/self/ns/net"))
                #expect(networks.contains { "net:[\($0["namespace"] as? Int ?? 0)]" == own })
                #expect(!networks.contains { String($0["namespace"] as? Int ?? 0) == env["NET_A"] || String($0["namespace"] as? Int ?? 0) == env["NET_B"] })
                let unread = visibility["networksUnread"] as? [[String: Any]] ?? []
                #expect(unread.allSatisfy { ($0["reason"] as? String ?? "").contains("run cutaway as root") || ($0["reason"] as? String ?? "").contains("Permission denied") })
                #expect(visibility["complete"] as? Bool == false)
                let text = try TestSupport.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--",
                                                                    TestSupport.cutawayBinary, "ipc"])
                #expect(text.status == 0 && text.text.contains("IPC namespace ipc:"))
            }
        }

        private func readlink(_ path: String) -> String? {
            var buffer = [CChar](repeating: 0, count: 256)
            let n = Foundation.readlink(path, &buffer, buffer.count - 1)
            return n > 0 ? String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
        }
    }
}

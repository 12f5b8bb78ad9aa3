import CutawayModel
import Foundation
import Testing

/// What must hold in any snapshot taken while `scenario.sh` was up: used on the committed
/// capture and on the live kernel.
enum ScenarioExpectations {
    static func check(_ s: Snapshot, _ env: [String: String]) throws {
        let index = SnapshotIndex(s)
        let base = env["BASE"]!

        // Nested user + pid namespaces: host -> uid 0 = 100000 (65536 ids) -> uid 0 = parent's 0.
        let nested = try #require(s.process(env["NESTED_PID"]))
        let chain = IDMapChain(index: index, pid: nested.pid)
        #expect(chain.levels.count == 3)
        #expect(chain.levels.first?.namespace.owner == nil)
        #expect(chain.levels[1].maps?.uidMap == [IDMapRange(inside: 0, outside: 100000, count: 65536)])
        #expect(chain.levels[1].maps?.gidMap == [IDMapRange(inside: 0, outside: 100000, count: 65536)])
        #expect(chain.levels[2].maps?.uidMap == [IDMapRange(inside: 0, outside: 100000, count: 1)])
        #expect(chain.levels[2].namespace.ownerUID == 100000)
        #expect(chain.levels[2].maps?.setgroups == "deny")
        #expect(nested.uids.first == 100000)
        // The sleep is PID 1 of a pid namespace two levels below the host's.
        #expect(nested.nsPID.count == 3 && nested.nsPID.last == 1)
        let pidNS = try #require(index.namespace(.pid, nested.namespaces[.pid]!))
        #expect(index.initProcess(of: pidNS)?.pid == nested.pid)
        #expect(index.ancestry(of: .pid, pidNS.inode).count == 3)
        #expect(pidNS.owner == chain.levels[2].namespace.inode)

        // A user namespace with no process left, found as the parent of HIDDEN_PID's.
        let hiddenChild = try #require(s.process(env["HIDDEN_PID"]))
        let childUser = try #require(index.namespace(.user, hiddenChild.namespaces[.user]!))
        let hiddenInode = try #require(childUser.parent)
        let hidden = try #require(index.namespace(.user, hiddenInode))
        #expect(hidden.hidden && hidden.pids.isEmpty && hidden.parent != nil)

        // A network namespace held only by fd 7.
        let fdNet = try #require(index.namespace(.net, UInt64(env["FDHOLDER_NET"]!)!))
        #expect(fdNet.pids.isEmpty)
        #expect(fdNet.holders.contains { $0.kind == .openFD && $0.fd == 7 && String($0.pid) == env["FDHOLDER_PID"] })

        // A network namespace held only by the bind mount `ip netns add` made.
        let blue = try #require(index.namespace(.net, UInt64(env["BLUE_NET"]!)!))
        #expect(blue.pids.isEmpty)
        #expect(blue.holders.contains { $0.kind == .bindMount && $0.path == ByteString("/run/netns/" + env["NETNS_NAME"]!) })

        // A thread alone in a UTS namespace: listed as a thread member, the process stays outside.
        if let tidText = env["THREAD_TID"], let tid = Int32(tidText) {
            let threaded = try #require(s.process(env["THREAD_PID"]))
            let uts = try #require(index.namespace(.uts, UInt64(env["THREAD_UTS"]!)!))
            #expect(uts.threads == [tid] && uts.pids.isEmpty)
            #expect(threaded.threads.contains { $0.tid == tid && $0.namespaces[.uts] == uts.inode })
            #expect(threaded.namespaces[.uts] != uts.inode)
        } else {
            Issue.record("the scenario has no THREAD_TID (re-make the fixture with Tests/Scripts/make-fixtures.sh)")
        }

        // Propagation: LAB and PEER are peers on BASE/shared; PEER is a slave of LAB's BASE/slave.
        let lab = try #require(s.table(ofPID: env["LAB_PID"]))
        let peer = try #require(s.table(ofPID: env["PEER_PID"]))
        #expect(lab.mountNamespace != peer.mountNamespace)
        func find(_ t: MountTable, _ suffix: String) -> Mount? { t.mounts.last { $0.mountPoint == ByteString(base + suffix) } }
        let labShared = try #require(find(lab, "/shared")), peerShared = try #require(find(peer, "/shared"))
        #expect(labShared.shared != nil && labShared.shared == peerShared.shared)
        let labSlave = try #require(find(lab, "/slave")), peerSlave = try #require(find(peer, "/slave"))
        #expect(labSlave.shared != nil && peerSlave.master == labSlave.shared && peerSlave.shared == nil)
        #expect(find(lab, "/unbind")?.unbindable == true)
        // Mounted under the shared mount after the split: propagated to the peer.
        #expect(find(lab, "/shared/after") != nil && find(peer, "/shared/after") != nil)
        let group = PeerGroup.groups(in: s.mountTables).first { $0.id == labShared.shared }
        #expect(Set(group?.members.map(\.mountNamespace) ?? []) == [lab.mountNamespace, peer.mountNamespace])

        // A mount point whose name has a space, a tab, a newline and a backslash, decoded.
        let weird = ByteString(Array((base + "/").utf8) + TestSupport.weirdName(env))
        #expect(lab.mounts.contains { $0.mountPoint == weird && $0.source == "cutaway-weird" })
    }
}

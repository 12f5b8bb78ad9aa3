import CutawayModel
import CutawayReaders
import CutawayRender
import Foundation
import Testing

func mount(_ id: Int, _ parent: Int, _ point: String, shared: Int? = nil, master: Int? = nil) -> Mount {
    Mount(id: id, parentID: parent, major: 0, minor: UInt32(id), root: "/", mountPoint: ByteString(point), mountOptions: "rw",
          shared: shared, master: master, fsType: "tmpfs", source: "t", superOptions: ["rw"])
}

@Suite struct MountTreeTests {
    @Test func parentListedAfterItsChild() {
        let tree = MountTree(mounts: [mount(30, 20, "/a/b"), mount(20, 1, "/a"), mount(1, 0, "/")])
        let lines = tree.lines()
        // 20's parent 1 is present, so the only root is mount 1 (whose parent 0 is missing).
        #expect(lines.map(\.mount.id) == [1, 20, 30])
        #expect(lines.map(\.depth) == [0, 1, 2])
        #expect(lines.map(\.prefix) == ["", "└─", "  └─"])
    }

    @Test func missingParentMakesAnOrphanRoot() {
        let tree = MountTree(mounts: [mount(1, 0, "/"), mount(5, 99, "/orphan"), mount(6, 1, "/x")])
        #expect(tree.roots.map { tree.mounts[$0].id } == [1, 5])
        #expect(tree.lines().map(\.mount.id) == [1, 6, 5])
    }

    @Test func selfParentAndCyclesDoNotLoop() {
        let tree = MountTree(mounts: [mount(1, 1, "/"), mount(7, 8, "/c1"), mount(8, 7, "/c2")])
        let ids = tree.lines().map(\.mount.id)
        #expect(ids.sorted() == [1, 7, 8])
    }

    @Test func reusedIDsResolveToTheLastLine() {
        // Mount 10 was unmounted and its id reused: the later line is the live one.
        let tree = MountTree(mounts: [mount(1, 0, "/"), mount(10, 1, "/old"), mount(10, 1, "/new"), mount(11, 10, "/new/child")])
        let lines = tree.lines()
        #expect(lines.count == 4)
        let child = lines.first { $0.mount.id == 11 }!
        let parentLine = lines.last { $0.index < lines.firstIndex { $0.mount.id == 11 }! && $0.depth == child.depth - 1 }!
        #expect(parentLine.mount.mountPoint == "/new")
    }

    @Test func deepStackOfMountsIsFoldedInLinearMemory() {
        var mounts = [mount(1, 0, "/")]
        for i in 2...20000 { mounts.append(mount(i, i - 1, "/m")) }
        mounts.append(mount(20001, 20000, "/m/child"))
        let lines = MountTree(mounts: mounts).lines()
        // "/", the first 3 of the stack, one fold line, the last 2 (the visible top) and its child.
        #expect(lines.map(\.mount.id) == [1, 2, 3, 4, 5, 19999, 20000, 20001])
        #expect(lines.map(\.folded) == [0, 0, 0, 0, 19994, 0, 0, 0])
        #expect(lines[4].foldNote == "… 19,994 more stacked here")
        #expect(lines.map(\.prefix) == ["", "└─", "  └─", "    └─", "      ", "      └─", "        └─", "          └─"])
        let report = MountReport.render(table: MountTable(mountNamespace: 9, readFrom: 1, mounts: mounts), allTables: [], title: "t", namer: { "\($0)" })
        #expect(report.contains("… 19,994 more stacked here") && report.split(separator: "\n").count < 20)
    }

    @Test func deepNestingOfDistinctMountPointsIsFoldedBelowMaxDepth() {
        var mounts = [mount(1, 0, "/")]
        var path = ""
        for i in 2...5000 { path += "/d"; mounts.append(mount(i, i - 1, path)) }
        let lines = MountTree(mounts: mounts).lines()
        #expect(lines.count == MountTree.maxDepth + 2)
        #expect(lines.last!.foldNote == "… 4,935 more mounts nested below")
        #expect(lines.map(\.prefix.count).max()! <= 2 * MountTree.maxDepth + 2)
    }
}

@Suite struct PeerGroupTests {
    @Test func peersSlavesAndMasterRelationsAcrossNamespaces() {
        let a = MountTable(mountNamespace: 100, readFrom: 1, mounts: [mount(1, 0, "/"), mount(2, 1, "/shared", shared: 5), mount(3, 1, "/s", shared: 6)])
        let b = MountTable(mountNamespace: 200, readFrom: 2, mounts: [mount(1, 0, "/"), mount(2, 1, "/shared", shared: 5), mount(3, 1, "/s", master: 6)])
        let c = MountTable(mountNamespace: 300, readFrom: 3, mounts: [mount(4, 0, "/s", shared: 9, master: 6)])
        let groups = PeerGroup.groups(in: [a, b, c])
        #expect(groups.map(\.id) == [5, 6, 9])
        #expect(groups[0].members.map(\.mountNamespace) == [100, 200])
        #expect(groups[1].members.map(\.mountNamespace) == [100])
        #expect(groups[1].slaves.map(\.mountNamespace) == [200, 300])
        #expect(groups[1].slaveGroups == [9])
        #expect(groups[2].masters == [6])
    }
}

@Suite struct NamespaceTreeTests {
    func snapshot(_ namespaces: [Namespace]) -> Snapshot {
        Snapshot(hostname: "h", kernelRelease: "k", takenAt: "t", origin: .other("test"),
                 reader: .init(pid: 1, uid: 0, namespaces: [.user: 1]), features: .init(namespaceHierarchy: true, namespaceIDs: false),
                 processes: [], namespaces: namespaces, mountTables: [], idMaps: [], visibility: Visibility(), diagnostics: [])
    }

    @Test func ownerTreeNestsUserNamespacesAndTheirNamespaces() {
        let s = snapshot([
            Namespace(type: .user, inode: 1), Namespace(type: .pid, inode: 2, owner: 1),
            Namespace(type: .user, inode: 3, parent: 1, owner: 1), Namespace(type: .user, inode: 4, parent: 3, owner: 3, hidden: false),
            Namespace(type: .net, inode: 5, owner: 4), Namespace(type: .pid, inode: 6, parent: 2, owner: 4),
        ])
        let lines = NamespaceTree(snapshot: s, relation: .owner).lines()
        #expect(lines.map { "\($0.prefix)\($0.node.namespace.type):\($0.node.namespace.inode)" } == [
            "user:1", "├─user:3", "│ └─user:4", "│   ├─pid:6", "│   └─net:5", "└─pid:2",
        ])
        let parents = NamespaceTree(snapshot: s, relation: .parent, types: [.pid]).lines()
        #expect(parents.map { "\($0.prefix)\($0.node.namespace.inode)" } == ["2", "└─6"])
    }

    @Test func filteredTypesAttachToTheNearestSelectedAncestor() {
        let s = snapshot([Namespace(type: .user, inode: 1), Namespace(type: .user, inode: 3, parent: 1, owner: 1), Namespace(type: .net, inode: 5, owner: 3)])
        let lines = NamespaceTree(snapshot: s, relation: .owner, types: [.user]).lines()
        #expect(lines.map(\.node.namespace.inode) == [1, 3])
    }

    @Test func a100000DeepChainIsBuiltWithoutRecursionAndFolded() {
        var list = [Namespace(type: .user, inode: 1)]
        for i in 2...100_000 { list.append(Namespace(type: .user, inode: UInt64(i), parent: UInt64(i - 1), owner: UInt64(i - 1))) }
        let lines = NamespaceTree(snapshot: snapshot(list), relation: .owner).lines()
        #expect(lines.count == NamespaceTree.maxDepth + 2)
        #expect(lines.last!.foldNote == "… 99,959 more nested here")
    }

    /// The default (folded) text view and the namespace diagram walk the same chain without
    /// recursion; a test thread's stack is small, so a recursive walk would crash here.
    @Test func a20000DeepChainIsFoldedInTheDefaultViewAndTheDiagram() {
        var list = [Namespace(type: .user, inode: 1)]
        for i in 2...20_000 { list.append(Namespace(type: .user, inode: UInt64(i), parent: UInt64(i - 1), owner: UInt64(i - 1))) }
        let text = NamespaceReport.render(snapshot(list), relation: .owner, types: Set(NamespaceType.allCases))
        #expect(text.contains("└─… 19,959 more nested here"), "\(text.suffix(2000))")
        #expect(text.split(separator: "\n").count < 100)
        let dot = NamespaceDiagram().dot(snapshot(list))
        #expect(dot.components(separatedBy: "subgraph \"cluster_user_").count - 1 == NamespaceTree.maxDepth + 1)
        #expect(dot.contains("… 19,959 more nested here"))
    }

    @Test func cyclesInADamagedSnapshotStillListEveryNamespaceOnce() {
        let s = snapshot([Namespace(type: .user, inode: 1, parent: 2, owner: 2), Namespace(type: .user, inode: 2, parent: 1, owner: 1)])
        #expect(NamespaceTree(snapshot: s, relation: .owner).lines().map(\.node.namespace.inode).sorted() == [1, 2])
    }
}

@Suite struct JSONContractTests {
    @Test func mountJSONHasTheContractFieldsAndNulls() throws {
        let m = try MountInfoParser.parseLine(Array(#"36 35 98:0 /mnt1 /mnt/a\040b rw shared:4 - ext3  rw,a=x\054y"#.utf8)[...])
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(m)) as! [String: Any]
        for key in ["id", "parentId", "majorMinor", "root", "mountPoint", "mountOptions", "fsType", "source", "superOptions",
                    "shared", "master", "propagateFrom", "unbindable"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["mountPoint"] as? String == "/mnt/a b")
        #expect(object["source"] as? String == "")
        #expect(object["superOptions"] as? String == "rw,a=x,y")
        #expect(object["shared"] as? Int == 4)
        #expect(object["master"] is NSNull && object["propagateFrom"] is NSNull)
        #expect(object["unbindable"] as? Bool == false)
        #expect(object["majorMinor"] as? String == "98:0")
    }

    @Test func invalidUTF8RoundTripsThroughBase64Siblings() throws {
        var m = mount(1, 0, "/")
        m.mountPoint = ByteString(Array("/bad".utf8) + [0xff])
        m.superOptions = ["rw", ByteString([0x61, 0xc3])]
        let data = try JSONEncoder().encode(m)
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(object["mountPointBase64"] as? String == Data(Array("/bad".utf8) + [0xff]).base64EncodedString())
        #expect(object["rootBase64"] == nil)
        #expect((object["mountPoint"] as? String)?.hasSuffix("\u{FFFD}") == true)
        let back = try JSONDecoder().decode(Mount.self, from: data)
        #expect(back == m)
    }

    @Test func processAndHolderRoundTrip() throws {
        let p = ProcessRecord(pid: 5, ppid: 1, command: ByteString([0x3c, 0xff]), commandLine: ["a", ByteString([0xfe])], uids: [0, 0, 0, 0],
                              nsPID: [5, 1], startTime: 9, namespaces: [.net: 7], pidForChildren: 8)
        #expect(try JSONDecoder().decode(ProcessRecord.self, from: JSONEncoder().encode(p)) == p)
        let h = NamespaceHolder(kind: .bindMount, pid: 3, path: ByteString([0x2f, 0xff]), mountNamespace: 4, mountID: 9)
        #expect(try JSONDecoder().decode(NamespaceHolder.self, from: JSONEncoder().encode(h)) == h)
        let namespaces = try JSONSerialization.jsonObject(with: JSONEncoder().encode(p)) as! [String: Any]
        #expect((namespaces["namespaces"] as? [String: Any])?["net"] as? Int == 7)
    }
}

@Suite struct IDMapSentenceTests {
    @Test func sentences() {
        let remap = IDMapSentences.sentences(kind: .uid, range: .init(inside: 0, outside: 100000, count: 65536), isInitial: false, parentMap: nil)
        #expect(remap.first == "uid 0 in here is uid 100000 on the host (uids 0-65535 -> 100000-165535, 65536 ids)")
        let identity = IDMapSentences.sentences(kind: .uid, range: .init(inside: 0, outside: 0, count: 1), isInitial: false, parentMap: nil)
        #expect(identity == ["root in here IS root on the host (uid 0 maps to uid 0)"])
        let full = IDMapSentences.sentences(kind: .uid, range: .init(inside: 0, outside: 0, count: .max), isInitial: false, parentMap: nil)
        #expect(full == ["identity map over all ids: root in here IS root on the host"])
        let nested = IDMapSentences.sentences(kind: .gid, range: .init(inside: 0, outside: 100005, count: 1), isInitial: false,
                                          parentMap: [.init(inside: 0, outside: 100000, count: 65536)])
        #expect(nested.last == "in the parent namespace, gid 0 is gid 5")
    }
}

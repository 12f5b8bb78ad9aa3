@testable import CutawayReaders
import CutawayModel
import Foundation
import Testing

/// The bbolt reader and containerd's records, on files made by a real containerd 1.6
/// (`Tests/CutawayTests/Fixtures/containerd/`: `meta.db` and the overlayfs snapshotter's
/// `metadata.db` after `Tests/Scripts/containerd.sh up`: one image imported into the
/// `default` and `k8s.io` namespaces, a CRI-style pod in `k8s.io`, a plain container in
/// `default`). The expected values are what `ctr images ls`, `ctr containers info` and
/// `ctr snapshots ls` printed for it.
@Suite struct BoltTests {
    static let directory = TestSupport.testsDirectory.appendingPathComponent("Fixtures/containerd").path
    static let manifest = "sha256:945b9f471b608b1789e386acf415e97c7c2977538ee1a53c27df5c5138d9f098"
    static let diffIDs = ["sha256:06056e406f1163863ca490353681c702a1306c4ed1ffccbcaa217d1e0438b551",
                          "sha256:287c8402ae52e1f138226656f685277623e4a230cbf2281ccfde30e95e16047b"]
    static let topChainID = "sha256:2a73daedb7f954a09fccb780a5530bca75c159941eb433986fcd9b4cb6d52831"

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
    }

    @Test func metaPagesChecksumAndHighestTransaction() throws {
        let bytes = try Self.bytes("meta.db")
        let db = try BoltDatabase(bytes: bytes)
        #expect(db.pageSize == 4096)
        #expect(db.otherMetaValid)
        let inUse = db.metaPage, txid = db.txid
        // Damage the meta page in use: the other one (one transaction older) is taken.
        var damaged = bytes
        damaged[inUse * 4096 + 16 + 48] ^= 0xff // its txid: the checksum no longer matches
        let older = try BoltDatabase(bytes: damaged)
        #expect(older.metaPage == 1 - inUse && older.txid == txid - 1)
        #expect(try ContainerdMetadata(older).namespaces == ["default", "k8s.io"])
        // Both damaged: not a bbolt file.
        damaged[(1 - inUse) * 4096 + 16] ^= 0xff
        #expect(throws: BoltError.noValidMetaPage) { try BoltDatabase(bytes: damaged) }
        #expect(throws: BoltError.tooSmall(100)) { try BoltDatabase(bytes: Array(bytes.prefix(100))) }
        #expect(throws: BoltError.self) { try BoltDatabase(bytes: Array(bytes.prefix(3 * 4096))) }
    }

    @Test func containerdMetadataAsCtrShowsIt() throws {
        let meta = try ContainerdMetadata(BoltDatabase(bytes: Self.bytes("meta.db")))
        #expect(meta.namespaces == ["default", "k8s.io"])
        // ctr -n NS images ls: REF, TYPE, DIGEST.
        for ns in ["default", "k8s.io"] {
            let images = meta.images.filter { $0.namespace == ns }
            #expect(images.map(\.name) == ["docker.io/cutaway-engines/app:1"])
            #expect(images.first?.targetDigest == Self.manifest)
            #expect(images.first?.targetMediaType == "application/vnd.oci.image.manifest.v1+json")
        }
        // ctr containers info: Image, Snapshotter, SnapshotKey, Labels, Runtime; spec annotations.
        let app = try #require(meta.containers.first { $0.id == "cutaway-engines-app" })
        #expect(app.namespace == "k8s.io" && app.image == "docker.io/cutaway-engines/app:1")
        #expect(app.snapshotter == "overlayfs" && app.snapshotKey == "cutaway-engines-app" && app.runtime == "io.containerd.runc.v2")
        #expect(app.labels == ["io.containerd.image.config.stop-signal": "SIGTERM"])
        #expect(app.annotations["io.kubernetes.cri.container-type"] == "container")
        #expect(app.annotations["io.kubernetes.cri.container-name"] == "app")
        #expect(app.annotations["io.kubernetes.cri.sandbox-name"] == "web-0" && app.annotations["io.kubernetes.cri.sandbox-namespace"] == "shop")
        let sandbox = try #require(meta.containers.first { $0.id.hasPrefix("cutaway-engines-sandbox") })
        #expect(sandbox.annotations["io.kubernetes.cri.container-type"] == "sandbox" && sandbox.labels["cutaway-engines"] == "sandbox")
        let plain = try #require(meta.containers.first { $0.id == "cutaway-engines-plain" })
        #expect(plain.namespace == "default" && plain.annotations["io.kubernetes.cri.container-type"] == nil)
        // Its 12,000-byte annotation made its leaf page span 4 pages (an overflow page).
        #expect(plain.annotations["cutaway-engines-big"] == String(repeating: "x", count: 12000))
        let bytes = try Self.bytes("meta.db")
        let overflowing = stride(from: 2 * 4096, to: bytes.count, by: 4096).filter { o in
            BoltDatabase.u64(bytes, o) == UInt64(o / 4096) && BoltDatabase.u16(bytes, o + 8) == 0x02 && BoltDatabase.u32(bytes, o + 12) > 0
        }
        #expect(!overflowing.isEmpty)
        // ctr snapshots ls: KEY, PARENT.
        let k8s = meta.snapshots.filter { $0.namespace == "k8s.io" && $0.snapshotter == "overlayfs" }
        #expect(Set(k8s.map(\.key)) == [Self.diffIDs[0], Self.topChainID, "cutaway-engines-app", sandbox.id])
        #expect(k8s.first { $0.key == "cutaway-engines-app" }?.parent == Self.topChainID)
        #expect(k8s.first { $0.key == Self.topChainID }?.parent == Self.diffIDs[0])
        #expect(k8s.first { $0.key == Self.diffIDs[0] }?.parent == nil)
    }

    @Test func snapshotterChainKeyToIdToParent() throws {
        let meta = try ContainerdMetadata(BoltDatabase(bytes: Self.bytes("meta.db")))
        let snapshots = try ContainerdSnapshotterMetadata(BoltDatabase(bytes: Self.bytes("metadata.db")))
        let record = try #require(meta.snapshots.first { $0.namespace == "k8s.io" && $0.key == "cutaway-engines-app" })
        let chain = snapshots.chain(from: record.backendName)
        #expect(chain.map(\.kind) == [.active, .committed, .committed])
        #expect(chain.count == 3 && Set(chain.map(\.id)).count == 3)
        // The overlay mounted for it had upperdir=snapshots/6/fs, lowerdir=snapshots/2/fs:snapshots/1/fs.
        #expect(chain.map(\.id) == [6, 2, 1])
        #expect(chain.last?.name.hasSuffix(Self.diffIDs[0]) == true)
    }

    @Test func chainIDsAndSHA256() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        // containerd named the image's top committed snapshot by this chain id.
        #expect(SHA256.chainIDs(Self.diffIDs) == [Self.diffIDs[0], Self.topChainID])
    }

    /// Damaged files throw; they never crash the reader or make it loop.
    @Test func damagedFilesNeverCrash() throws {
        let original = try Self.bytes("meta.db")
        var generator = SystemRandomNumberGenerator()
        var parsed = 0, refused = 0
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<8 {
                // Hit the pages in use (not the empty tail) and keep the meta pages valid.
                let offset = Int.random(in: 2 * 4096..<(20 * 4096), using: &generator)
                bytes[offset] = UInt8.random(in: 0...255, using: &generator)
            }
            do {
                _ = try ContainerdMetadata(BoltDatabase(bytes: bytes))
                parsed += 1
            } catch { refused += 1 }
        }
        #expect(parsed + refused == 300)
    }

    @Test func protobufAndTOMLSubsets() {
        #expect(Protobuf.uvarint([0x96, 0x01][...])?.value == 150)
        #expect(Protobuf.uvarint([0x80][...]) == nil)
        #expect(Protobuf.field(2, in: [0x0a, 0x01, 0x41, 0x12, 0x02, 0x42, 0x43]) == [0x42, 0x43])
        #expect(Protobuf.field(2, in: [0x12, 0x09, 0x42]) == nil) // length beyond the message
        let config = ContainerdConfig(toml: """
        # a comment
        version = 2
        root = "/srv/containerd \\"root\\""   # trailing comment
        state = '/run/c\\d'
        [grpc]
          root = "/not/top/level"
        """)
        #expect(config.root == "/srv/containerd \"root\"" && config.state == "/run/c\\d")
        #expect(ContainerdConfig(toml: "root = \"unterminated").root == nil)
        #expect(ContainerdConfig(toml: "root = \"/a\" junk").root == nil)
    }
}

/// TARGET resolution (README: `cutaway layers TARGET`), on containers and images as the engines record them.
@Suite struct TargetResolverTests {
    static func c(_ engine: Container.Engine, _ id: String, _ name: String? = nil, ns: String? = nil, pod: PodRef? = nil,
                  role: Container.Role = .container, podName: String? = nil) -> Container {
        Container(engine: engine, id: id, name: name ?? id, storeRoot: "/s", engineNamespace: ns, pod: pod, role: role, podContainerName: podName)
    }
    static let web = PodRef(namespace: "shop", name: "web-0", sandboxID: "sb1")
    static let other = PodRef(namespace: "blog", name: "web-0", sandboxID: "sb2")
    static let containers = [
        c(.docker, "4f2a" + String(repeating: "0", count: 60), "web"),
        c(.docker, "4f2b" + String(repeating: "1", count: 60), "db"),
        c(.containerd, "sb1", ns: "k8s.io", pod: web, role: .sandbox),
        c(.containerd, "app1", ns: "k8s.io", pod: web, podName: "app"),
        c(.containerd, "sb2", ns: "k8s.io", pod: other, role: .sandbox),
        c(.containerd, "app2", ns: "k8s.io", pod: other, podName: "app"),
        c(.containerd, "plain", ns: "default"),
        c(.containerd, "plain", ns: "other"),
    ]
    static let images = [
        EngineImage(engine: .containerd, id: "sha256:aaa1", names: ["docker.io/bars/app:1"], layers: [], storeRoot: "/s", engineNamespace: "default"),
        EngineImage(engine: .containerd, id: "sha256:aaa1", names: ["docker.io/bars/app:1"], layers: [OverlayLayer(role: .lower, path: "/l")], storeRoot: "/s", engineNamespace: "k8s.io"),
        EngineImage(engine: .docker, id: "sha256:bbb2", names: ["busybox:latest"], layers: [], storeRoot: "/d"),
        EngineImage(engine: .podman, id: "ccc3", names: ["localhost/demo:3steps"], layers: [], storeRoot: "/p"),
        EngineImage(engine: .docker, id: "sha256:ccc4", names: ["demo:3steps"], layers: [], storeRoot: "/d"),
    ]
    let resolver = TargetResolver(containers: containers, images: images)

    func container(_ t: String) throws -> Container? {
        if case .container(let c) = try resolver.resolve(t, pathExists: { _ in false }) { return c }
        return nil
    }
    func image(_ t: String) throws -> EngineImage? {
        if case .image(let i) = try resolver.resolve(t, pathExists: { _ in false }) { return i }
        return nil
    }

    @Test func order() throws {
        if case .path = try resolver.resolve("web", pathExists: { $0 == "web" }) {} else { Issue.record("an existing path comes first") }
        #expect(try container("4f2a")?.name == "web")                 // id prefix
        #expect(try container("db")?.id.hasPrefix("4f2b") == true)    // name
        #expect(try container("app1")?.podContainerName == "app")     // id
        #expect(try container("shop/web-0/app")?.id == "app1")        // NAMESPACE/POD/CONTAINER
        #expect(try container("blog/web-0/sandbox")?.id == "sb2")
        #expect(try container("default/plain")?.engineNamespace == "default") // ENGINENS/ID
        #expect(try container("k8s.io/app2")?.pod?.namespace == "blog")
        #expect(throws: TargetError.self) { try container("k8s.io/app") } // ENGINENS/prefix: app1 and app2
    }

    @Test func ambiguousTargetsListTheCandidates() {
        #expect(throws: TargetError.self) { try container("4f") }
        do { _ = try container("web-0/app"); Issue.record("web-0/app is in two pods") } catch {
            guard case TargetError.ambiguous(_, _, let candidates)? = error as? TargetError else { Issue.record("\(error)"); return }
            #expect(candidates.count == 2 && candidates.contains { $0.contains("shop/web-0") } && candidates.contains { $0.contains("blog/web-0") })
        }
        #expect(throws: TargetError.self) { try container("plain") }  // two containerd namespaces
        #expect(throws: TargetError.self) { try image("sha256:") }     // every image id
        #expect(throws: TargetError.notFound(target: "nothing")) { try resolver.resolve("nothing", pathExists: { _ in false }) }
    }

    @Test func imageReferences() throws {
        #expect(try image("bars/app:1")?.engineNamespace == "k8s.io")  // normalized; the unpacked record of one image
        #expect(try image("docker.io/bars/app:1")?.id == "sha256:aaa1")
        #expect(try image("busybox")?.id == "sha256:bbb2")
        #expect(try image("demo:3steps")?.engine == .docker)          // as recorded before podman's localhost/
        #expect(try image("localhost/demo:3steps")?.engine == .podman)
        #expect(try image("sha256:bbb")?.id == "sha256:bbb2")
        #expect(TargetResolver.normalized("busybox") == "docker.io/library/busybox:latest")
        #expect(TargetResolver.normalized("quay.io/x/y") == "quay.io/x/y:latest")
        #expect(TargetResolver.normalized("localhost:5000/x:2") == "localhost:5000/x:2")
    }

    @Test func podsGroupSandboxAndContainers() {
        let pods = Pod.group(Self.containers)
        #expect(pods.map { "\($0.ref.namespace)/\($0.ref.name)" } == ["blog/web-0", "shop/web-0"])
        #expect(pods.last?.sandbox?.id == "sb1" && pods.last?.containers.map(\.id) == ["app1"])
    }
}

import Foundation

/// What containerd records about images, containers and snapshots, from its metadata database
/// `<root>/io.containerd.metadata.v1.bolt/meta.db` (containerd 1.x `metadata/buckets.go`):
///
///     v1/<namespace>/images/<name>/target/{digest, mediatype}
///     v1/<namespace>/containers/<id>/{image, snapshotter, snapshotKey, spec, labels/}
///     v1/<namespace>/snapshots/<snapshotter>/<key>/{name, parent}
///
/// `spec` is a protobuf `google.protobuf.Any` whose value is the OCI runtime spec as JSON (its
/// `annotations` carry the CRI's pod fields); a snapshot's `name` is the key the snapshotter
/// itself uses (`<namespace>/<n>/<key>`).
public struct ContainerdMetadata: Sendable, Equatable {
    /// One image record: `v1/<namespace>/images/<name>`.
    public struct Image: Sendable, Equatable {
        /// The containerd namespace it is recorded in.
        public var namespace: String
        /// The image's name (`docker.io/library/busybox:latest`).
        public var name: String
        /// The digest the name points to (a manifest or an index).
        public var targetDigest: String
        /// The media type of that target (`application/vnd.oci.image.index.v1+json`, …).
        public var targetMediaType: String
    }

    /// One container record: `v1/<namespace>/containers/<id>`.
    public struct ContainerRecord: Sendable, Equatable {
        /// The containerd namespace it is recorded in.
        public var namespace: String
        /// The container id.
        public var id: String
        /// The image name it was made from, if any.
        public var image: String?
        /// The snapshotter that holds its root file system (`overlayfs`).
        public var snapshotter: String?
        /// Its read-write snapshot's key in that snapshotter.
        public var snapshotKey: String?
        /// The runtime's name (`io.containerd.runc.v2`), from `runtime/name`.
        public var runtime: String?
        /// Its labels, from `labels/`.
        public var labels: [String: String]
        /// The OCI spec's annotations (CRI: `io.kubernetes.cri.*`).
        public var annotations: [String: String]
    }

    /// One snapshot record: `v1/<namespace>/snapshots/<snapshotter>/<key>`.
    public struct SnapshotRecord: Sendable, Equatable {
        /// The containerd namespace it is recorded in.
        public var namespace: String
        /// The snapshotter (`overlayfs`).
        public var snapshotter: String
        /// Its key in containerd's namespace (a container's snapshot key, or an image layer's chain id).
        public var key: String
        /// The snapshotter's own key for it.
        public var backendName: String
        /// The key of the snapshot it was made from, if any.
        public var parent: String?
    }

    /// Every containerd namespace recorded (`default`, `k8s.io`, `moby`, …).
    public var namespaces: [String]
    /// Every image record, by namespace.
    public var images: [Image]
    /// Every container record, by namespace.
    public var containers: [ContainerRecord]
    /// Every snapshot record, by namespace and snapshotter.
    public var snapshots: [SnapshotRecord]

    /// The records of the metadata database `db`.
    public init(_ db: BoltDatabase) throws(BoltError) {
        namespaces = []; images = []; containers = []; snapshots = []
        guard let v1 = try db.root.bucket("v1") else { return }
        for (ns, nsBucket) in try v1.buckets() {
            namespaces.append(ns)
            for (name, image) in try nsBucket.bucket("images")?.buckets() ?? [] {
                guard let target = try image.bucket("target"), let digest = try target.value("digest") else { continue }
                images.append(Image(namespace: ns, name: name, targetDigest: Self.string(digest),
                                    targetMediaType: try target.value("mediatype").map(Self.string) ?? ""))
            }
            for (id, c) in try nsBucket.bucket("containers")?.buckets() ?? [] {
                let values = try c.values()
                let labels = try c.bucket("labels")?.values().mapValues(Self.string) ?? [:]
                containers.append(ContainerRecord(
                    namespace: ns, id: id, image: values["image"].map(Self.string).flatMap { $0.isEmpty ? nil : $0 },
                    snapshotter: values["snapshotter"].map(Self.string), snapshotKey: values["snapshotKey"].map(Self.string),
                    runtime: try c.bucket("runtime")?.value("name").map(Self.string), labels: labels,
                    annotations: values["spec"].map(Self.annotations(ofSpecAny:)) ?? [:]))
            }
            for (snapshotter, s) in try nsBucket.bucket("snapshots")?.buckets() ?? [] {
                for (key, snapshot) in try s.buckets() {
                    let values = try snapshot.values()
                    guard let name = values["name"] else { continue }
                    snapshots.append(SnapshotRecord(namespace: ns, snapshotter: snapshotter, key: key, backendName: Self.string(name),
                                                    parent: values["parent"].map(Self.string).flatMap { $0.isEmpty ? nil : $0 }))
                }
            }
        }
    }

    static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// `google.protobuf.Any { string type_url = 1; bytes value = 2; }` -> the OCI spec JSON's annotations.
    static func annotations(ofSpecAny bytes: [UInt8]) -> [String: String] {
        guard let value = Protobuf.field(2, in: bytes) else { return [:] }
        struct Spec: Decodable { var annotations: [String: String]? }
        return (try? JSONDecoder().decode(Spec.self, from: Data(value)))?.annotations ?? [:]
    }
}

/// containerd's overlayfs snapshotter records, `<root>/io.containerd.snapshotter.v1.overlayfs/metadata.db`
/// (containerd 1.x `snapshots/storage/bolt.go`): `v1/snapshots/<name>/{id (uvarint), kind
/// (1 view, 2 active, 3 committed), parent (a name)}`. Snapshot `id` lives in `snapshots/<id>/fs`.
public struct ContainerdSnapshotterMetadata: Sendable, Equatable {
    /// A snapshot's kind as the snapshotter stores it (containerd's `snapshots.Kind`).
    public enum Kind: UInt8, Sendable {
        /// A value cutaway does not know (or none).
        case unknown = 0
        /// A read-only view of a committed snapshot.
        case view = 1
        /// A read-write snapshot (a container's upper layer).
        case active = 2
        /// A committed, read-only snapshot (an image layer).
        case committed = 3
    }
    /// One snapshot of the overlayfs snapshotter.
    public struct Snapshot: Sendable, Equatable {
        /// The snapshotter's key for it (``ContainerdMetadata/SnapshotRecord/backendName``).
        public var name: String
        /// Its number: its directory is `snapshots/<id>/fs`.
        public var id: UInt64
        /// View, active (read-write) or committed (an image layer).
        public var kind: Kind
        /// The name of the snapshot it was made from, if any.
        public var parent: String?
    }
    /// Every snapshot, by name.
    public var byName: [String: Snapshot]

    /// The records of the snapshotter's database `db`.
    public init(_ db: BoltDatabase) throws(BoltError) {
        byName = [:]
        for (name, s) in try db.bucket(["v1", "snapshots"])?.buckets() ?? [] {
            let values = try s.values()
            guard let idBytes = values["id"], let id = Protobuf.uvarint(idBytes[...])?.value else { continue }
            byName[name] = Snapshot(name: name, id: id, kind: values["kind"].flatMap { $0.first }.flatMap(Kind.init(rawValue:)) ?? .unknown,
                                    parent: values["parent"].map(ContainerdMetadata.string).flatMap { $0.isEmpty ? nil : $0 })
        }
    }

    /// The snapshot and its parents, top first (a loop or a missing parent ends the chain).
    public func chain(from name: String) -> [Snapshot] {
        ParentChain.follow(from: name, in: byName, parent: \.parent)
    }
}

/// The two protobuf wire-format pieces containerd's records need.
enum Protobuf {
    /// An unsigned LEB128 varint (Go's binary.Uvarint): the value and the bytes it took.
    static func uvarint(_ bytes: ArraySlice<UInt8>) -> (value: UInt64, length: Int)? {
        var value: UInt64 = 0, shift: UInt64 = 0, n = 0
        for byte in bytes {
            n += 1
            guard shift < 64 else { return nil }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return (value, n) }
            shift += 7
        }
        return nil
    }

    /// The bytes of the first length-delimited field `number` of a message.
    static func field(_ number: UInt64, in message: [UInt8]) -> [UInt8]? {
        var i = 0
        while i < message.count {
            guard let (tag, tl) = uvarint(message[i...]) else { return nil }
            i += tl
            switch tag & 7 {
            case 0: guard let (_, l) = uvarint(message[i...]) else { return nil }; i += l
            case 1: i += 8
            case 5: i += 4
            case 2:
                guard let (len, l) = uvarint(message[i...]), len <= UInt64(message.count - i - l) else { return nil }
                i += l
                if tag >> 3 == number { return Array(message[i..<(i + Int(len))]) }
                i += Int(len)
            default: return nil
            }
        }
        return nil
    }
}

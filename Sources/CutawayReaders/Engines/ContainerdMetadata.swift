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
    public struct Image: Sendable, Equatable {
        public var namespace: String
        public var name: String
        public var targetDigest: String
        public var targetMediaType: String
    }

    public struct ContainerRecord: Sendable, Equatable {
        public var namespace: String
        public var id: String
        public var image: String?
        public var snapshotter: String?
        public var snapshotKey: String?
        public var runtime: String?
        public var labels: [String: String]
        /// The OCI spec's annotations (CRI: `io.kubernetes.cri.*`).
        public var annotations: [String: String]
    }

    public struct SnapshotRecord: Sendable, Equatable {
        public var namespace: String
        public var snapshotter: String
        public var key: String
        /// The snapshotter's own key for it.
        public var backendName: String
        public var parent: String?
    }

    public var namespaces: [String]
    public var images: [Image]
    public var containers: [ContainerRecord]
    public var snapshots: [SnapshotRecord]

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
    public enum Kind: UInt8, Sendable { case unknown = 0, view = 1, active = 2, committed = 3 }
    public struct Snapshot: Sendable, Equatable {
        public var name: String
        public var id: UInt64
        public var kind: Kind
        public var parent: String?
    }
    public var byName: [String: Snapshot]

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

import CutawayModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One containerd instance read from disk (the daemon need not run): its root (default
/// `/var/lib/containerd`) holds the metadata database, the content store and the overlayfs
/// snapshotter; its state (default `/run/containerd`) holds the runtime-v2 task directories
/// `io.containerd.runtime.v2.task/<namespace>/<id>/{init.pid, config.json, rootfs}` of the
/// running containers. Either may be unknown: with the root only, running containers are
/// found from the process table (the process whose root overlay is the container's snapshot);
/// with the state only, containers are the tasks, their layers taken from the live overlay.
public struct ContainerdStore: Sendable {
    /// The root directory (metadata, content store, snapshots), if known.
    public let root: StoreRoot?
    /// The state directory (running tasks), if known.
    public let state: StoreRoot?
    /// Whose store this is when not root's (see ``Container/storeOwner``).
    public let owner: String?

    /// A containerd instance with these directories.
    public init(root: StoreRoot?, state: StoreRoot?, owner: String? = nil) { self.root = root; self.state = state; self.owner = owner }

    static let metaDB = "io.containerd.metadata.v1.bolt/meta.db"
    static let overlayfs = "io.containerd.snapshotter.v1.overlayfs"
    static let tasks = "io.containerd.runtime.v2.task"
    static let blobs = "io.containerd.content.v1.content/blobs/"

    /// True when `store` has containerd's metadata database.
    public static func looksLikeRoot(_ store: StoreRoot) -> Bool { store.exists(metaDB) }
    /// True when `store` has the runtime-v2 task directory.
    public static func looksLikeState(_ store: StoreRoot) -> Bool { store.isDirectory(tasks) }

    /// What the databases say, read once.
    struct Records {
        var metadata: ContainerdMetadata?
        var snapshots: ContainerdSnapshotterMetadata?
    }

    func records(notes: inout [String]) -> Records {
        guard let root else { return Records() }
        var r = Records()
        switch BoltFile.read(Self.metaDB, in: root) {
        case .success(let db):
            do { r.metadata = try ContainerdMetadata(db) } catch { notes.append("\(root.absolute(Self.metaDB)): \(error)") }
        case .failure(let e): notes.append(e.description)
        }
        if root.exists(Self.overlayfs + "/metadata.db") {
            switch BoltFile.read(Self.overlayfs + "/metadata.db", in: root) {
            case .success(let db):
                do { r.snapshots = try ContainerdSnapshotterMetadata(db) } catch { notes.append("\(root.absolute(Self.overlayfs + "/metadata.db")): \(error)") }
            case .failure(let e): notes.append(e.description)
            }
        }
        return r
    }

    /// Every container and image the instance records, with layers resolved to host paths;
    /// what could not be read goes to `notes`.
    public func read(notes: inout [String]) -> (containers: [Container], images: [EngineImage]) {
        let records = records(notes: &notes)
        var containers: [Container] = []
        var images: [EngineImage] = []
        var seen = Set<String>()
        if let meta = records.metadata, let root {
            var configs: [String: ResolvedImage] = [:]
            for image in meta.images {
                guard let resolved = resolve(image.targetDigest, in: root, notes: &notes) else { continue }
                configs[image.namespace + "\u{0}" + image.name] = resolved
                let layers = imageLayers(resolved, namespace: image.namespace, meta: meta, snapshots: records.snapshots, root: root, notes: &notes)
                images.append(EngineImage(engine: .containerd, id: resolved.configDigest, names: [image.name], layers: layers, storeRoot: root.path,
                                          engineNamespace: image.namespace, targetDigest: image.targetDigest))
            }
            for record in meta.containers {
                seen.insert(record.namespace + "/" + record.id)
                let image = record.image.flatMap { configs[record.namespace + "\u{0}" + $0] }
                containers.append(container(record, image: image, meta: meta, snapshots: records.snapshots, root: root, notes: &notes))
            }
        }
        // Tasks the metadata does not know (no root found, or another root): from the bundle.
        if let state {
            for namespace in state.list(Self.tasks) {
                for id in state.list(Self.tasks + "/" + namespace) where !seen.contains(namespace + "/" + id) {
                    let dir = Self.tasks + "/" + namespace + "/" + id
                    var c = Container(engine: .containerd, id: id, name: id, pid: state.text(dir + "/init.pid").flatMap { Int32($0) },
                                      storeRoot: state.path, mergedDir: state.absolute(dir + "/rootfs"), engineNamespace: namespace, storeOwner: owner)
                    struct Bundle: Decodable { var annotations: [String: String]? }
                    Self.applyPod(state.json(Bundle.self, dir + "/config.json", limit: StoreRoot.imageConfigLimit)?.annotations ?? [:], to: &c)
                    containers.append(c)
                }
            }
        }
        return (containers, images)
    }

    /// A container from its metadata record: its snapshot chain as overlay layers (upper first),
    /// the image's diff ids and history steps on the image layers, its pod, and, where the
    /// state is known, its task's pid and rootfs.
    func container(_ r: ContainerdMetadata.ContainerRecord, image: ResolvedImage?, meta: ContainerdMetadata,
                   snapshots: ContainerdSnapshotterMetadata?, root: StoreRoot, notes: inout [String]) -> Container {
        var c = Container(engine: .containerd, id: r.id, name: r.id, image: r.image, imageID: image?.configDigest, storeRoot: root.path,
                          engineNamespace: r.namespace, storeOwner: owner)
        if r.snapshotter == "overlayfs", let key = r.snapshotKey,
           let chain = chain(key, namespace: r.namespace, meta: meta, snapshots: snapshots), let top = chain.first {
            let imageChain = top.kind == .active ? Array(chain.dropFirst()) : chain
            if top.kind == .active {
                c.layers.append(root.layer(Self.overlayfs + "/snapshots/\(top.id)/fs", role: .upper,
                                           info: EngineLayerInfo(layerID: "snapshot \(top.id)", note: "container layer (read-write)"), notes: &notes))
                c.workDir = root.absolute(Self.overlayfs + "/snapshots/\(top.id)/work")
            }
            c.layers += layers(of: imageChain, image: image, root: root, notes: &notes)
        }
        if let state {
            let dir = Self.tasks + "/" + r.namespace + "/" + r.id
            if let pid = state.text(dir + "/init.pid").flatMap({ Int32($0) }) {
                c.pid = pid
                c.mergedDir = state.absolute(dir + "/rootfs")
            }
        }
        Self.applyPod(r.annotations, to: &c)
        return c
    }

    /// The snapshotter's records for a snapshot key of the metadata, top first.
    func chain(_ key: String, namespace: String, meta: ContainerdMetadata, snapshots: ContainerdSnapshotterMetadata?) -> [ContainerdSnapshotterMetadata.Snapshot]? {
        guard let snapshots,
              let record = meta.snapshots.first(where: { $0.namespace == namespace && $0.snapshotter == "overlayfs" && $0.key == key }) else { return nil }
        let chain = snapshots.chain(from: record.backendName)
        return chain.isEmpty ? nil : chain
    }

    /// Committed snapshots, top first, as read-only layers; when the chain has as many
    /// snapshots as the image has layers, each gets its diff id and history step.
    func layers(of chain: [ContainerdSnapshotterMetadata.Snapshot], image: ResolvedImage?, root: StoreRoot, notes: inout [String]) -> [OverlayLayer] {
        let count = chain.count
        let diffs = image?.config.rootfs?.diff_ids ?? []
        let steps = image?.config.layerSteps ?? []
        return chain.enumerated().map { n, s in
            let bottom = count - 1 - n
            let matches = diffs.count == count
            return root.layer(Self.overlayfs + "/snapshots/\(s.id)/fs", role: .lower, info: EngineLayerInfo(
                layerID: "snapshot \(s.id)", diffID: matches ? diffs[bottom] : nil,
                createdBy: matches && steps.count == count ? steps[bottom] : nil,
                note: "image layer \(bottom + 1) of \(count)"), notes: &notes)
        }
    }

    /// An image's unpacked layers: its top chain id is the metadata key of its top committed snapshot.
    func imageLayers(_ image: ResolvedImage, namespace: String, meta: ContainerdMetadata, snapshots: ContainerdSnapshotterMetadata?,
                     root: StoreRoot, notes: inout [String]) -> [OverlayLayer] {
        guard let top = SHA256.chainIDs(image.config.rootfs?.diff_ids ?? []).last,
              let chain = chain(top, namespace: namespace, meta: meta, snapshots: snapshots) else { return [] }
        return layers(of: chain, image: image, root: root, notes: &notes)
    }

    // MARK: images

    struct ResolvedImage: Sendable {
        var manifestDigest: String
        var configDigest: String
        var config: ImageConfig
    }

    struct Descriptor: Decodable {
        struct Platform: Decodable { var os: String?; var architecture: String? }
        var digest: String
        var mediaType: String?
        var platform: Platform?
    }
    struct ManifestOrIndex: Decodable { var config: Descriptor?; var manifests: [Descriptor]? }

    /// Target digest -> (for an index, the manifest of this machine's platform) -> config,
    /// all from the content store `io.containerd.content.v1.content/blobs/sha256/<hex>`.
    func resolve(_ digest: String, in root: StoreRoot, notes: inout [String], depth: Int = 0) -> ResolvedImage? {
        guard depth < 3, let blob = Self.blobPath(digest) else { return nil }
        guard case .success(let bytes) = root.read(blob, limit: StoreRoot.imageConfigLimit) else {
            if case .failure(let e) = root.read(blob, limit: StoreRoot.imageConfigLimit), e.isRefusal { notes.append(e.description) }
            return nil
        }
        guard let m = try? JSONDecoder().decode(ManifestOrIndex.self, from: Data(bytes)) else { return nil }
        if let manifests = m.manifests {
            let arch = Self.goArchitecture
            let pick = manifests.first { $0.platform?.os == "linux" && $0.platform?.architecture == arch }
                ?? manifests.first { $0.platform == nil } ?? manifests.first
            return pick.flatMap { resolve($0.digest, in: root, notes: &notes, depth: depth + 1) }
        }
        guard let config = m.config, let path = Self.blobPath(config.digest),
              let parsed = ImageConfig.load(path, in: root, notes: &notes) else { return nil }
        return ResolvedImage(manifestDigest: digest, configDigest: config.digest, config: parsed)
    }

    /// `sha256:<64 hex>` -> its blob path; anything else is not a digest and is never a path.
    static func blobPath(_ digest: String) -> String? {
        let parts = digest.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0] == "sha256", parts[1].count == 64, DockerStore.isHex(String(parts[1])) else { return nil }
        return blobs + "sha256/" + parts[1]
    }

    /// This machine's architecture as OCI platforms spell it (Go's GOARCH).
    static var goArchitecture: String {
        var u = utsname()
        uname(&u)
        let machine = withUnsafeBytes(of: u.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        switch machine {
        case "x86_64": return "amd64"
        case "aarch64": return "arm64"
        case "i686", "i386": return "386"
        case "armv7l": return "arm"
        default: return machine
        }
    }

    // MARK: pods

    /// The CRI's annotations (`io.kubernetes.cri.*`): container type, sandbox id, pod name
    /// and namespace, the container's name in the pod.
    static func applyPod(_ annotations: [String: String], to c: inout Container) {
        let cri = "io.kubernetes.cri."
        if let type = annotations[cri + "container-type"] { c.role = type == "sandbox" ? .sandbox : .container }
        if let name = annotations[cri + "sandbox-name"], let namespace = annotations[cri + "sandbox-namespace"] {
            let sandboxID = annotations[cri + "sandbox-id"] ?? (c.role == .sandbox ? c.id : "")
            c.pod = PodRef(namespace: namespace, name: name, sandboxID: sandboxID)
        }
        c.podContainerName = annotations[cri + "container-name"]
        if c.image == nil { c.image = annotations[cri + "image-name"] }
    }

    /// `…/snapshots/<n>/fs` -> `n` (for layers known only from a live overlay's options).
    public static func snapshotNumber(of layerPath: String) -> String? {
        guard let r = layerPath.range(of: overlayfs + "/snapshots/") else { return nil }
        let rest = layerPath[r.upperBound...]
        guard let slash = rest.firstIndex(of: "/"), rest[slash...].hasPrefix("/fs") else { return nil }
        return String(rest[..<slash])
    }
}

import CutawayModel
import Foundation

/// Docker's overlay2 storage, read from disk (the daemon need not run):
/// `image/overlay2/repositories.json` (names), `imagedb/content/sha256/<id>` (config and
/// history), `layerdb/sha256/<chain-id>/{cache-id,diff,parent,size}`,
/// `layerdb/mounts/<container-id>/{mount-id,init-id}`, `overlay2/<cache-id>/diff`,
/// `overlay2/l/<short>` links and `containers/<id>/config.v2.json`.
/// Every file and layer is reached beneath the store's root (``StoreRoot``).
public struct DockerStore: EngineStore {
    public static let engine = Container.Engine.docker
    public let store: StoreRoot
    public let owner: String?

    public init(store: StoreRoot, owner: String? = nil) { self.store = store; self.owner = owner }

    /// True when `store` has Docker's overlay2 image directory.
    public static func looksLike(_ store: StoreRoot) -> Bool { store.isDirectory("image/overlay2") }

    private let layerdb = "image/overlay2/layerdb"

    struct LayerRecord { var chainID: String; var cacheID: String; var diffID: String; var parent: String?; var size: Int64? }

    func layerRecords() -> [LayerRecord] {
        store.list(layerdb + "/sha256").compactMap { chain in
            let d = layerdb + "/sha256/" + chain
            guard let cache = store.text(d + "/cache-id"), let diff = store.text(d + "/diff") else { return nil }
            return LayerRecord(chainID: "sha256:" + chain, cacheID: cache, diffID: diff, parent: store.text(d + "/parent"),
                               size: store.text(d + "/size").flatMap { Int64($0) })
        }
    }

    /// The image's read-only layers, top first, with history steps.
    func imageLayers(imageID: String, records: [LayerRecord], notes: inout [String]) -> [OverlayLayer]? {
        let hex = imageID.hasPrefix("sha256:") ? String(imageID.dropFirst(7)) : imageID
        guard Self.isHex(hex), let config = ImageConfig.load("image/overlay2/imagedb/content/sha256/" + hex, in: store, notes: &notes) else { return nil }
        let diffs = config.rootfs?.diff_ids ?? []
        let steps = config.layerSteps
        var byParentAndDiff: [String: LayerRecord] = [:]
        for r in records { byParentAndDiff[(r.parent ?? "") + " " + r.diffID] = r }
        var parent = ""
        var layers: [OverlayLayer] = []
        for (n, diff) in diffs.enumerated() {
            guard let r = byParentAndDiff[parent + " " + diff] else { return nil }
            parent = r.chainID
            layers.append(store.layer("overlay2/" + r.cacheID + "/diff", role: .lower, info: EngineLayerInfo(
                layerID: r.cacheID, diffID: diff, createdBy: steps.count == diffs.count ? steps[n] : nil, size: r.size,
                note: "image layer \(n + 1) of \(diffs.count)"), notes: &notes))
        }
        return layers.reversed()
    }

    static func isHex(_ s: String) -> Bool { !s.isEmpty && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) } }

    /// Image id -> names, from repositories.json.
    func imageNames() -> [String: [String]] {
        struct Repositories: Decodable { var Repositories: [String: [String: String]] }
        var out: [String: [String]] = [:]
        for (_, tags) in store.json(Repositories.self, "image/overlay2/repositories.json")?.Repositories ?? [:] {
            for (tag, id) in tags where !tag.contains("@") { out[id, default: []].append(tag) }
        }
        return out.mapValues { $0.sorted() }
    }

    public func images(notes: inout [String]) -> [EngineImage] {
        let records = layerRecords()
        let names = imageNames()
        return store.list("image/overlay2/imagedb/content/sha256").compactMap { hex in
            let id = "sha256:" + hex
            guard let layers = imageLayers(imageID: id, records: records, notes: &notes) else { return nil }
            return EngineImage(engine: .docker, id: id, names: names[id] ?? [], layers: layers, storeRoot: root)
        }
    }

    struct ContainerConfig: Decodable {
        struct State: Decodable { var Running: Bool?; var Pid: Int32? }
        struct Config: Decodable { var Image: String? }
        struct MountPoint: Decodable { var Source: String?; var Destination: String?; var RW: Bool?; var `Type`: String? }
        var ID: String
        var Name: String?
        var Image: String?
        var State: State?
        var Config: Config?
        var MountPoints: [String: MountPoint]?
        var Driver: String?
    }

    /// Running or not.
    public func containers(notes: inout [String]) -> [Container] {
        let records = layerRecords()
        return store.list("containers").compactMap { id in
            guard let c = store.json(ContainerConfig.self, "containers/\(id)/config.v2.json") else { return nil }
            let mountID = store.text(layerdb + "/mounts/\(id)/mount-id")
            let initID = store.text(layerdb + "/mounts/\(id)/init-id")
            var layers: [OverlayLayer] = []
            if let mountID {
                layers.append(store.layer("overlay2/" + mountID + "/diff", role: .upper,
                                          info: EngineLayerInfo(layerID: mountID, note: "container layer (read-write)"), notes: &notes))
            }
            if let initID {
                layers.append(store.layer("overlay2/" + initID + "/diff", role: .lower,
                                          info: EngineLayerInfo(layerID: initID, note: "init layer: /etc/hosts, /etc/resolv.conf, … placeholders"), notes: &notes))
            }
            if let image = c.Image { layers += imageLayers(imageID: image, records: records, notes: &notes) ?? [] }
            let binds = (c.MountPoints ?? [:]).values.compactMap { m -> BindMount? in
                guard let s = m.Source, !s.isEmpty, let d = m.Destination else { return nil }
                return BindMount(source: s, destination: d, readOnly: m.RW == false)
            }.sorted { $0.destination < $1.destination }
            let running = c.State?.Running == true
            return Container(engine: .docker, id: c.ID, name: String((c.Name ?? id).trimmingPrefix("/")), image: c.Config?.Image, imageID: c.Image,
                             pid: running ? c.State?.Pid.flatMap { $0 > 0 ? $0 : nil } : nil, storeRoot: root, layers: layers,
                             mergedDir: mountID.map { store.absolute("overlay2/" + $0 + "/merged") },
                             workDir: mountID.map { store.absolute("overlay2/" + $0 + "/work") },
                             bindMounts: binds, storeOwner: owner)
        }
    }

    /// Docker's long option strings name layers `l/SHORT` relative to `<root>/overlay2`; the
    /// link must stay inside the store.
    public func resolve(relativeLayer path: ByteString) -> ByteString? {
        guard let p = path.utf8String, p.hasPrefix("l/"), case .success(let real) = store.directory("overlay2/" + p) else { return nil }
        return ByteString(real)
    }
}

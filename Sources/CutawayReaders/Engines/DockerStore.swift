import CutawayModel
import Foundation

/// Docker's overlay2 storage, read from disk (the daemon need not run):
/// `image/overlay2/repositories.json` (names), `imagedb/content/sha256/<id>` (config and
/// history), `layerdb/sha256/<chain-id>/{cache-id,diff,parent,size}`,
/// `layerdb/mounts/<container-id>/{mount-id,init-id}`, `overlay2/<cache-id>/diff`,
/// `overlay2/l/<short>` links and `containers/<id>/config.v2.json`.
public struct DockerStore: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    public var exists: Bool { StoreFiles.isDirectory(root + "/image/overlay2") }

    private var layerdb: String { root + "/image/overlay2/layerdb" }

    struct LayerRecord { var chainID: String; var cacheID: String; var diffID: String; var parent: String?; var size: Int64? }

    func layerRecords() -> [LayerRecord] {
        StoreFiles.list(layerdb + "/sha256").compactMap { chain in
            let d = layerdb + "/sha256/" + chain
            guard let cache = StoreFiles.text(d + "/cache-id"), let diff = StoreFiles.text(d + "/diff") else { return nil }
            return LayerRecord(chainID: "sha256:" + chain, cacheID: cache, diffID: diff, parent: StoreFiles.text(d + "/parent"),
                               size: StoreFiles.text(d + "/size").flatMap { Int64($0) })
        }
    }

    /// The image's read-only layers, top first, with history steps.
    func imageLayers(imageID: String, records: [LayerRecord]) -> [OverlayLayer]? {
        let hex = imageID.hasPrefix("sha256:") ? String(imageID.dropFirst(7)) : imageID
        guard let config = ImageConfig.load(root + "/image/overlay2/imagedb/content/sha256/" + hex) else { return nil }
        let diffs = config.rootfs?.diff_ids ?? []
        let steps = config.layerSteps
        var byParentAndDiff: [String: LayerRecord] = [:]
        for r in records { byParentAndDiff[(r.parent ?? "") + " " + r.diffID] = r }
        var parent = ""
        var layers: [OverlayLayer] = []
        for (n, diff) in diffs.enumerated() {
            guard let r = byParentAndDiff[parent + " " + diff] else { return nil }
            parent = r.chainID
            let path = root + "/overlay2/" + r.cacheID + "/diff"
            layers.append(OverlayLayer(role: .lower, path: ByteString(path), resolvedPath: ByteString(path), engine: EngineLayerInfo(
                layerID: r.cacheID, diffID: diff, createdBy: steps.count == diffs.count ? steps[n] : nil, size: r.size,
                note: "image layer \(n + 1) of \(diffs.count)")))
        }
        return layers.reversed()
    }

    /// Image id -> names, from repositories.json.
    func imageNames() -> [String: [String]] {
        struct Repositories: Decodable { var Repositories: [String: [String: String]] }
        var out: [String: [String]] = [:]
        for (_, tags) in StoreFiles.json(Repositories.self, root + "/image/overlay2/repositories.json")?.Repositories ?? [:] {
            for (tag, id) in tags where !tag.contains("@") { out[id, default: []].append(tag) }
        }
        return out.mapValues { $0.sorted() }
    }

    public func images() -> [EngineImage] {
        let records = layerRecords()
        let names = imageNames()
        return StoreFiles.list(root + "/image/overlay2/imagedb/content/sha256").sorted().compactMap { hex in
            let id = "sha256:" + hex
            guard let layers = imageLayers(imageID: id, records: records) else { return nil }
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

    public func containers() -> [Container] {
        let records = layerRecords()
        return StoreFiles.list(root + "/containers").sorted().compactMap { id in
            guard let c = StoreFiles.json(ContainerConfig.self, root + "/containers/\(id)/config.v2.json") else { return nil }
            let mountID = StoreFiles.text(layerdb + "/mounts/\(id)/mount-id")
            let initID = StoreFiles.text(layerdb + "/mounts/\(id)/init-id")
            var layers: [OverlayLayer] = []
            if let mountID {
                let p = root + "/overlay2/" + mountID + "/diff"
                layers.append(OverlayLayer(role: .upper, path: ByteString(p), resolvedPath: ByteString(p),
                                           engine: EngineLayerInfo(layerID: mountID, note: "container layer (read-write)")))
            }
            if let initID {
                let p = root + "/overlay2/" + initID + "/diff"
                layers.append(OverlayLayer(role: .lower, path: ByteString(p), resolvedPath: ByteString(p),
                                           engine: EngineLayerInfo(layerID: initID, note: "init layer: /etc/hosts, /etc/resolv.conf, … placeholders")))
            }
            if let image = c.Image { layers += imageLayers(imageID: image, records: records) ?? [] }
            let binds = (c.MountPoints ?? [:]).values.compactMap { m -> BindMount? in
                guard let s = m.Source, !s.isEmpty, let d = m.Destination else { return nil }
                return BindMount(source: s, destination: d, readOnly: m.RW == false)
            }.sorted { $0.destination < $1.destination }
            let running = c.State?.Running == true
            return Container(engine: .docker, id: c.ID, name: (c.Name ?? id).trimmingPrefix("/"), image: c.Config?.Image, imageID: c.Image,
                             pid: running ? c.State?.Pid.flatMap { $0 > 0 ? $0 : nil } : nil, storeRoot: root, layers: layers,
                             mergedDir: mountID.map { root + "/overlay2/" + $0 + "/merged" }, workDir: mountID.map { root + "/overlay2/" + $0 + "/work" },
                             bindMounts: binds)
        }
    }

    /// Docker's long option strings name layers `l/SHORT` relative to `<root>/overlay2`.
    public func resolve(relativeLayer path: ByteString) -> ByteString? {
        guard let p = path.utf8String, p.hasPrefix("l/") else { return nil }
        return StoreFiles.real(root + "/overlay2/" + p).map { ByteString($0) }
    }
}

extension String {
    func trimmingPrefix(_ prefix: String) -> String { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self }
}

import CutawayModel
import Foundation

/// podman / containers-storage with the overlay driver, read from disk: root stores
/// (`/var/lib/containers/storage`) and rootless ones (`~/.local/share/containers/storage`).
/// `overlay-layers/layers.json` (id, parent, sizes), `overlay-images/images.json` (id, names,
/// top layer), `overlay-containers/containers.json` (id, names, image, layer), the image
/// config stored beside the image as `=<base64 of "sha256:ID">`, and `overlay/<id>/diff`.
/// The container's pid is not in these files: it is found from the live mounts (the process
/// whose root is the container's overlay). Every file and layer is reached beneath the store.
public struct PodmanStore: EngineStore {
    public static let engine = Container.Engine.podman
    public let store: StoreRoot
    /// `user alice (uid 1000)` for a rootless store.
    public let owner: String?

    public init(store: StoreRoot, owner: String? = nil) { self.store = store; self.owner = owner }

    /// True when `store` has containers-storage's overlay layer records.
    public static func looksLike(_ store: StoreRoot) -> Bool { store.exists("overlay-layers/layers.json") }

    struct Layer: Decodable {
        var id: String
        var parent: String?
        var names: [String]?
        var diffSize: Int64?
        var diffDigest: String?
        enum CodingKeys: String, CodingKey { case id, parent, names, diffSize = "diff-size", diffDigest = "diff-digest" }
    }
    struct Image: Decodable { var id: String; var names: [String]?; var layer: String? }
    struct ContainerRecord: Decodable { var id: String; var names: [String]?; var image: String?; var layer: String }

    func layers() -> [String: Layer] {
        Dictionary((store.json([Layer].self, "overlay-layers/layers.json") ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    func imageLayers(_ image: Image, _ all: [String: Layer], notes: inout [String]) -> [OverlayLayer] {
        guard let top = image.layer else { return [] }
        let chain = ParentChain.follow(from: top, in: all, parent: \.parent)  // top first
        let configKey = "=" + Data(("sha256:" + image.id).utf8).base64EncodedString()
        let steps = DockerStore.isHex(image.id) ? ImageConfig.load("overlay-images/\(image.id)/\(configKey)", in: store, notes: &notes)?.layerSteps ?? [] : []
        let count = chain.count
        return chain.enumerated().map { n, l in
            let bottomIndex = count - 1 - n
            return store.layer("overlay/" + l.id + "/diff", role: .lower, info: EngineLayerInfo(
                layerID: l.id, diffID: l.diffDigest, createdBy: steps.count == count ? steps[bottomIndex] : nil, size: l.diffSize,
                note: "image layer \(bottomIndex + 1) of \(count)"), notes: &notes)
        }
    }

    public func images(notes: inout [String]) -> [EngineImage] {
        let all = layers()
        return (store.json([Image].self, "overlay-images/images.json") ?? []).map { i in
            EngineImage(engine: .podman, id: i.id, names: i.names ?? [], layers: imageLayers(i, all, notes: &notes), storeRoot: root)
        }
    }

    /// Without a pid (see above).
    public func containers(notes: inout [String]) -> [Container] {
        let all = layers()
        let images = Dictionary((store.json([Image].self, "overlay-images/images.json") ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return (store.json([ContainerRecord].self, "overlay-containers/containers.json") ?? []).map { c in
            var layers = [store.layer("overlay/" + c.layer + "/diff", role: .upper,
                                      info: EngineLayerInfo(layerID: c.layer, note: "container layer (read-write)"), notes: &notes)]
            let image = c.image.flatMap { images[$0] }
            if let image { layers += imageLayers(image, all, notes: &notes) }
            return Container(engine: .podman, id: c.id, name: c.names?.first ?? String(c.id.prefix(12)), image: image?.names?.first,
                             imageID: c.image, storeRoot: root, layers: layers, mergedDir: store.absolute("overlay/" + c.layer + "/merged"),
                             workDir: store.absolute("overlay/" + c.layer + "/work"), storeOwner: owner)
        }
    }
}

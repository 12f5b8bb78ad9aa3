import CutawayModel
import Foundation

/// The JSON of one inspected overlay (README: `cutaway layers --json`).
public struct LayersJSON: Encodable {
    public var inspection: OverlayInspection
    public var files: Bool
    public var path: ByteString?

    public init(inspection: OverlayInspection, files: Bool, path: ByteString?) { self.inspection = inspection; self.files = files; self.path = path }

    /// The object's members, each key with its value (a byte string's `<name>Base64` sibling
    /// only when its bytes are not valid UTF-8), in no particular order: the encoder sorts
    /// them, ``LayersDocumentJSON`` writes them sorted.
    func members() -> [(key: String, value: any Encodable)] {
        let stack = inspection.stack
        var out: [(key: String, value: any Encodable)] = []
        func bytes(_ value: ByteString?, _ name: String) {
            guard let value else { out.append((name, String?.none)); return }
            out.append((name, value.lossyString))
            if !value.isValidUTF8 { out.append((name + "Base64", value.base64)) }
        }
        bytes(stack.mergedDir, "mergedDir")
        out.append(("mountId", stack.mountID))
        out.append(("mountNamespace", stack.mountNamespace))
        bytes(stack.workDir, "workDir")
        out.append(("switches", stack.switches))
        out.append(("usesLayerAppendOptions", stack.usesLayerAppendOptions))
        out.append(("layers", LayerListJSON(inspection: inspection)))
        if files {
            out.append(("entries", MergedEntriesJSON(resolution: inspection.resolution)))
            out.append(("layerChanges", LayerChangesJSON(resolution: inspection.resolution, layers: stack.layers.indices.filter { stack.layers[$0].role != .data })))
        }
        if let path { out.append(("explanation", ExplanationJSON(inspection: inspection, path: path))) }
        return out
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        for (key, value) in members() { try c.encode(value, forKey: AnyCodingKey(key)) }
    }
}

/// `"layers"`: one object per layer, top first, with what its walk found.
struct LayerListJSON: Encodable {
    var inspection: OverlayInspection

    func encode(to encoder: any Encoder) throws {
        var layers = encoder.unkeyedContainer()
        for (i, layer) in inspection.stack.layers.enumerated() {
            var l = layers.nestedContainer(keyedBy: AnyCodingKey.self)
            try l.encode(i, forKey: "index")
            try l.encode(layer.role, forKey: "role")
            try l.encode(layer.resolvedPath ?? layer.path, named: "path")
            try l.encode(layer.path, named: "givenPath")
            try l.encode(layer.resolvedPath == nil, forKey: "relative")
            try l.encodeOrNull(layer.engine, forKey: "engine")
            try l.encodeOrNull(inspection.indexes[i]?.fileCount, forKey: "files")
            try l.encodeOrNull(inspection.indexes[i]?.totalBytes, forKey: "bytes")
            let unread = layer.engine?.isRefused == true ? [layer.engine?.note ?? "refused"]
                : layer.resolvedPath == nil ? ["relative path not resolved"] : []
            try l.encode(inspection.indexes[i]?.problems ?? unread, forKey: "problems")
        }
    }
}

/// `"explanation"` of `--path P`: which layer provides P, or what hides it.
struct ExplanationJSON: Encodable {
    var inspection: OverlayInspection
    var path: ByteString

    func encode(to encoder: any Encoder) throws {
        let stack = inspection.stack
        let e = inspection.explain(path)
        var o = encoder.container(keyedBy: AnyCodingKey.self)
        try o.encode(path, named: "path")
        switch e.verdict {
        case .provided(let layer, let kind, let dataLayer, let hides):
            try o.encode("provided", forKey: "verdict"); try o.encode(layer, forKey: "layer"); try o.encode(kind.rawValue, forKey: "type")
            try o.encodeOrNull(dataLayer, forKey: "dataLayer"); try o.encode(hides, forKey: "hides")
        case .deleted(let layer, let xattr, let hides):
            try o.encode(xattr ? "deletedByXattrWhiteout" : "deletedByWhiteout", forKey: "verdict"); try o.encode(layer, forKey: "layer"); try o.encode(hides, forKey: "hides")
        case .hiddenByOpaqueDirectory(let dir, let layer, let present):
            try o.encode("hiddenByOpaqueDirectory", forKey: "verdict"); try o.encode(dir, named: "directory"); try o.encode(layer, forKey: "layer"); try o.encode(present, forKey: "presentIn")
        case .hiddenByDeletedDirectory(let dir, let layer, let present):
            try o.encode("hiddenByDeletedDirectory", forKey: "verdict"); try o.encode(dir, named: "directory"); try o.encode(layer, forKey: "layer"); try o.encode(present, forKey: "presentIn")
        case .hiddenByFile(let p, let layer, let present):
            try o.encode("hiddenByFile", forKey: "verdict"); try o.encode(p, named: "directory"); try o.encode(layer, forKey: "layer"); try o.encode(present, forKey: "presentIn")
        case .absent:
            try o.encode("absent", forKey: "verdict")
        case .notVisible(let present):
            try o.encode("notVisible", forKey: "verdict"); try o.encode(present, forKey: "presentIn")
        }
        try o.encode(LayersReport.explain(e, stack).trimmingCharacters(in: .newlines), forKey: "text")
    }
}

/// `"container"` in `cutaway layers CONTAINER --json`.
public struct ContainerJSON: Encodable {
    public var container: Container
    public var index: SnapshotIndex

    public init(container: Container, index: SnapshotIndex) { self.container = container; self.index = index }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(container.engine, forKey: "engine")
        try c.encode(container.id, forKey: "id")
        try c.encode(container.name, forKey: "name")
        try c.encodeOrNull(container.image, forKey: "image")
        try c.encodeOrNull(container.imageID, forKey: "imageID")
        try c.encodeOrNull(container.pid, forKey: "pid")
        try c.encodeOrNull(container.mergedDir, forKey: "mergedDir")
        try c.encode(container.bindMounts, forKey: "bindMounts")
        try c.encode(container.namespaces, forKey: "namespaces")
        let reader = index.snapshot.reader.namespaces
        try c.encode(NamespaceType.allCases.filter { container.namespaces[$0] != nil && container.namespaces[$0] == reader[$0] }, forKey: "sharedWithHost")
        let mnt = container.namespaces[.mnt]
        let root = mnt.flatMap { index.mountTable($0) }?.mounts.last { $0.mountPoint == "/" }
        try c.encode(root?.fsType == "overlay", forKey: "rootIsOverlay")
        try c.encodeOrNull(container.pid.flatMap { index.process($0)?.innermostPID }, forKey: "pidInside")
        try c.encodeOrNull(container.engineNamespace, forKey: "engineNamespace")
        try c.encodeOrNull(container.pod, forKey: "pod")
        try c.encode(container.role, forKey: "role")
        try c.encodeOrNull(container.podContainerName, forKey: "podContainerName")
        try c.encodeOrNull(container.storeOwner, forKey: "storeOwner")
    }
}

/// `"image"` in `cutaway layers IMAGE --json`.
public struct ImageJSON: Encodable {
    public var image: EngineImage
    public init(image: EngineImage) { self.image = image }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(image.engine, forKey: "engine")
        try c.encode(image.id, forKey: "id")
        try c.encode(image.names, forKey: "names")
        try c.encodeOrNull(image.engineNamespace, forKey: "engineNamespace")
        try c.encodeOrNull(image.targetDigest, forKey: "targetDigest")
        try c.encode(image.storeRoot, forKey: "storeRoot")
    }
}

import CutawayModel
import Foundation

/// The JSON of one inspected overlay (README: `cutaway layers --json`).
public struct LayersJSON: Encodable {
    /// The inspected stack written.
    public var inspection: OverlayInspection
    /// With `"entries"` (every path of the merged view and the layer it comes from) and
    /// `"layerChanges"` (`--files`).
    public var files: Bool
    /// With `"explanation"` of this path (`--path P`).
    public var path: ByteString?

    /// The JSON of `inspection`, with files and an explanation as asked.
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

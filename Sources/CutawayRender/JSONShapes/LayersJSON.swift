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

    public func encode(to encoder: any Encoder) throws {
        let stack = inspection.stack
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(stack.mergedDir, named: "mergedDir")
        try c.encode(stack.mountID, forKey: "mountId")
        try c.encode(stack.mountNamespace, forKey: "mountNamespace")
        if let w = stack.workDir { try c.encode(w, named: "workDir") } else { try c.encodeNil(forKey: "workDir") }
        try c.encode(stack.switches, forKey: "switches")
        try c.encode(stack.usesLayerAppendOptions, forKey: "usesLayerAppendOptions")
        var layers = c.nestedUnkeyedContainer(forKey: "layers")
        for (i, layer) in stack.layers.enumerated() {
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
        if files {
            try c.encode(MergedEntriesJSON(resolution: inspection.resolution), forKey: "entries")
            try c.encode(LayerChangesJSON(resolution: inspection.resolution, layers: stack.layers.indices.filter { stack.layers[$0].role != .data }),
                         forKey: "layerChanges")
        }
        if let path {
            let e = inspection.explain(path)
            var o = c.nestedContainer(keyedBy: AnyCodingKey.self, forKey: "explanation")
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
}

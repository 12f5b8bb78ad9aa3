import CutawayModel

/// `"entries"` of `cutaway layers --files --json`: every path of the merged view but `/`,
/// as `{"dataLayer", "hides", "layer", "layerPath", "path", "type"}` (README: JSON contract).
///
/// A merged view has as many entries as the layers have files (tens of thousands for an
/// image), so with the streaming encoder the objects are written as bytes straight into its
/// buffer, keys already in order (nothing to sort when the object closes, no container per
/// entry); any other encoder gets the same keys and values through its containers. The bytes
/// are those of ``JSONStreamEncoder`` (LayersFilesJSONTests compares them).
struct MergedEntriesJSON: Encodable {
    var resolution: OverlayResolution

    func encode(to encoder: any Encoder) throws {
        guard let streaming = encoder as? StreamingEncoder else { return try encodeWithContainers(to: encoder) }
        var out = JSONBytes(streaming)
        let entries = resolution.entries
        var first = true
        out.openArray()
        for i in entries.indices where !Self.isRoot(entries[i].path) {
            out.element(first: first)
            first = false
            out.openObject()
            out.key("dataLayer", first: true)
            if let d = entries[i].dataLayer { out.integer(d) } else { out.null() }
            out.key("hides")
            out.integers(entries[i].hidden)
            out.key("layer")
            out.integer(entries[i].layer)
            out.bytes(entries[i].sourcePath, named: "layerPath")
            out.bytes(entries[i].path, named: "path")
            out.key("type")
            out.string(entries[i].kind.rawValue)
            out.closeObject()
            try out.flushIfLarge()
        }
        out.closeArray(empty: first)
        out.finish()
    }

    /// `/`, without making a byte string to compare with.
    static func isRoot(_ path: ByteString) -> Bool { path.bytes.count == 1 && path.bytes[0] == UInt8(ascii: "/") }

    private func encodeWithContainers(to encoder: any Encoder) throws {
        var entries = encoder.unkeyedContainer()
        for e in resolution.entries where e.path != "/" {
            var o = entries.nestedContainer(keyedBy: AnyCodingKey.self)
            try o.encode(e.path, named: "path")
            try o.encode(e.kind.rawValue, forKey: "type")
            try o.encode(e.layer, forKey: "layer")
            try o.encode(e.sourcePath, named: "layerPath")
            try o.encodeOrNull(e.dataLayer, forKey: "dataLayer")
            try o.encode(e.hidden, forKey: "hides")
        }
    }
}

/// `"layerChanges"` of `cutaway layers --files --json`: for each layer but the data-only
/// ones, `{"adds", "changes", "deletes", "layer"}` (``OverlayResolution/changes(ofLayer:)``),
/// all layers sorted out in one pass over the merged view (``OverlayResolution/changesOfEveryLayer()``)
/// and written like
/// ``MergedEntriesJSON``.
struct LayerChangesJSON: Encodable {
    var resolution: OverlayResolution
    /// The layers to describe, in order.
    var layers: [Int]

    func encode(to encoder: any Encoder) throws {
        let all = resolution.changesOfEveryLayer()
        guard let streaming = encoder as? StreamingEncoder else {
            var changes = encoder.unkeyedContainer()
            for i in layers {
                let ch = all.indices.contains(i) ? all[i] : .init()
                var o = changes.nestedContainer(keyedBy: AnyCodingKey.self)
                try o.encode(i, forKey: "layer")
                try o.encode(ch.adds, named: "adds")
                try o.encode(ch.changes, named: "changes")
                try o.encode(ch.deletes, named: "deletes")
            }
            return
        }
        var out = JSONBytes(streaming)
        out.openArray()
        for (n, i) in layers.enumerated() {
            let ch = all.indices.contains(i) ? all[i] : .init()
            out.element(first: n == 0)
            out.openObject()
            out.byteStrings(ch.adds, named: "adds", first: true)
            try out.flushIfLarge()
            out.byteStrings(ch.changes, named: "changes")
            try out.flushIfLarge()
            out.byteStrings(ch.deletes, named: "deletes")
            out.key("layer")
            out.integer(i)
            out.closeObject()
            try out.flushIfLarge()
        }
        out.closeArray(empty: layers.isEmpty)
        out.finish()
    }
}

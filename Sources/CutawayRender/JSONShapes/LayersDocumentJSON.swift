import CutawayModel

/// The whole JSON of `cutaway layers --json` (README: JSON contract), as ``LayersFindingJSON``
/// lays it out: the first overlay's members at the top level, with `"otherOverlays"` (the
/// rest, each a ``LayersJSON``) and, when TARGET named one, `"container"` (``ContainerJSON``)
/// or `"image"` (``ImageJSON``).
///
/// With the streaming encoder the top-level keys are written in sorted order, each value as
/// soon as it is made: the writer never holds the document back to sort it, and the merged
/// view of `--files` (most of the bytes) goes out in 64 KiB chunks. Any other encoder gets
/// the same members through its containers (LayersFilesJSONTests compares the two).
struct LayersDocumentJSON: Encodable {
    var overlay: LayersJSON?
    var otherOverlays: [LayersJSON]
    var container: ContainerJSON?
    var image: ImageJSON?

    init(overlay: LayersJSON?, otherOverlays: [LayersJSON], container: ContainerJSON? = nil, image: ImageJSON? = nil) {
        self.overlay = overlay; self.otherOverlays = otherOverlays; self.container = container; self.image = image
    }

    func members() -> [(key: String, value: any Encodable)] {
        var out = overlay?.members() ?? []
        out.append(("otherOverlays", otherOverlays))
        if let container { out.append(("container", container)) }
        if let image { out.append(("image", image)) }
        return out
    }

    func encode(to encoder: any Encoder) throws {
        guard let streaming = encoder as? StreamingEncoder else {
            var c = encoder.container(keyedBy: AnyCodingKey.self)
            for (key, value) in members() { try c.encode(value, forKey: AnyCodingKey(key)) }
            return
        }
        // Stable, so the first of two equal keys would stay first; the keys here are distinct.
        let sorted = members().enumerated().sorted { $0.element.key < $1.element.key || ($0.element.key == $1.element.key && $0.offset < $1.offset) }
        var out = JSONBytes(streaming)
        out.openObject()
        for (n, member) in sorted.enumerated() {
            out.key(member.element.key, first: n == 0)
            try out.value(member.element.value)
            try out.flushIfLarge()
        }
        out.closeObject()
        out.finish()
    }
}

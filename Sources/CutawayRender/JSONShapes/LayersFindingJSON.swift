import CutawayModel

/// `cutaway layers --json` (README: JSON contract): the first stack's ``LayersJSON`` keys at
/// the top level, the other stacks under `"otherOverlays"`, and `"container"` or `"image"`
/// when TARGET named one.
public struct LayersFindingJSON: Encodable {
    /// The finding written.
    public var finding: LayersFinding
    /// With `"entries"` and `"layerChanges"` for each stack (`--files`).
    public var files: Bool
    /// With `"explanation"` of this path in each stack (`--path P`).
    public var path: ByteString?

    /// The JSON of `finding`, with files and an explanation as asked.
    public init(_ finding: LayersFinding, files: Bool, path: ByteString?) { self.finding = finding; self.files = files; self.path = path }

    /// Written by ``LayersDocumentJSON``: top-level keys in order, the merged view streamed.
    public func encode(to encoder: any Encoder) throws {
        let objects = finding.stacks.map { LayersJSON(inspection: $0.inspection, files: files, path: path) }
        try LayersDocumentJSON(overlay: objects.first, otherOverlays: Array(objects.dropFirst()),
                               container: finding.container.map { ContainerJSON(container: $0.0, index: $0.1) },
                               image: finding.image.map { ImageJSON(image: $0) }).encode(to: encoder)
    }
}

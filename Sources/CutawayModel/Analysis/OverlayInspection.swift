/// An overlay stack with the contents of its layers and the merged view computed from them.
public struct OverlayInspection: Sendable {
    /// The overlay stack.
    public var stack: OverlayStack
    /// One per layer of `stack.layers`; nil where the layer directory could not be read.
    public var indexes: [LayerIndex?]
    /// The merged view the layers make (``OverlayResolver``).
    public var resolution: OverlayResolution

    /// `stack` with its layers' contents (one index per layer, top first), resolved.
    public init(stack: OverlayStack, indexes: [LayerIndex?]) {
        self.stack = stack
        self.indexes = indexes
        resolution = OverlayResolver.resolve(Array(zip(stack.layers.map(\.role), indexes)).map { (role: $0.0, index: $0.1) })
    }

    /// Each layer's role with its index, top first: what ``OverlayResolver`` and
    /// ``PathExplanation`` take.
    public var rolesAndIndexes: [(role: OverlayLayer.Role, index: LayerIndex?)] {
        zip(stack.layers.map(\.role), indexes).map { (role: $0.0, index: $0.1) }
    }

    /// Why `path` (absolute, inside the merged view) looks the way it does.
    public func explain(_ path: ByteString) -> PathExplanation {
        PathExplanation(path: path, resolution: resolution, layers: rolesAndIndexes)
    }
}

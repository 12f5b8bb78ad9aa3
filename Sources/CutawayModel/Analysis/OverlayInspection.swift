/// An overlay stack with the contents of its layers and the merged view computed from them.
public struct OverlayInspection: Sendable {
    public var stack: OverlayStack
    /// One per layer of `stack.layers`; nil where the layer directory could not be read.
    public var indexes: [LayerIndex?]
    public var resolution: OverlayResolution

    public init(stack: OverlayStack, indexes: [LayerIndex?]) {
        self.stack = stack
        self.indexes = indexes
        resolution = OverlayResolver.resolve(Array(zip(stack.layers.map(\.role), indexes)).map { (role: $0.0, index: $0.1) })
    }

    public var rolesAndIndexes: [(role: OverlayLayer.Role, index: LayerIndex?)] {
        zip(stack.layers.map(\.role), indexes).map { (role: $0.0, index: $0.1) }
    }

    public func explain(_ path: ByteString) -> PathExplanation {
        PathExplanation(path: path, resolution: resolution, layers: rolesAndIndexes)
    }
}

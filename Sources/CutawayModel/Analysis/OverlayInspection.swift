import Synchronization

/// An overlay stack with the contents of its layers and the merged view computed from them.
///
/// The merged view is computed once, when first asked for (``resolution``); a summary that
/// only needs how many files it shows asks ``mergedFileCount``, which counts them without
/// recording each path. Both see the stack and layers as they were at `init`.
public struct OverlayInspection: Sendable {
    /// The overlay stack.
    public var stack: OverlayStack
    /// One per layer of `stack.layers`; nil where the layer directory could not be read.
    public var indexes: [LayerIndex?]
    private let mergedView: MergedView

    /// `stack` with its layers' contents (one index per layer, top first); resolved on first use.
    public init(stack: OverlayStack, indexes: [LayerIndex?]) {
        self.stack = stack
        self.indexes = indexes
        mergedView = MergedView(layers: zip(stack.layers.map(\.role), indexes).map { MergedView.Layer(role: $0.0, index: $0.1) })
    }

    /// The merged view the layers make: every visible path and every deletion
    /// (``OverlayResolver/resolve(_:)``).
    public var resolution: OverlayResolution { mergedView.resolution }

    /// Visible non-directories: ``OverlayResolution/fileCount``, without the paths when the
    /// resolution was not needed otherwise.
    public var mergedFileCount: Int { mergedView.fileCount }

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

/// The merged view of one inspection, made on first use and kept (copies of the inspection
/// share it). Thread-safe: one computation, under a lock.
private final class MergedView: Sendable {
    struct Layer: Sendable {
        var role: OverlayLayer.Role
        var index: LayerIndex?
    }

    struct State {
        var resolution: OverlayResolution?
        var fileCount: Int?
    }

    let layers: [Layer]
    let state = Mutex(State())

    init(layers: [Layer]) { self.layers = layers }

    var input: [(role: OverlayLayer.Role, index: LayerIndex?)] { layers.map { (role: $0.role, index: $0.index) } }

    var resolution: OverlayResolution {
        state.withLock { state in
            if let r = state.resolution { return r }
            let r = OverlayResolver.resolve(input)
            state.resolution = r
            state.fileCount = r.fileCount
            return r
        }
    }

    var fileCount: Int {
        state.withLock { state in
            if let n = state.fileCount { return n }
            let n = OverlayResolver.visibleFileCount(input)
            state.fileCount = n
            return n
        }
    }
}

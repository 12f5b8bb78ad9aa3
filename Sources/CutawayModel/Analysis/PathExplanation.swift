/// Why one path of an overlay's merged view looks the way it does: which layer provides it
/// and which copies it hides, or which whiteout, opaque directory or file above hides it.
public struct PathExplanation: Sendable, Hashable {
    /// Why the path shows, or what hides it. Layers are numbered top first (0 = top).
    public enum Verdict: Sendable, Hashable {
        /// Visible; provided by `layer`.
        case provided(layer: Int, kind: LayerIndex.Entry.Kind, dataLayer: Int?, hides: [Int])
        /// Removed by a whiteout in `layer`.
        case deleted(layer: Int, xattr: Bool, hides: [Int])
        /// Exists in `presentIn` but an ancestor directory is opaque in `layer`.
        case hiddenByOpaqueDirectory(directory: ByteString, layer: Int, presentIn: [Int])
        /// An ancestor is deleted in `layer` (a whiteout), so nothing below it shows.
        case hiddenByDeletedDirectory(directory: ByteString, layer: Int, presentIn: [Int])
        /// An ancestor is a non-directory in `layer`, hiding lower directories of that name.
        case hiddenByFile(path: ByteString, layer: Int, presentIn: [Int])
        /// No layer has it.
        case absent
        /// Present in some layers, yet not visible for a reason cutaway does not model (e.g. a
        /// redirect moved its directory).
        case notVisible(presentIn: [Int])
    }

    /// The path asked about (absolute, inside the merged view).
    public var path: ByteString
    /// What the layers make of it.
    public var verdict: Verdict

    /// - Parameters:
    ///   - path: an absolute path inside the merged view.
    public init(path: ByteString, resolution: OverlayResolution, layers: [(role: OverlayLayer.Role, index: LayerIndex?)]) {
        self.path = path
        let presentIn = layers.indices.filter { layers[$0].role != .data && (layers[$0].index?.entry(at: path)).map { $0.kind != .whiteout } == true }
        if let e = resolution.entry(path) {
            verdict = .provided(layer: e.layer, kind: e.kind, dataLayer: e.dataLayer, hides: e.hidden)
            return
        }
        if let d = resolution.deletions.first(where: { $0.path == path && $0.kind != .opaqueDirectory }) {
            verdict = .deleted(layer: d.layer, xattr: d.kind == .xattrWhiteout, hides: d.hides)
            return
        }
        guard !presentIn.isEmpty else { verdict = .absent; return }
        for ancestor in path.ancestors {
            if let e = resolution.entry(ancestor) {
                if e.kind != .dir { verdict = .hiddenByFile(path: ancestor, layer: e.layer, presentIn: presentIn); return }
                if let o = resolution.deletions.first(where: { $0.path == ancestor && $0.kind == .opaqueDirectory }),
                   presentIn.contains(where: { $0 > o.layer }) {
                    verdict = .hiddenByOpaqueDirectory(directory: ancestor, layer: o.layer, presentIn: presentIn)
                    return
                }
            } else if let d = resolution.deletions.first(where: { $0.path == ancestor && $0.kind != .opaqueDirectory }) {
                verdict = .hiddenByDeletedDirectory(directory: ancestor, layer: d.layer, presentIn: presentIn)
                return
            }
        }
        verdict = .notVisible(presentIn: presentIn)
    }
}

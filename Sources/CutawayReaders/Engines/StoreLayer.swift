import CutawayModel

extension StoreRoot {
    /// A layer directory the engine's records name, `relative` to the store. It must resolve
    /// beneath the store: a `diff` that is a symlink out of it (or a `..` path) is refused,
    /// kept in the stack without a path to read, its note saying why, and the refusal added
    /// to `notes`. A missing directory keeps its path (the walk then reports it missing).
    func layer(_ relative: String, role: OverlayLayer.Role, info: EngineLayerInfo, notes: inout [String]) -> OverlayLayer {
        let given = ByteString(absolute(relative))
        switch directory(relative) {
        case .success(let real):
            return OverlayLayer(role: role, path: given, resolvedPath: ByteString(real), engine: info)
        case .failure(.missing):
            return OverlayLayer(role: role, path: given, resolvedPath: given, engine: info)
        case .failure(let e):
            var refused = info
            refused.note = "refused, not read: \(e)"
            notes.append(e.description)
            return OverlayLayer(role: role, path: given, resolvedPath: nil, engine: refused)
        }
    }
}

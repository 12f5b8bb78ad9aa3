import CutawayModel

/// Finds overlay mounts in a snapshot and reads their layers from the live filesystem.
public enum OverlayReader {
    /// Every overlay mount of a mount table, with its parsed stack; malformed option strings
    /// are returned as errors, not dropped.
    public static func stacks(in table: MountTable) -> [(mount: Mount, stack: Result<OverlayStack, OverlayOptionsError>)] {
        table.mounts.filter { $0.fsType == "overlay" }.map { m in
            (m, Result { () throws(OverlayOptionsError) in try OverlayOptionsParser.stack(of: m, in: table.mountNamespace) })
        }
    }

    /// Walks each layer once. A layer root given through symlinks (Docker's `l/SHORT`) is
    /// resolved to its real directory; relative paths go to `resolveRelative` (an engine's
    /// layout) and stay unread when nothing resolves them (their index is nil).
    public static func inspect(_ stack: OverlayStack, resolveRelative: (ByteString) -> ByteString? = { _ in nil }) -> OverlayInspection {
        var stack = stack
        for i in stack.layers.indices {
            if stack.layers[i].resolvedPath == nil { stack.layers[i].resolvedPath = resolveRelative(stack.layers[i].path) }
            if let p = stack.layers[i].resolvedPath?.utf8String, let real = StoreFiles.real(p), real != p {
                stack.layers[i].resolvedPath = ByteString(real)
            }
        }
        let indexes: [LayerIndex?] = stack.layers.map { layer in
            guard let path = layer.resolvedPath else { return nil }
            return LayerWalker.walk(path, userXattrs: stack.usesUserXattrs)
        }
        return OverlayInspection(stack: stack, indexes: indexes)
    }

    /// Adds what an engine knows (layer ids, build steps) to the layers of a live stack, by path.
    public static func annotate(_ stack: inout OverlayStack, with container: Container) {
        var byPath: [String: EngineLayerInfo] = [:]
        for l in container.layers {
            if let p = l.resolvedPath?.utf8String, let info = l.engine { byPath[StoreFiles.real(p) ?? p] = info }
        }
        for i in stack.layers.indices {
            guard let p = stack.layers[i].resolvedPath?.utf8String else { continue }
            if let info = byPath[StoreFiles.real(p) ?? p] { stack.layers[i].engine = info }
        }
    }
}

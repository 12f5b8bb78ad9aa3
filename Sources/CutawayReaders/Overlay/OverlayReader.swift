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

    /// Walks each layer once. Relative layer paths that nothing resolved stay unread
    /// (their index is nil and a problem says why).
    public static func inspect(_ stack: OverlayStack) -> OverlayInspection {
        let indexes: [LayerIndex?] = stack.layers.map { layer in
            guard let path = layer.resolvedPath else { return nil }
            return LayerWalker.walk(path, userXattrs: stack.usesUserXattrs)
        }
        return OverlayInspection(stack: stack, indexes: indexes)
    }
}

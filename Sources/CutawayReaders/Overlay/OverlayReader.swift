#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CutawayModel
import Dispatch
import Foundation

/// Finds overlay mounts in a snapshot and reads their layers from the live filesystem.
public enum OverlayReader {
    /// Every overlay mount of a mount table, with its parsed stack; malformed option strings
    /// are returned as errors, not dropped.
    public static func stacks(in table: MountTable) -> [(mount: Mount, stack: Result<OverlayStack, OverlayOptionsError>)] {
        table.mounts.filter { $0.fsType == "overlay" }.map { m in
            (m, Result { () throws(OverlayOptionsError) in try OverlayOptionsParser.stack(of: m, in: table.mountNamespace) })
        }
    }

    /// Walks each layer once, the layers in parallel (the result does not depend on the order).
    /// Each layer directory is opened once, following symlinks in its path as the kernel did
    /// when it mounted the stack (Docker's `l/SHORT` links), and its walk stays beneath the
    /// directory so opened; the layer's `resolvedPath` becomes that directory's real path.
    /// Relative paths go to `resolveRelative` (an engine's layout) and stay unread when
    /// nothing resolves them (their index is nil).
    public static func inspect(_ stack: OverlayStack, resolveRelative: (ByteString) -> ByteString? = { _ in nil }) -> OverlayInspection {
        var stack = stack
        for i in stack.layers.indices where stack.layers[i].resolvedPath == nil {
            stack.layers[i].resolvedPath = resolveRelative(stack.layers[i].path)
        }
        let roots = stack.layers.map(\.resolvedPath)
        let userXattrs = stack.usesUserXattrs
        let metacopy = stack.followsMetacopy(moduleDefault: metacopyModuleDefault)
        let walked = walkInParallel(roots, userXattrs: userXattrs, metacopy: metacopy)
        for i in stack.layers.indices { if let real = walked[i]?.realPath { stack.layers[i].resolvedPath = real } }
        return OverlayInspection(stack: stack, indexes: walked.map { $0?.index })
    }

    /// The walk of each layer root (nil for a relative path nothing resolved), the layers
    /// spread over the cores (DispatchQueue.concurrentPerform, one layer per iteration) and the
    /// results in layer order, so the output does not depend on which walk finished first.
    private static func walkInParallel(_ roots: [ByteString?], userXattrs: Bool, metacopy: Bool) -> [(index: LayerIndex, realPath: ByteString?)?] {
        let slots = WalkResults(count: roots.count)
        DispatchQueue.concurrentPerform(iterations: roots.count) { i in
            let result = roots[i].map { LayerWalker.walkLayer($0, userXattrs: userXattrs, metacopy: metacopy) }
            slots.lock.withLock { slots.results[i] = result }
        }
        return slots.results
    }

    /// One slot per layer, each written once by its walk under the lock.
    private final class WalkResults: @unchecked Sendable {
        var results: [(index: LayerIndex, realPath: ByteString?)?]
        let lock = NSLock()
        init(count: Int) { results = Array(repeating: nil, count: count) }
    }

    /// The overlay module's `metacopy` parameter (Y or N), the default of mounts that do not
    /// say `metacopy=`; false when the module is not loaded (no file) or unreadable.
    static var metacopyModuleDefault: Bool {
        let fd = open("/sys/module/overlay/parameters/metacopy", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var byte: UInt8 = 0
        return read(fd, &byte, 1) == 1 && byte == UInt8(ascii: "Y")
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

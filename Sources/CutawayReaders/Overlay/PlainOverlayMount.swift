#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CutawayModel

extension OverlayReader {
    /// The overlay mounted at `mountPoint` (absolute and symlink-free, as mountinfo shows it)
    /// in the reader's own mount namespace, when it is a plain overlay: read from
    /// `/proc/self/mountinfo` alone, without scanning other processes or engine stores.
    ///
    /// nil when there is no such overlay, its options cannot be parsed, or it looks like a
    /// container engine's (a relative layer path, or a layer or mount point inside a Docker,
    /// containers-storage or containerd layout): the caller then takes the general way, which
    /// names engine layers and reports errors.
    public static func plainOverlay(mountedAt mountPoint: ByteString, source: DirectoryProcSource = .live()) -> OverlayStack? {
        var st = stat()
        // By pid: a ProcSource reads beneath /proc and follows no symlink, and /proc/self is one.
        let own = getpid()
        guard stat("/proc/\(own)/ns/mnt", &st) == 0, let data = try? source.readFile("\(own)/mountinfo") else { return nil }
        let namespace = UInt64(st.st_ino)
        guard let mount = MountInfoParser.parse(data, file: "/proc/self/mountinfo").mounts.last(where: { $0.mountPoint == mountPoint }),
              mount.fsType == "overlay",
              let stack = try? OverlayOptionsParser.stack(of: mount, in: namespace),
              isPlain(stack) else { return nil }
        return stack
    }

    /// Path markers of the engines' overlay layouts (README "Container engines on disk").
    static let engineLayoutMarkers: [ByteString] = [
        "/overlay2/", "/overlay/", "/overlay-containers/", "io.containerd.snapshotter.v1.overlayfs/", "io.containerd.runtime.v2.task/",
    ]

    /// No relative layer and no path in an engine's layout.
    static func isPlain(_ stack: OverlayStack) -> Bool {
        let paths = [stack.mergedDir] + stack.layers.map(\.path) + (stack.workDir.map { [$0] } ?? [])
        return !stack.layers.contains(where: \.isRelative)
            && !paths.contains { path in engineLayoutMarkers.contains { path.bytes.firstRange(of: $0.bytes) != nil } }
    }
}

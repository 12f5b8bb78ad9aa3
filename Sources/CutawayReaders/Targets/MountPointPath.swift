#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CutawayModel

/// A path as mountinfo shows mount points (proc_pid_mountinfo(5) field 5).
enum MountPointPath {
    /// The absolute, symlink-free form of `path` (realpath(3)); a path that does not resolve
    /// keeps its spelling without trailing slashes.
    static func canonical(_ path: String) -> ByteString {
        if let real = StoreFiles.real(path) { return ByteString(real) }
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return ByteString(p)
    }
}

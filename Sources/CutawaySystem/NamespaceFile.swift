#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxSyscalls
import SystemPackage

/// Why a namespace file was not opened.
public enum NamespaceFileError: Error, Equatable, Sendable {
    /// open(2), or the re-open through `/proc/self/fd`, failed with this errno.
    case system(Errno)
    /// The path did not lead to an nsfs file (e.g. `/proc/PID/fd/N` now names a FIFO or a device).
    case notANamespace
}

/// Opening a namespace file (`/proc/PID/ns/TYPE`, `/proc/PID/fd/N`, a bind-mounted nsfs file)
/// for the ioctls of ioctl_ns(2), without ever opening anything else.
///
/// The path is opened `O_PATH` (open(2): no I/O, so a FIFO does not block and a device driver
/// is not called), checked with fstatfs(2) to be on nsfs (`NSFS_MAGIC`), and only then
/// re-opened read-only through `/proc/self/fd/N` (the ioctls refuse `O_PATH` descriptors).
/// What was checked is what gets opened: the magic link names the inode, not the path.
public enum NamespaceFile {
    /// Opens `path` read-only if it is an nsfs file, by the steps above; throws
    /// ``NamespaceFileError/notANamespace`` for anything else.
    public static func open(_ path: FilePath) throws(NamespaceFileError) -> FileDescriptor {
        let fd = path.withPlatformString { Glibc.open($0, O_PATH_VALUE | O_CLOEXEC) }
        guard fd >= 0 else { throw .system(Errno(rawValue: errno)) }
        let handle = FileDescriptor(rawValue: fd)
        defer { try? handle.close() }
        guard isOnNsfs(handle) else { throw .notANamespace }
        do { return try handle.reopen(.readOnly) } catch { throw .system(error) }
    }

    /// fstatfs(2): whether the descriptor's file lives on nsfs.
    public static func isOnNsfs(_ fd: FileDescriptor) -> Bool {
        FileSystemType.of(fd) == .nsfs
    }
}

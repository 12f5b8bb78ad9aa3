import CLinuxSyscalls
import SystemPackage

/// The file system a descriptor's file lives on: the `f_type` magic of fstatfs(2)
/// (statfs(2) lists them; include/uapi/linux/magic.h defines them).
public struct FileSystemType: RawRepresentable, Equatable, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// `NSFS_MAGIC`: namespace files (`/proc/PID/ns/*`, their bind mounts).
    public static let nsfs = FileSystemType(rawValue: UInt64(CUTAWAY_NSFS_MAGIC))
    /// `MQUEUE_MAGIC`: POSIX message queue file systems (mq_overview(7)).
    public static let mqueue = FileSystemType(rawValue: 0x1980_0202)
    /// `PROC_SUPER_MAGIC`.
    public static let proc = FileSystemType(rawValue: 0x9fa0)

    /// fstatfs(2); nil when it fails.
    public static func of(_ fd: FileDescriptor) -> FileSystemType? {
        var type: UInt64 = 0
        return cutaway_fstatfs_type(fd.rawValue, &type) == 0 ? FileSystemType(rawValue: type) : nil
    }
}

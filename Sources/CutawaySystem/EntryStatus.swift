#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What statx(2) says of a directory entry that a walk needs: its type, its size and, for a
/// device file, its device numbers (see ``DirectoryDescriptor/status(ofCName:)``).
public struct EntryStatus: Sendable, Equatable {
    /// The `S_IFMT` bits of `stx_mode` (inode(7)): `S_IFREG`, `S_IFDIR`, `S_IFLNK`, `S_IFCHR`, …
    public var type: UInt32
    /// `stx_size`: bytes of a regular file, the length of a symlink's target.
    public var size: Int64
    /// `stx_rdev_major`: the major number of the device a device file stands for.
    public var deviceMajor: UInt32
    /// `stx_rdev_minor`: the minor number of the device a device file stands for.
    public var deviceMinor: UInt32

    /// A status with these fields.
    public init(type: UInt32, size: Int64, deviceMajor: UInt32 = 0, deviceMinor: UInt32 = 0) {
        self.type = type; self.size = size; self.deviceMajor = deviceMajor; self.deviceMinor = deviceMinor
    }

    /// `S_IFDIR`.
    public var isDirectory: Bool { type == UInt32(S_IFDIR) }
    /// `S_IFREG`.
    public var isRegularFile: Bool { type == UInt32(S_IFREG) }
    /// `S_IFLNK`.
    public var isSymlink: Bool { type == UInt32(S_IFLNK) }
    /// A character device 0/0: overlayfs' whiteout (Documentation/filesystems/overlayfs.rst).
    public var isWhiteoutDevice: Bool { type == UInt32(S_IFCHR) && deviceMajor == 0 && deviceMinor == 0 }
}

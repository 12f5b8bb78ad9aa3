#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxSyscalls
import SystemPackage

/// The `RESOLVE_*` flags of openat2(2): how the kernel may resolve a path.
public struct ResolveFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// `RESOLVE_BENEATH`: every component stays beneath the directory given; an absolute path,
    /// a `..` above it or a symlink pointing out of it fails with `EXDEV`.
    public static let beneath = ResolveFlags(rawValue: UInt64(CUTAWAY_RESOLVE_BENEATH))
    /// `RESOLVE_NO_MAGICLINKS`: no `/proc/PID/fd/N`-style links (they jump anywhere).
    public static let noMagicLinks = ResolveFlags(rawValue: UInt64(CUTAWAY_RESOLVE_NO_MAGICLINKS))
    /// `RESOLVE_NO_SYMLINKS`: no symlink in any component (`ELOOP`).
    public static let noSymlinks = ResolveFlags(rawValue: UInt64(CUTAWAY_RESOLVE_NO_SYMLINKS))
    /// `RESOLVE_NO_XDEV`: no crossing of a mount point.
    public static let noCrossingMounts = ResolveFlags(rawValue: UInt64(CUTAWAY_RESOLVE_NO_XDEV))

    /// What cutaway uses for data it reads from trees others may own: beneath the root, no
    /// magic links, no symlinks at all.
    public static let strictlyBeneath: ResolveFlags = [.beneath, .noMagicLinks, .noSymlinks]
}

/// `O_PATH` (open(2)): a descriptor that names a file without opening it for I/O. Opening a
/// FIFO or a device this way neither blocks nor calls the driver.
public let openPathOnly = FileDescriptor.OpenOptions(rawValue: CUTAWAY_O_PATH)

extension FileDescriptor {
    /// openat2(2): opens `path`, relative to the directory `self`, resolved as `resolve` says.
    ///
    /// Before Linux 5.6 (openat2 fails with `ENOSYS`, also under seccomp filters that do not
    /// know it) the same rules are kept by a descriptor walk: one `openat(O_NOFOLLOW)` per
    /// component from `self`, refusing `..` and absolute paths (`EXDEV`) and every symlink
    /// (`ELOOP`); the walk is stricter than openat2 with `RESOLVE_BENEATH` alone, never looser.
    ///
    /// - Parameters:
    ///   - path: a relative path; empty means the directory itself.
    ///   - options: `O_*` flags besides the access mode; `O_CLOEXEC` is always added.
    public func open(
        beneath path: FilePath, _ access: FileDescriptor.AccessMode, options: FileDescriptor.OpenOptions = [],
        permissions: FilePermissions? = nil, resolve: ResolveFlags = .strictlyBeneath
    ) throws(Errno) -> FileDescriptor {
        let path = path.isEmpty ? FilePath(".") : path
        let flags = UInt64(UInt32(bitPattern: access.rawValue | options.rawValue | O_CLOEXEC))
        let mode = UInt64(permissions?.rawValue ?? 0)
        if OpenBeneathSupport.openat2Works {
            let fd = path.withPlatformString { cutaway_openat2(rawValue, $0, flags, mode, resolve.rawValue) }
            if fd >= 0 { return FileDescriptor(rawValue: fd) }
            let code = errno
            if code != ENOSYS { throw Errno(rawValue: code) }
            OpenBeneathSupport.openat2Works = false
        }
        return try openByDescriptorWalk(path, access: access, options: options, permissions: permissions)
    }

    /// The fallback of ``open(beneath:_:options:permissions:resolve:)``: one component at a time.
    func openByDescriptorWalk(_ path: FilePath, access: FileDescriptor.AccessMode, options: FileDescriptor.OpenOptions,
              permissions: FilePermissions?) throws(Errno) -> FileDescriptor {
        guard !path.isAbsolute else { throw .improperLink }
        var names = path.components.map(\.string).filter { $0 != "." }
        if names.isEmpty { names = ["."] }
        guard !names.contains("..") else { throw .improperLink }
        var current = self
        var owned = false
        defer { if owned { try? current.close() } }
        for name in names.dropLast() {
            let next = openat(current.rawValue, name, O_PATH_VALUE | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else { throw Errno(rawValue: errno) }
            if owned { try? current.close() }
            current = FileDescriptor(rawValue: next)
            owned = true
        }
        let flags = access.rawValue | options.rawValue | O_NOFOLLOW | O_CLOEXEC
        let fd = openat(current.rawValue, names.last!, flags, permissions?.rawValue ?? 0)
        guard fd >= 0 else { throw Errno(rawValue: errno) }
        return FileDescriptor(rawValue: fd)
    }
}

let O_PATH_VALUE: Int32 = CUTAWAY_O_PATH

/// Whether openat2(2) is there; learned from the first `ENOSYS`.
enum OpenBeneathSupport {
    nonisolated(unsafe) static var openat2Works = true
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxSyscalls

/// An open directory, read only through its descriptor: children are opened, listed and
/// stat'ed relative to it (openat(2), getdents64(2), statx(2)), never by a path from the
/// root again, so no path length limit applies and a name swapped for a symlink while we
/// look is never followed (`O_NOFOLLOW`, `AT_SYMLINK_NOFOLLOW`). Closed when the value is
/// released or `close()` is called.
public final class DirectoryDescriptor {
    /// A failed call: errno, so that the caller can tell "vanished" (ENOENT) from the rest.
    public struct Failure: Error, Equatable, Sendable {
        /// The errno of the failed call.
        public var errno: Int32
        /// A failure with this errno.
        public init(errno: Int32) { self.errno = errno }
        /// True for ENOENT: the entry went away (a process exited, a file was removed).
        public var vanished: Bool { errno == ENOENT }
        /// strerror(3) of the errno.
        public var message: String { String(cString: strerror(errno)) }
    }

    /// The directory's descriptor; -1 once closed.
    public private(set) var fd: Int32

    private init(fd: Int32) { self.fd = fd }
    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Closes the descriptor now (idempotent) instead of when the value is released.
    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// open(2) of a starting directory by path, `O_DIRECTORY`: symlinks in `path` are followed
    /// (the caller decides that this path is the root; everything below is walked by fd).
    public static func open(path: [UInt8]) -> Result<DirectoryDescriptor, Failure> {
        let fd = (path + [0]).withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { Glibc.open($0.baseAddress!, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        }
        return fd >= 0 ? .success(DirectoryDescriptor(fd: fd)) : .failure(Failure(errno: errno))
    }

    /// The path of the open directory as the kernel names it now (readlink(2) of
    /// `/proc/self/fd/FD`, see proc_pid_fd(5)); nil when unreachable from this process's root
    /// or deleted.
    public func realPath() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { readlink("/proc/self/fd/\(fd)", $0.baseAddress!, $0.count) }
            }
            guard n > 0 else { return nil }
            if n < buffer.count {
                let path = Array(buffer[..<n])
                return path.first == UInt8(ascii: "/") && !path.reversed().starts(with: Array(" (deleted)".utf8).reversed()) ? path : nil
            }
            buffer = [UInt8](repeating: 0, count: buffer.count * 4)
        }
    }

    /// openat(2) of the subdirectory `name` with `O_DIRECTORY|O_NOFOLLOW`: fails with ELOOP or
    /// ENOTDIR when `name` is (now) a symlink or no directory.
    public func openDirectory(_ name: [UInt8]) -> Result<DirectoryDescriptor, Failure> {
        Self.open(name, in: fd)
    }

    /// The same, relative to any directory descriptor the caller holds (e.g. `/proc/PID`).
    public static func open(_ name: [UInt8], in parent: Int32) -> Result<DirectoryDescriptor, Failure> {
        let fd = (name + [0]).withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { openat(parent, $0.baseAddress!, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK) }
        }
        return fd >= 0 ? .success(DirectoryDescriptor(fd: fd)) : .failure(Failure(errno: errno))
    }

    /// One entry as getdents64(2) gives it: the name and the `d_type` (DT_DIR, DT_REG, DT_LNK,
    /// DT_CHR, …; DT_UNKNOWN on file systems that do not fill it in).
    public struct Entry: Sendable {
        /// The entry's name, as bytes.
        public var name: [UInt8]
        /// `d_type`.
        public var type: UInt8
        /// An entry called `name` of `d_type` `type`.
        public init(name: [UInt8], type: UInt8) { self.name = name; self.type = type }
    }

    /// Every entry of the directory except `.` and `..`, in the order the file system gives
    /// them (getdents64(2) until it returns 0, see ``DirectoryListing``).
    public func entries() -> Result<[Entry], Failure> {
        var listing = DirectoryListing()
        if let failure = list(into: &listing) { return .failure(failure) }
        return .success((0..<listing.count).map { Entry(name: listing.name(at: $0), type: listing.type(at: $0)) })
    }

    /// Refills `listing` with every entry of the directory except `.` and `..`, in the order
    /// the file system gives them; nil when done, the failure otherwise (the listing then
    /// holds what came before it).
    public func list(into listing: inout DirectoryListing) -> Failure? {
        listing.fill(from: fd).map { Failure(errno: $0) }
    }

    /// statx(2) of `name` with `AT_SYMLINK_NOFOLLOW`: the entry itself, never a symlink's target.
    public func status(of name: [UInt8]) -> Result<EntryStatus, Failure> {
        (name + [0]).withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { status(ofCName: $0.baseAddress!) }
        }
    }

    /// The same for entry `i` of a listing of this directory, named by the kernel's own bytes.
    public func status(of i: Int, in listing: DirectoryListing) -> Result<EntryStatus, Failure> {
        listing.withCName(at: i) { status(ofCName: $0) }
    }

    /// statx(2) (fstatat(2) before Linux 4.11) of a NUL-terminated name in this directory, with
    /// `AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT`: its type and size, nothing more.
    public func status(ofCName name: UnsafePointer<CChar>) -> Result<EntryStatus, Failure> {
        var st = cutaway_entry_status()
        guard cutaway_statx_entry(fd, name, &st) == 0 else { return .failure(Failure(errno: errno)) }
        return .success(EntryStatus(type: st.type, size: st.size, deviceMajor: st.rdev_major, deviceMinor: st.rdev_minor))
    }

    /// flistxattr(2) on the directory itself: the names of its extended attributes (those
    /// the caller may see: `trusted.*` only for CAP_SYS_ADMIN).
    public func attributeNames() -> Result<[[UInt8]], Failure> {
        var size = 256
        while true {
            var buffer = [UInt8](repeating: 0, count: size)
            let n = buffer.withUnsafeMutableBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { cutaway_flistxattr(fd, $0.baseAddress!, size) }
            }
            if n >= 0 { return .success(buffer[..<n].split(separator: 0).map(Array.init)) }
            guard errno == ERANGE else { return .failure(Failure(errno: errno)) }
            let needed = cutaway_flistxattr(fd, nil, 0)
            guard needed >= 0 else { return .failure(Failure(errno: errno)) }
            size = max(needed, size * 2)
        }
    }

    /// fgetxattr(2) on the directory itself; nil when it has no such attribute (ENODATA).
    public func attribute(_ name: String) -> Result<[UInt8]?, Failure> {
        Self.readAttribute { value, size in cutaway_fgetxattr(fd, name, value, size) }
    }

    /// The extended attribute `attribute` of the entry `name` in this directory, not
    /// following it if it is a symlink and without opening it: getxattrat(2) where the
    /// kernel has it (6.13+), else lgetxattr(2) on `/proc/self/fd/FD/NAME` (the directory by
    /// its descriptor, the last component not followed). nil when absent (ENODATA).
    public func attribute(_ attribute: String, of name: [UInt8]) -> Result<[UInt8]?, Failure> {
        (name + [0]).withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { self.attribute(attribute, ofCName: $0.baseAddress!) }
        }
    }

    /// The same for entry `i` of a listing of this directory.
    public func attribute(_ attribute: String, of i: Int, in listing: DirectoryListing) -> Result<[UInt8]?, Failure> {
        listing.withCName(at: i) { self.attribute(attribute, ofCName: $0) }
    }

    /// The same for a NUL-terminated name.
    public func attribute(_ attribute: String, ofCName name: UnsafePointer<CChar>) -> Result<[UInt8]?, Failure> {
        if Self.hasGetxattrat {
            return Self.readAttribute { value, size in cutaway_getxattrat_nofollow(fd, name, attribute, value, size) }
        }
        let path = Array("/proc/self/fd/\(fd)/".utf8) + UnsafeBufferPointer(start: UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self), count: strlen(name)) + [0]
        return path.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { path in
                Self.readAttribute { value, size in cutaway_lgetxattr(path.baseAddress!, attribute, value, size) }
            }
        }
    }

    /// Whether the kernel has getxattrat(2) (Linux 6.13+): probed once, on `/`.
    private static let hasGetxattrat: Bool = {
        cutaway_getxattrat_nofollow(AT_FDCWD, "/", "user.cutaway-probe", nil, 0) >= 0 || errno != ENOSYS
    }()

    /// Reads an xattr value with the size-then-value protocol of getxattr(2), retrying when
    /// it grew in between (ERANGE). ENODATA (no such attribute) is nil.
    private static func readAttribute(_ call: (UnsafeMutableRawPointer?, Int) -> Int) -> Result<[UInt8]?, Failure> {
        var size = 64
        while true {
            var buffer = [UInt8](repeating: 0, count: size)
            let n = buffer.withUnsafeMutableBytes { call($0.baseAddress, size) }
            if n >= 0 { return .success(Array(buffer[..<n])) }
            switch errno {
            case ENODATA: return .success(nil)
            case ERANGE:
                let needed = call(nil, 0)
                if needed < 0 { return errno == ENODATA ? .success(nil) : .failure(Failure(errno: errno)) }
                size = max(needed, size * 2)
            default: return .failure(Failure(errno: errno))
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxSyscalls
import CutawayModel
import CutawaySystem
import SystemPackage

/// Why a namespace, or something inside it, could not be read. Never thrown to the user:
/// it becomes a sentence in `visibility`.
public struct NamespaceReadError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
    /// `what: strerror(errno)` with a hint for the usual case.
    static func errno(_ what: String, _ code: Int32) -> NamespaceReadError {
        let text = String(cString: strerror(code))
        switch code {
        case EPERM, EACCES: return .init("\(what): \(text) (run cutaway as root to look inside)")
        case ENOENT, ESRCH: return .init("\(what): \(text) (the namespace's last holder went away)")
        default: return .init("\(what): \(text)")
        }
    }
}

/// A namespace file (`/proc/PID/ns/TYPE`, `/proc/PID/fd/N`, or a bind mount such as
/// `/run/netns/NAME` in some mount namespace) opened so that setns(2) may use it.
///
/// It is opened with O_PATH first, which neither reads nor blocks, and checked to be on
/// nsfs (fstatfs(2) magic NSFS_MAGIC) with the expected inode; only then is it reopened
/// read-only through `/proc/self/fd` (setns needs a real open file). A bind-mount path is
/// walked one component at a time under `/proc/PID/root` without following any symlink,
/// so a name from a container cannot lead cutaway elsewhere on the host.
final class EnterableNamespace {
    let fd: Int32

    private init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }

    /// Where a namespace can be reached from, in the order to try.
    enum Location: Sendable, Hashable {
        /// `/proc/PID/ns/TYPE` (a tid works too).
        case member(Int32)
        /// `/proc/PID/fd/FD`.
        case openFD(pid: Int32, fd: Int32)
        /// A bind mount at `path` in the mount namespace of `pid`.
        case bindMount(pid: Int32, path: [UInt8])
    }

    /// The ways to reach `ns`: its member processes, then its threads, fds and bind mounts.
    static func locations(of ns: Namespace) -> [Location] {
        var out = ns.pids.map(Location.member) + ns.threads.map(Location.member)
        for h in ns.holders {
            switch h.kind {
            case .openFD: if let fd = h.fd { out.append(.openFD(pid: h.pid, fd: fd)) }
            case .bindMount: if let path = h.path { out.append(.bindMount(pid: h.pid, path: path.bytes)) }
            case .pidForChildren, .timeForChildren: break
            }
        }
        return out
    }

    /// Opens `type:inode` through the first location that works; the error of the first
    /// failure otherwise.
    static func open(_ type: NamespaceType, _ inode: UInt64, via locations: [Location], procRoot: String = "/proc") -> Result<EnterableNamespace, NamespaceReadError> {
        var firstError: NamespaceReadError?
        for location in locations {
            switch open(type, inode, at: location, procRoot: procRoot) {
            case .success(let file): return .success(file)
            case .failure(let e): if firstError == nil { firstError = e }
            }
        }
        return .failure(firstError ?? NamespaceReadError("no process, fd or mount to reach it through"))
    }

    static func open(_ type: NamespaceType, _ inode: UInt64, at location: Location, procRoot: String = "/proc") -> Result<EnterableNamespace, NamespaceReadError> {
        let pathFD: Int32
        let shown: String
        switch location {
        case .member(let pid):
            shown = "\(procRoot)/\(pid)/ns/\(type.rawValue)"
            pathFD = Glibc.open(shown, CUTAWAY_O_PATH | O_CLOEXEC)
        case .openFD(let pid, let fd):
            shown = "\(procRoot)/\(pid)/fd/\(fd)"
            pathFD = Glibc.open(shown, CUTAWAY_O_PATH | O_CLOEXEC)
        case .bindMount(let pid, let path):
            shown = "\(procRoot)/\(pid)/root\(String(decoding: path, as: UTF8.self))"
            switch RootedPath.open(pid: pid, path: path, directory: false, procRoot: procRoot) {
            case .success(let fd): pathFD = fd
            case .failure(let e): return .failure(e)
            }
        }
        guard pathFD >= 0 else { return .failure(.errno("open \(shown)", errno)) }
        defer { close(pathFD) }
        guard FileSystemType.of(FileDescriptor(rawValue: pathFD)) == .nsfs else { return .failure(.init("\(shown) is not a namespace file")) }
        guard inodeNumber(pathFD) == inode else { return .failure(.init("\(shown) is now another namespace")) }
        let fd = Glibc.open("/proc/self/fd/\(pathFD)", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.errno("reopen \(shown)", errno)) }
        guard inodeNumber(fd) == inode else { close(fd); return .failure(.init("\(shown) is now another namespace")) }
        return .success(EnterableNamespace(fd: fd))
    }

    static func inodeNumber(_ fd: Int32) -> UInt64? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return UInt64(st.st_ino)
    }
}

/// Opens a path inside a process's root (`/proc/PID/root` + `path`) `O_PATH`, through
/// CutawaySystem's beneath-opener (openat2(2) with `RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS|
/// RESOLVE_NO_SYMLINKS`, or its one-component-at-a-time `O_NOFOLLOW` walk on kernels without
/// openat2): a symlink anywhere on the way is refused (never followed), and the path cannot
/// leave that root. Used for paths read from mount tables (which never contain symlinks).
enum RootedPath {
    static func open(pid: Int32, path: [UInt8], directory: Bool, procRoot: String = "/proc") -> Result<Int32, NamespaceReadError> {
        let rootPath = "\(procRoot)/\(pid)/root"
        let root = Glibc.open(rootPath, CUTAWAY_O_PATH | O_DIRECTORY | O_CLOEXEC)
        guard root >= 0 else { return .failure(.errno("open \(rootPath)", errno)) }
        defer { close(root) }
        let shown = "\(rootPath)\(String(decoding: path, as: UTF8.self))"
        // Mount points are absolute: the same path, relative to that root.
        let relative = path.drop { $0 == UInt8(ascii: "/") }
        var options = openPathOnly
        if directory { options.insert(.directory) }
        // Built from the bytes, so a name that is not UTF-8 still names that file.
        let beneath = (Array(relative) + [0]).withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { FilePath(platformString: $0.baseAddress!) }
        }
        do {
            let fd = try FileDescriptor(rawValue: root).open(beneath: beneath, .readOnly, options: options)
            return .success(fd.rawValue)
        } catch {
            let why = error == .tooManySymbolicLinkLevels || error == .notDirectory ? "a symlink or non-directory on the way (not followed)"
                : error == .improperLink ? "a path out of that root (not followed)" : error.description
            return .failure(.init("\(shown): \(why)"))
        }
    }
}

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

/// Opens a path inside a process's root (`/proc/PID/root` + `path`) one component at a time
/// with O_PATH|O_NOFOLLOW, the way systemd's chase() does: a symlink anywhere on the way is
/// refused (never followed), and `.`/`..` components are refused, so the walk cannot leave
/// that root. Used for paths read from mount tables (which never contain symlinks).
enum RootedPath {
    static func open(pid: Int32, path: [UInt8], directory: Bool, procRoot: String = "/proc") -> Result<Int32, NamespaceReadError> {
        let rootPath = "\(procRoot)/\(pid)/root"
        var fd = Glibc.open(rootPath, CUTAWAY_O_PATH | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.errno("open \(rootPath)", errno)) }
        let components = path.split(separator: UInt8(ascii: "/"))
        for (i, component) in components.enumerated() {
            if component.elementsEqual([UInt8(ascii: ".")]) || component.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                close(fd)
                return .failure(.init("\(rootPath)\(String(decoding: path, as: UTF8.self)): a . or .. component"))
            }
            let last = i == components.count - 1
            let flags = CUTAWAY_O_PATH | O_NOFOLLOW | O_CLOEXEC | (!last || directory ? O_DIRECTORY : 0)
            let next = Array(component).withUnsafeBufferPointer { buf -> Int32 in
                var name = Array(buf) + [0]
                return name.withUnsafeMutableBufferPointer { n in
                    n.baseAddress!.withMemoryRebound(to: CChar.self, capacity: n.count) { openat(fd, $0, flags) }
                }
            }
            let code = errno
            close(fd)
            guard next >= 0 else {
                let why = code == ELOOP || code == ENOTDIR ? "a symlink or non-directory on the way (not followed)" : String(cString: strerror(code))
                return .failure(.init("\(rootPath)\(String(decoding: path, as: UTF8.self)): \(why)"))
            }
            fd = next
        }
        return .success(fd)
    }
}

import CLinuxSyscalls
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A container engine's store, opened once as a directory descriptor; every file, directory
/// and layer in it is reached *beneath* that descriptor (openat2(2) with `RESOLVE_BENEATH |
/// RESOLVE_NO_MAGICLINKS`): a symlink or `..` that leads outside the store is refused with
/// EXDEV, never followed. Files are read only when they are regular files, opened with
/// `O_NOFOLLOW | O_NONBLOCK` (no FIFO can block the read) and no larger than a cap.
///
/// cutaway runs as root on hosts where other users and containers own files: the store is the
/// boundary of what an engine's records may make it read.
public final class StoreRoot: Sendable {
    /// The store's path as discovered (absolute).
    public let path: String
    /// Owner of the store's root directory, from fstat(2) on the descriptor.
    public let ownerUID: UInt32
    /// Mode bits (`st_mode`) of the store's root directory, from the same fstat(2).
    public let mode: UInt32
    let fd: Int32

    /// Opens `path` as a store root. The path itself is resolved by the kernel as usual (a
    /// default place such as `/var/run/docker` may go through a symlink); what is under it is not.
    public static func open(_ path: String) -> StoreRoot? {
        let fd = Glibc.open(path, CUTAWAY_O_PATH | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0 else { close(fd); return nil }
        return StoreRoot(path: path, fd: fd, ownerUID: st.st_uid, mode: st.st_mode)
    }

    private init(path: String, fd: Int32, ownerUID: UInt32, mode: UInt32) {
        self.path = path; self.fd = fd; self.ownerUID = ownerUID; self.mode = mode
    }

    deinit { close(fd) }

    /// Owned by root and writable by nobody else: a store only root (and so only the engine) can change.
    public var isRootOwned: Bool { ownerUID == 0 && mode & 0o022 == 0 }

    /// The absolute path of something beneath the store, for messages and for layers.
    public func absolute(_ relative: String) -> String { path.hasSuffix("/") ? path + relative : path + "/" + relative }

    /// Opens `relative` beneath the store.
    func openBeneath(_ relative: String, _ flags: Int32) -> Result<Int32, StoreReadError> {
        let rel = relative.drop { $0 == "/" }
        guard !rel.isEmpty else { return .failure(.missing(absolute(relative))) }
        let f = cutaway_open_beneath(fd, String(rel), flags | O_CLOEXEC)
        if f >= 0 { return .success(f) }
        let e = errno
        switch e {
        case EXDEV: return .failure(.outside(absolute(String(rel)), store: path))
        case ENOENT, ENOTDIR: return .failure(.missing(absolute(String(rel))))
        case ELOOP: return .failure(.symlink(absolute(String(rel))))
        default: return .failure(.other(absolute(String(rel)), String(cString: strerror(e))))
        }
    }

    /// The bytes of a regular file beneath the store, at most `limit` of them.
    public func read(_ relative: String, limit: Int) -> Result<[UInt8], StoreReadError> {
        let opened = openBeneath(relative, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
        guard case .success(let f) = opened else { return opened.map { _ in [] } }
        defer { close(f) }
        return Self.readRegular(f, name: absolute(relative), limit: limit)
    }

    /// Reads an open descriptor that must be a regular file of at most `limit` bytes.
    static func readRegular(_ f: Int32, name: String, limit: Int) -> Result<[UInt8], StoreReadError> {
        var st = stat()
        guard fstat(f, &st) == 0 else { return .failure(.other(name, String(cString: strerror(errno)))) }
        guard st.st_mode & S_IFMT == S_IFREG else { return .failure(.notRegular(name)) }
        guard st.st_size <= limit else { return .failure(.tooLarge(name, size: Int64(st.st_size), limit: limit)) }
        var out = [UInt8](repeating: 0, count: Int(st.st_size) + 1)
        var filled = 0
        while filled < out.count {
            let n = out.withUnsafeMutableBytes { Glibc.read(f, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 { if errno == EINTR { continue }; return .failure(.other(name, String(cString: strerror(errno)))) }
            if n == 0 { break }
            filled += n
            if filled > limit { return .failure(.tooLarge(name, size: Int64(filled), limit: limit)) }
        }
        out.removeLast(out.count - filled)
        return .success(out)
    }

    /// A small text file (an id, a pid), trimmed; nil when missing, refused or too large.
    public func text(_ relative: String, limit: Int = 4096) -> String? {
        guard case .success(let bytes) = read(relative, limit: limit) else { return nil }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A JSON record, decoded; nil when missing, refused, too large or malformed.
    public func json<T: Decodable>(_ type: T.Type, _ relative: String, limit: Int = StoreRoot.recordLimit) -> T? {
        guard case .success(let bytes) = read(relative, limit: limit) else { return nil }
        return try? JSONDecoder().decode(type, from: Data(bytes))
    }

    /// The names in a directory beneath the store (empty when missing or refused).
    public func list(_ relative: String) -> [String] {
        guard case .success(let f) = openBeneath(relative, O_RDONLY | O_DIRECTORY) else { return [] }
        guard let dir = fdopendir(f) else { close(f); return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// True when `relative` is a directory beneath the store (no link leading out).
    public func isDirectory(_ relative: String) -> Bool {
        guard case .success(let f) = openBeneath(relative, CUTAWAY_O_PATH | O_DIRECTORY) else { return false }
        close(f)
        return true
    }

    /// True when `relative` exists beneath the store (no link leading out).
    public func exists(_ relative: String) -> Bool {
        guard case .success(let f) = openBeneath(relative, CUTAWAY_O_PATH) else { return false }
        close(f)
        return true
    }

    /// The real absolute path of a directory beneath the store (a layer's `diff`, a Docker
    /// `l/SHORT` link), once the kernel has checked that resolving it stays inside the store.
    public func directory(_ relative: String) -> Result<String, StoreReadError> {
        switch openBeneath(relative, CUTAWAY_O_PATH | O_DIRECTORY) {
        case .failure(let e): return .failure(e)
        case .success(let f):
            defer { close(f) }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink("/proc/self/fd/\(f)", &buffer, buffer.count - 1)
            guard n > 0 else { return .success(absolute(relative)) }
            return .success(String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }

    /// Engines' JSON records (config.v2.json, layers.json, containers.json) are small; a busy
    /// host's layers.json is a few MB.
    public static let recordLimit = 64 << 20
    /// An image configuration: the JSON of an OCI/Docker config is KBs; history of hundreds of
    /// steps stays far below this. A larger one is refused, not read (it would cost its size in RAM).
    public static let imageConfigLimit = 8 << 20
}

/// Why a file of a store was not read.
public enum StoreReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist.
    case missing(String)
    /// Its path resolves outside the store (EXDEV from openat2(2)).
    case outside(String, store: String)
    /// It is a symbolic link (ELOOP from `O_NOFOLLOW`).
    case symlink(String)
    /// It is not a regular file.
    case notRegular(String)
    /// It is larger than the limit for its kind of record.
    case tooLarge(String, size: Int64, limit: Int)
    /// Any other failure, with the system's message.
    case other(String, String)

    public var description: String {
        switch self {
        case .missing(let p): "\(p) does not exist"
        case .outside(let p, let store): "refused \(p): it resolves outside the store \(store) (a symlink or .. leading out); cutaway reads a store only beneath its root"
        case .symlink(let p): "refused \(p): it is a symlink where the engine keeps a file"
        case .notRegular(let p): "refused \(p): not a regular file"
        case .tooLarge(let p, let size, let limit): "refused \(p): \(size) bytes, more than the \(limit)-byte limit for such a record"
        case .other(let p, let why): "cannot read \(p): \(why)"
        }
    }

    /// True when the read was refused for the store's safety (not merely missing).
    public var isRefusal: Bool {
        switch self { case .missing: false; default: true }
    }
}

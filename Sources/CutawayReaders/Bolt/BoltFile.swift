import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a bbolt file the way a bystander must: copy it into memory and parse the copy.
/// The file is opened read-only (beneath its store, no symlink followed), never for writing,
/// and never `flock`ed, so a running containerd is not blocked. A copy made while the daemon
/// commits can mix two transactions: if the file's size, inode or modification time changed
/// during the copy, or the copy does not parse, it is copied again (a few times).
public enum BoltFile {
    /// containerd's meta.db on a busy node is tens of MB; this leaves room for far more.
    public static let sizeLimit = 1 << 30

    /// Why the file could not be read.
    public enum ReadError: Error, Sendable, CustomStringConvertible {
        /// The file could not be opened or read beneath its store.
        case store(StoreReadError)
        /// The file (named) is not a bbolt database, or is damaged.
        case format(String, BoltError)
        /// The file (named) changed during every one of `attempts` copies.
        case unstable(String, attempts: Int)

        public var description: String {
            switch self {
            case .store(let e): e.description
            case .format(let p, let e): "\(p): \(e)"
            case .unstable(let p, let n): "\(p) changed while it was copied, \(n) times in a row; try again"
            }
        }
    }

    /// Copies `relative` (beneath `store`, at most `limit` bytes) and parses the copy, trying up
    /// to `attempts` times while the file changes under it.
    public static func read(_ relative: String, in store: StoreRoot, limit: Int = sizeLimit, attempts: Int = 5) -> Result<BoltDatabase, ReadError> {
        let name = store.absolute(relative)
        var lastFormatError: BoltError?
        for attempt in 0..<attempts {
            if attempt > 0 { usleep(20_000 * UInt32(attempt)) }
            let opened = store.openBeneath(relative, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
            guard case .success(let fd) = opened else {
                if case .failure(let e) = opened { return .failure(.store(e)) }
                continue
            }
            defer { close(fd) }
            var before = stat()
            guard fstat(fd, &before) == 0 else { continue }
            let bytes: [UInt8]
            switch StoreRoot.readRegular(fd, name: name, limit: limit) {
            case .failure(let e): return .failure(.store(e))
            case .success(let b): bytes = b
            }
            var after = stat()
            guard fstat(fd, &after) == 0, Self.same(before, after), bytes.count == Int(after.st_size) else { continue }
            do { return .success(try BoltDatabase(bytes: bytes)) } catch { lastFormatError = error }
        }
        if let lastFormatError { return .failure(.format(name, lastFormatError)) }
        return .failure(.unstable(name, attempts: attempts))
    }

    static func same(_ a: stat, _ b: stat) -> Bool {
        a.st_ino == b.st_ino && a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec
    }
}

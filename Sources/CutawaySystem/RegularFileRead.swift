#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// Why a file was not read, in words a user can act on.
public enum SafeReadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The system call failed (open(2), read(2), fstat(2)).
    case system(Errno)
    /// Not a regular file: a FIFO (reading could block forever), a device (`/dev/zero`
    /// never ends; opening some devices has side effects), a socket or a directory.
    case notRegularFile(FileType)
    /// Larger than the limit: reading it all would take unbounded memory.
    case tooLarge(limit: Int)

    public var description: String {
        switch self {
        case .system(let e): e.description
        case .notRegularFile(let type): "not a regular file (\(Self.name(type))); cutaway reads only regular files"
        case .tooLarge(let limit): "larger than \(Self.size(limit)), the most cutaway reads of one file"
        }
    }

    static func name(_ type: FileType) -> String {
        switch type {
        case .fifo: "a FIFO"
        case .characterSpecial: "a character device"
        case .blockSpecial: "a block device"
        case .socket: "a socket"
        case .directory: "a directory"
        case .symbolicLink: "a symbolic link"
        default: "file type \(String(type.rawValue, radix: 8))"
        }
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }
}

extension FileDescriptor {
    /// Reads a whole regular file from an open descriptor, at most `limit` bytes.
    ///
    /// fstat(2) must say `S_ISREG`; files that report size 0 (proc(5) files) are read until
    /// EOF all the same, in growing chunks, and stop with ``SafeReadError/tooLarge(limit:)``
    /// once more than `limit` bytes arrive.
    public func readRegularFile(limit: Int) throws(SafeReadError) -> [UInt8] {
        let info: Stat
        do { info = try stat() } catch { throw .system(error) }
        guard info.type == .regular else { throw .notRegularFile(info.type) }
        if info.size > Int64(limit) { throw .tooLarge(limit: limit) }
        var out: [UInt8] = []
        out.reserveCapacity(min(Int(info.size) + 1, limit + 1))
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = chunk.withUnsafeMutableBytes { buffer in Glibc.read(rawValue, buffer.baseAddress, buffer.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .system(Errno(rawValue: errno))
            }
            if n == 0 { return out }
            if out.count + n > limit { throw .tooLarge(limit: limit) }
            out.append(contentsOf: chunk[0..<n])
            if n == chunk.count && chunk.count < 1 << 20 { chunk = [UInt8](repeating: 0, count: chunk.count * 4) }
        }
    }

    /// Opens `path` beneath the directory `self` (``open(beneath:_:options:permissions:resolve:)``,
    /// never through a symlink) and reads it as ``readRegularFile(limit:)`` does.
    ///
    /// The file is first opened `O_PATH` and checked with fstat(2); only a regular file is then
    /// re-opened for reading (through `/proc/self/fd/N`, `O_NONBLOCK`), so a FIFO or device
    /// planted in its place is never opened for I/O. Without `/proc` it is opened
    /// `O_NOFOLLOW|O_NONBLOCK` directly and checked the same way.
    public func readRegularFile(beneath path: FilePath, limit: Int, resolve: ResolveFlags = .strictlyBeneath) throws(SafeReadError) -> [UInt8] {
        let handle: FileDescriptor
        do { handle = try open(beneath: path, .readOnly, options: [openPathOnly, .noFollow], resolve: resolve) } catch { throw .system(error) }
        defer { try? handle.close() }
        let info: Stat
        do { info = try handle.stat() } catch { throw .system(error) }
        guard info.type == .regular else { throw .notRegularFile(info.type) }
        let file: FileDescriptor
        do {
            file = try handle.reopen(.readOnly, options: [.nonBlocking])
        } catch .noSuchFileOrDirectory where !ProcSelf.isMounted {
            do { file = try open(beneath: path, .readOnly, options: [.noFollow, .nonBlocking], resolve: resolve) } catch { throw .system(error) }
        } catch {
            throw .system(error)
        }
        defer { try? file.close() }
        return try file.readRegularFile(limit: limit)
    }

    /// Reads a file the user named (`--from FILE`, `--mountinfo FILE`): the path is resolved
    /// as given, then read as ``readRegularFile(beneath:limit:resolve:)`` reads: opened
    /// `O_PATH`, only a regular file re-opened (`O_NONBLOCK`), at most `limit` bytes.
    public static func readRegularFile(at path: FilePath, limit: Int) throws(SafeReadError) -> [UInt8] {
        let fd = path.withPlatformString { Glibc.open($0, O_PATH_VALUE | O_CLOEXEC) }
        guard fd >= 0 else { throw .system(Errno(rawValue: errno)) }
        let handle = FileDescriptor(rawValue: fd)
        defer { try? handle.close() }
        let info: Stat
        do { info = try handle.stat() } catch { throw .system(error) }
        guard info.type == .regular else { throw .notRegularFile(info.type) }
        let file: FileDescriptor
        do { file = try handle.reopen(.readOnly, options: [.nonBlocking]) } catch { throw .system(error) }
        defer { try? file.close() }
        return try file.readRegularFile(limit: limit)
    }

    /// open(2) of `/proc/self/fd/N` for this (typically `O_PATH`) descriptor: the same file,
    /// now open for I/O, without resolving any path again.
    public func reopen(_ access: FileDescriptor.AccessMode, options: FileDescriptor.OpenOptions = []) throws(Errno) -> FileDescriptor {
        let fd = Glibc.open("/proc/self/fd/\(rawValue)", access.rawValue | options.rawValue | O_CLOEXEC)
        guard fd >= 0 else { throw Errno(rawValue: errno) }
        return FileDescriptor(rawValue: fd)
    }
}

enum ProcSelf {
    static var isMounted: Bool { access("/proc/self/fd", F_OK) == 0 }
}

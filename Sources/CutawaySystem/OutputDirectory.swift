#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// Why cutaway refused or failed to write, with what to do about it.
public enum OutputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// mkdir(2) of the directory (or a missing parent) failed.
    case cannotCreate(String, Errno)
    /// open(2) of the directory failed.
    case cannotOpen(String, Errno)
    /// The output directory itself is a symlink: cutaway never writes through links.
    case directoryIsSymlink(String)
    /// A symlink on the way to the output directory owned by someone other than root or you.
    case untrustedSymlink(String, owner: UInt32)
    /// The path exists and is not a directory.
    case notADirectory(String)
    /// The output directory belongs to another user, who could swap its files for links.
    case ownedByAnotherUser(String, owner: UInt32)
    /// A directory that must be new or empty (a capture's) already holds files.
    case notEmpty(String)
    /// A file name that is not one plain path component (it came from data unsanitised).
    case unsafeName(String)
    /// The file to write is a symlink (to a victim, perhaps) or not a regular file.
    case targetIsSymlink(String)
    /// The file to write exists and is a directory, device, fifo or socket.
    case targetNotRegular(String)
    /// Creating, writing or renaming the file failed.
    case cannotWrite(String, Errno)

    public var description: String {
        switch self {
        case .cannotCreate(let p, let e): "cannot create \(p): \(e) (choose another place with --output DIR)"
        case .cannotOpen(let p, let e): "cannot open \(p): \(e) (choose another place with --output DIR)"
        case .directoryIsSymlink(let p): "\(p) is a symbolic link; cutaway writes only into a real directory (remove the link or choose another --output DIR)"
        case .untrustedSymlink(let p, let uid): "\(p) is a symbolic link owned by uid \(uid); cutaway follows only links owned by root or by you on the way to its output (choose another --output DIR)"
        case .notADirectory(let p): "\(p) is not a directory (choose another --output DIR)"
        case .ownedByAnotherUser(let p, let uid): "\(p) belongs to uid \(uid), not to you (uid \(geteuid())); its owner could swap files for links, so cutaway does not write there (choose another --output DIR)"
        case .notEmpty(let p): "\(p) exists and is not empty; give a new or empty directory so that nothing is overwritten"
        case .unsafeName(let n): "refusing to write a file named \(n.debugDescription): not a plain file name"
        case .targetIsSymlink(let p): "\(p) is a symbolic link; cutaway does not write through links (remove it, or choose another --output DIR)"
        case .targetNotRegular(let p): "\(p) exists and is not a regular file; cutaway replaces only files (remove it, or choose another --output DIR)"
        case .cannotWrite(let p, let e): "cannot write \(p): \(e)"
        }
    }
}

/// A directory cutaway writes into, held open by descriptor so that nothing can redirect it.
///
/// - It is created by cutaway if missing (mkdir(2), with the mode given: 0700 for captures);
///   each missing parent too (0755).
/// - It is opened `O_DIRECTORY|O_NOFOLLOW` (open(2)); if it is a symlink, or it belongs to
///   another user (who could swap files in it for links), writing is refused.
/// - On the way there, a symlink is followed only when root or you own it.
/// - Each file is written as a new temporary file (`O_CREAT|O_EXCL|O_NOFOLLOW`) and renamed
///   over the target with renameat(2), so a reader never sees half a file and a target that
///   is a symlink is never written through; a target that is a symlink, a directory or
///   another special file is refused. Re-runs replace the regular files cutaway wrote.
/// - All further paths are single names relative to the descriptor (``validateName(_:)``).
public final class OutputDirectory {
    /// As given, for messages (`output/snapshot-…/index.html`).
    public let path: String
    /// The directory, open `O_DIRECTORY|O_NOFOLLOW`; every file is made relative to it.
    public let descriptor: FileDescriptor

    init(path: String, descriptor: FileDescriptor) { self.path = path; self.descriptor = descriptor }
    deinit { try? descriptor.close() }

    /// Creates (if needed) and opens the directory at `path`.
    ///
    /// - Parameters:
    ///   - permissions: the mode for a directory cutaway creates (parents get 0755).
    ///   - requireEmpty: refuse a directory that already has entries.
    ///   - ownerOnly: also make an existing directory 0700 (captures hold what others may not read).
    public static func open(_ path: String, permissions: FilePermissions = [.ownerReadWriteExecute, .groupReadExecute, .otherReadExecute],
                            requireEmpty: Bool = false, ownerOnly: Bool = false) throws(OutputError) -> OutputDirectory {
        let fp = FilePath(path)
        var names = fp.components.map(\.string)
        var current: Int32 = fp.isAbsolute ? Glibc.open("/", O_PATH_VALUE | O_DIRECTORY | O_CLOEXEC) : Glibc.open(".", O_PATH_VALUE | O_DIRECTORY | O_CLOEXEC)
        guard current >= 0 else { throw .cannotOpen(fp.isAbsolute ? "/" : ".", Errno(rawValue: errno)) }
        defer { if current >= 0 { close(current) } }
        if names.isEmpty { names = ["."] }
        var sofar = fp.isAbsolute ? "/" : ""
        for (i, name) in names.enumerated() {
            let last = i == names.count - 1
            sofar += (sofar.isEmpty || sofar.hasSuffix("/") ? "" : "/") + name
            if name != "." && name != ".." {
                let mode = last ? permissions : [.ownerReadWriteExecute, .groupReadExecute, .otherReadExecute]
                if mkdirat(current, name, mode.rawValue) != 0 && errno != EEXIST { throw .cannotCreate(sofar, Errno(rawValue: errno)) }
            }
            var next = openat(current, name, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | (last ? O_RDONLY : O_PATH_VALUE))
            if next < 0 && (errno == ELOOP || errno == ENOTDIR) {
                let link: Stat
                do { link = try FilePath(name).stat(relativeTo: FileDescriptor(rawValue: current), flags: .symlinkNoFollow) } catch { throw .cannotOpen(sofar, error) }
                guard link.type == .symbolicLink else { throw .notADirectory(sofar) }
                if last { throw .directoryIsSymlink(sofar) }
                let owner = link.userID.rawValue
                guard owner == 0 || owner == geteuid() else { throw .untrustedSymlink(sofar, owner: owner) }
                next = openat(current, name, O_DIRECTORY | O_CLOEXEC | O_PATH_VALUE)
            }
            guard next >= 0 else { throw .cannotOpen(sofar, Errno(rawValue: errno)) }
            close(current)
            current = next
        }
        let directory = OutputDirectory(path: path, descriptor: FileDescriptor(rawValue: current))
        current = -1
        let info: Stat
        do { info = try directory.descriptor.stat() } catch { throw .cannotOpen(path, error) }
        guard info.userID.rawValue == geteuid() else { throw .ownedByAnotherUser(path, owner: info.userID.rawValue) }
        if requireEmpty {
            let entries: [String]
            do { entries = try directory.entries() } catch { throw .cannotOpen(path, error) }
            if !entries.isEmpty { throw .notEmpty(path) }
        }
        if ownerOnly && info.permissions.rawValue & 0o077 != 0 {
            guard fchmod(directory.descriptor.rawValue, 0o700) == 0 else { throw .cannotOpen(path, Errno(rawValue: errno)) }
        }
        return directory
    }

    /// The names in the directory (readdir(3) on a duplicate of the descriptor), without `.` and `..`.
    public func entries() throws(Errno) -> [String] {
        let dup = Glibc.dup(descriptor.rawValue)
        guard dup >= 0 else { throw Errno(rawValue: errno) }
        _ = lseek(dup, 0, SEEK_SET)
        guard let dir = fdopendir(dup) else { close(dup); throw Errno(rawValue: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// `name` must be one plain component: not empty, no `/`, no NUL, not `.` or `..`.
    public static func validateName(_ name: String) throws(OutputError) {
        guard !name.isEmpty, name != ".", name != "..", !name.utf8.contains(UInt8(ascii: "/")), !name.utf8.contains(0) else {
            throw .unsafeName(name)
        }
    }

    /// Writes `bytes` to `name` in this directory: a temporary file, then renameat(2) over
    /// `name`. `permissions` is the new file's mode (0600 for anything holding command lines).
    /// Returns the path written, for messages.
    @discardableResult
    public func write<Bytes: Collection>(_ bytes: Bytes, to name: String, permissions: FilePermissions = [.ownerReadWrite, .groupRead, .otherRead]) throws(OutputError) -> String where Bytes.Element == UInt8 {
        try Self.validateName(name)
        let target = path + (path.hasSuffix("/") ? "" : "/") + name
        try checkReplaceable(name, target: target)
        var attempt = 0
        var temporary = ""
        var fd: Int32 = -1
        repeat {
            attempt += 1
            temporary = ".\(name.prefix(100)).cutaway-\(getpid())-\(attempt)"
            fd = openat(descriptor.rawValue, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, permissions.rawValue)
        } while fd < 0 && errno == EEXIST && attempt < 100
        guard fd >= 0 else { throw .cannotWrite(target, Errno(rawValue: errno)) }
        let written = bytes.withContiguousStorageIfAvailable { Self.writeAll(fd, $0) } ?? Array(bytes).withUnsafeBufferPointer { Self.writeAll(fd, $0) }
        let closed = close(fd) == 0 ? 0 : errno
        if let failure = written ?? (closed == 0 ? nil : Errno(rawValue: closed)) {
            unlinkat(descriptor.rawValue, temporary, 0)
            throw .cannotWrite(target, failure)
        }
        guard renameat(descriptor.rawValue, temporary, descriptor.rawValue, name) == 0 else {
            let code = errno
            unlinkat(descriptor.rawValue, temporary, 0)
            throw .cannotWrite(target, Errno(rawValue: code))
        }
        return target
    }

    /// Like ``write(_:to:permissions:)``, for output produced by a streaming writer: `body`
    /// gets the temporary file's descriptor; the file is renamed over `name` when it returns.
    public func writeStreaming(to name: String, permissions: FilePermissions, _ body: (Int32) throws -> Void) throws {
        try Self.validateName(name)
        let target = path + (path.hasSuffix("/") ? "" : "/") + name
        try checkReplaceable(name, target: target)
        let temporary = ".\(name.prefix(100)).cutaway-\(getpid())-stream"
        unlinkat(descriptor.rawValue, temporary, 0)
        let fd = openat(descriptor.rawValue, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, permissions.rawValue)
        guard fd >= 0 else { throw OutputError.cannotWrite(target, Errno(rawValue: errno)) }
        do { try body(fd) } catch {
            close(fd)
            unlinkat(descriptor.rawValue, temporary, 0)
            throw error
        }
        close(fd)
        guard renameat(descriptor.rawValue, temporary, descriptor.rawValue, name) == 0 else {
            let code = errno
            unlinkat(descriptor.rawValue, temporary, 0)
            throw OutputError.cannotWrite(target, Errno(rawValue: code))
        }
    }

    /// write(2) until everything is written; the error, if any.
    private static func writeAll(_ fd: Int32, _ buffer: UnsafeBufferPointer<UInt8>) -> Errno? {
        var offset = 0
        while offset < buffer.count {
            let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return Errno(rawValue: errno)
            }
            offset += n
        }
        return nil
    }

    /// A target may be replaced when it does not exist or is a regular file.
    private func checkReplaceable(_ name: String, target: String) throws(OutputError) {
        let existing: Stat
        do { existing = try FilePath(name).stat(relativeTo: descriptor, flags: .symlinkNoFollow) } catch {
            if error == .noSuchFileOrDirectory { return }
            throw .cannotWrite(target, error)
        }
        if existing.type == .symbolicLink { throw .targetIsSymlink(target) }
        if existing.type != .regular { throw .targetNotRegular(target) }
    }

    /// The subdirectory `name`, created (mkdirat(2), mode `permissions`) if missing, opened
    /// `O_DIRECTORY|O_NOFOLLOW`; a symlink there is refused.
    public func subdirectory(_ name: String, permissions: FilePermissions = [.ownerReadWriteExecute, .groupReadExecute, .otherReadExecute]) throws(OutputError) -> OutputDirectory {
        try Self.validateName(name)
        let target = path + (path.hasSuffix("/") ? "" : "/") + name
        if mkdirat(descriptor.rawValue, name, permissions.rawValue) != 0 && errno != EEXIST { throw .cannotCreate(target, Errno(rawValue: errno)) }
        let fd = openat(descriptor.rawValue, name, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_RDONLY)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP { throw .directoryIsSymlink(target) }
            if code == ENOTDIR { throw .notADirectory(target) }
            throw .cannotOpen(target, Errno(rawValue: code))
        }
        return OutputDirectory(path: target, descriptor: FileDescriptor(rawValue: fd))
    }

    /// symlinkat(2): a symlink `name` -> `target` (for captures, which copy namespace links as
    /// links). An existing entry of that name is left alone.
    public func writeSymlink(_ name: String, target: [UInt8]) throws(OutputError) {
        try Self.validateName(name)
        let result = (target + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { symlinkat($0.baseAddress!, descriptor.rawValue, name) }
        }
        if result != 0 && errno != EEXIST { throw .cannotWrite(path + "/" + name, Errno(rawValue: errno)) }
    }
}

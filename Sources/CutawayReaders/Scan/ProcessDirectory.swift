#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxSyscalls
import CutawayModel
import CutawaySystem
import SystemPackage

/// The files of one process (`PID/...`), read relative to its directory.
///
/// For the live `/proc` this is a directory descriptor of `/proc/PID`, opened once: every
/// read is an `openat(2)`/`readlinkat(2)` relative to it, so the kernel looks up the pid
/// once per process instead of once per file, and a pid reused mid-scan cannot mix two
/// processes' files. For any other ``ProcSource`` (a capture, a scripted test source, a
/// recording), the reads go through the source's path-based methods.
enum ProcessDirectory {
    case paths(any ProcSource, prefix: String)
    case descriptor(DescriptorDirectory)

    /// Opens `pid`'s directory; nil when the process is gone or its directory refused.
    static func open(_ pid: Int32, in source: any ProcSource) -> ProcessDirectory? {
        // Only the live reader itself: a recording source must see every read to record it.
        if source is DirectoryProcSource, source.rootDescription == "/proc", let dir = DescriptorDirectory(path: "/proc/\(pid)") {
            return .descriptor(dir)
        }
        return .paths(source, prefix: "\(pid)/")
    }

    func readFile(_ name: String, limit: Int = 1 << 26) throws(ProcReadError) -> [UInt8] {
        switch self {
        case .paths(let source, let prefix): try source.readFile(prefix + name)
        case .descriptor(let dir): try dir.readFile(name, limit: limit)
        }
    }

    func readLink(_ name: String) throws(ProcReadError) -> [UInt8] {
        switch self {
        case .paths(let source, let prefix): try source.readLink(prefix + name)
        case .descriptor(let dir): try dir.readLink(name)
        }
    }

    func listDirectory(_ name: String) throws(ProcReadError) -> [String] {
        switch self {
        case .paths(let source, let prefix): try source.listDirectory(prefix + name)
        case .descriptor(let dir): try dir.listDirectory(name)
        }
    }

    /// The namespace the link `name` points to (`ns/net`, `fd/7`), nil when it points to
    /// something else; for the live `/proc` read into a stack buffer and parsed in place.
    func namespaceLink(_ name: String) throws(ProcReadError) -> (type: NamespaceType, inode: UInt64)? {
        switch self {
        case .paths(let source, let prefix): NamespaceLinkParser.parse(try source.readLink(prefix + name))
        case .descriptor(let dir): try dir.withLinkTarget(name) { NamespaceLinkParser.parse(buffer: $0) }
        }
    }

    /// The links of subdirectory `name` (`fd`) that point to namespaces, with each link's name
    /// as a number (the fd). For the live `/proc` the directory is opened once, listed with
    /// getdents64(2) and each link read relative to it, by the kernel's own name bytes.
    func namespaceLinks(in name: String) throws(ProcReadError) -> [(entry: Int32, type: NamespaceType, inode: UInt64)] {
        switch self {
        case .paths:
            var out: [(entry: Int32, type: NamespaceType, inode: UInt64)] = []
            for entry in try listDirectory(name) {
                guard let number = Int32(entry), let link = try? namespaceLink(name + "/" + entry) else { continue }
                out.append((number, link.type, link.inode))
            }
            return out
        case .descriptor(let dir):
            let sub: DirectoryDescriptor
            switch DirectoryDescriptor.open(Array(name.utf8), in: dir.fd) {
            case .success(let opened): sub = opened
            case .failure(let failure): throw ProcReadError(errno: Errno(rawValue: failure.errno))
            }
            defer { sub.close() }
            var listing = DirectoryListing()
            if let failure = sub.list(into: &listing) { throw ProcReadError(errno: Errno(rawValue: failure.errno)) }
            var out: [(entry: Int32, type: NamespaceType, inode: UInt64)] = []
            for i in 0..<listing.count {
                // Only fd links point to namespaces, and those are short: a link that does
                // not fit, or that went away meanwhile, is not one.
                let read = listing.withCName(at: i) { cname in
                    DescriptorDirectory.withLinkTarget(in: sub.fd, cname) { NamespaceLinkParser.parse(buffer: $0) }
                }
                guard case .read(let parsed) = read, let link = parsed,
                      let number = listing.withName(at: i, { ByteScanning.decimal($0, as: Int32.self) }) else { continue }
                out.append((number, link.type, link.inode))
            }
            return out
        }
    }

    /// The subdirectory `name` (e.g. `ns`, `task/TID/ns`): for the live `/proc` one `O_PATH`
    /// descriptor, so that the reads in it look up only their own name (search permission is
    /// all `O_PATH` needs, as for the same reads through the longer names); nil when it cannot
    /// be opened (the caller then reads through the longer names and gets their errors).
    func subdirectory(_ name: String) -> ProcessDirectory? {
        switch self {
        case .paths(let source, let prefix): .paths(source, prefix: prefix + name + "/")
        case .descriptor(let dir): DescriptorDirectory(name, in: dir).map { .descriptor($0) }
        }
    }

    /// The open directory descriptor, for the live `/proc` only.
    var descriptor: Int32? {
        switch self {
        case .paths: nil
        case .descriptor(let dir): dir.fd
        }
    }

    /// The number of threads, when one `fstatat` can tell: procfs gives `PID/task` a link
    /// count of 2 + threads (proc(5) does not promise it, so only the live source asks).
    func threadCount() -> Int? {
        switch self {
        case .paths: nil
        case .descriptor(let dir): dir.linkCount("task").map { $0 - 2 }
        }
    }
}

/// An `O_PATH`-free, read-only directory descriptor and the `*at` reads relative to it.
final class DescriptorDirectory {
    let fd: Int32

    init?(path: String) {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        self.fd = fd
    }

    /// `name` under `parent`, opened `O_PATH` (enough for the `*at` reads relative to it),
    /// never through a symbolic link.
    init?(_ name: String, in parent: DescriptorDirectory) {
        let fd = openat(parent.fd, name, CUTAWAY_O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Reads a whole file (proc files report size 0: read until EOF), at most `limit` bytes.
    func readFile(_ name: String, limit: Int) throws(ProcReadError) -> [UInt8] {
        let file = openat(fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard file >= 0 else { throw ProcReadError(errno: Errno(rawValue: errno)) }
        defer { close(file) }
        // Most proc files (status, stat, cmdline, a short mount table) fit in the first 4 KiB:
        // read into uninitialized memory (no zero-filling to trim afterwards); longer ones go
        // on growing.
        var failure: Int32 = 0
        var atEnd = false
        var out = [UInt8](unsafeUninitializedCapacity: min(4096, limit)) { buffer, initialized in
            initialized = 0
            while initialized < buffer.count {
                let n = read(file, buffer.baseAddress! + initialized, buffer.count - initialized)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if n == 0 { atEnd = true; return }
                initialized += n
            }
        }
        if failure != 0 { throw ProcReadError(errno: Errno(rawValue: failure)) }
        if atEnd || out.count >= limit { return out }
        var used = out.count
        while true {
            if used == out.count {
                guard out.count < limit else { break }
                out.append(contentsOf: repeatElement(0, count: min(out.count, limit - out.count)))
            }
            let n = out.withUnsafeMutableBytes { raw in read(file, raw.baseAddress! + used, raw.count - used) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ProcReadError(errno: Errno(rawValue: errno))
            }
            if n == 0 { break }
            used += n
        }
        out.removeSubrange(used...)
        return out
    }

    func readLink(_ name: String) throws(ProcReadError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let n = buffer.withUnsafeMutableBufferPointer { buf in
                buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { readlinkat(fd, name, $0, buf.count) }
            }
            if n < 0 { throw ProcReadError(errno: Errno(rawValue: errno)) }
            if n < buffer.count { return Array(buffer[0..<n]) }
            guard buffer.count < 1 << 16 else { return buffer }
            buffer = [UInt8](repeating: 0, count: buffer.count * 4)
        }
    }

    /// `body` on the target of the link `name`, read with readlinkat(2) into a stack buffer
    /// (the targets of /proc's namespace and fd links are short; a longer one is read whole).
    func withLinkTarget<T>(_ name: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) throws(ProcReadError) -> T {
        switch name.withCString({ Self.withLinkTarget(in: fd, $0, body) }) {
        case .read(let result): return result
        case .failed(let code): throw ProcReadError(errno: Errno(rawValue: code))
        case .tooLong: return try readLink(name).withUnsafeBufferPointer(body)
        }
    }

    /// What reading a link into a stack buffer gave.
    enum LinkRead<T> {
        case read(T)
        case failed(errno: Int32)
        case tooLong
    }

    /// `body` on the target of the link `name` relative to `directory`, read into 256 bytes
    /// on the stack.
    static func withLinkTarget<T>(in directory: Int32, _ name: UnsafePointer<CChar>, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> LinkRead<T> {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { buffer -> LinkRead<T> in
            let n = buffer.withMemoryRebound(to: CChar.self) { readlinkat(directory, name, $0.baseAddress!, $0.count) }
            if n < 0 { return .failed(errno: errno) }
            guard n < buffer.count else { return .tooLong }
            return .read(body(UnsafeBufferPointer(rebasing: buffer[..<n])))
        }
    }

    func linkCount(_ name: String) -> Int? {
        var st = stat()
        guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return Int(st.st_nlink)
    }

    /// The names in a subdirectory, read with getdents64(2) through ``DirectoryDescriptor``
    /// (no `DIR` stream: no extra fcntl/fstat per directory).
    func listDirectory(_ name: String) throws(ProcReadError) -> [String] {
        switch DirectoryDescriptor.open(Array(name.utf8), in: fd).flatMap({ $0.entries() }) {
        case .success(let entries): return entries.map { String(decoding: $0.name, as: UTF8.self) }
        case .failure(let failure): throw ProcReadError(errno: Errno(rawValue: failure.errno))
        }
    }
}


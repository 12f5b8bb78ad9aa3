#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CutawayModel
import CutawaySystem
import SystemPackage

/// Reads a proc-shaped directory tree: the live `/proc`, or a capture made by `cutaway capture`
/// (whose namespace links are symlinks with the same targets, so one reader serves both).
///
/// Every read stays beneath the root (openat2(2) with `RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS|
/// RESOLVE_NO_SYMLINKS`, see ``ResolveFlags/strictlyBeneath``): a capture whose `1234/` is a
/// symlink to `/root` reads nothing there. Files are read only when they are regular files,
/// at most ``readLimit`` bytes each (a `mountinfo` that is `/dev/zero`, a FIFO or a link to a
/// private file is refused with a reason, never opened for reading).
///
/// Namespace relations come from the ``NamespaceInspector`` given: live ioctls for `/proc`,
/// the recorded table for a capture.
public final class DirectoryProcSource: ProcSource {
    /// The proc root: `/proc`, or a capture directory.
    public let root: FilePath
    private let inspector: any NamespaceInspector
    private let reader: () -> ReaderInfo
    /// Reads a capture recorded as refused (permission denied, gone) refuse again.
    private let recordedErrors: [String: ProcReadError]
    /// The most bytes read from one file: a 100,000-mount `mountinfo` is about 15 MB.
    public static let readLimit = 256 << 20
    private var rootDescriptor: Result<FileDescriptor, ProcReadError>?
    /// procfs itself cannot hold FIFOs or devices; a capture directory can.
    private var rootIsProcfs = false

    /// A source reading beneath `root`, namespace relations from `inspector`, reads in
    /// `recordedErrors` refused as recorded, reader facts from `reader`.
    public init(root: FilePath, inspector: any NamespaceInspector, recordedErrors: [String: ProcReadError] = [:], reader: @escaping () -> ReaderInfo) {
        self.root = root; self.inspector = inspector; self.recordedErrors = recordedErrors; self.reader = reader
    }

    deinit { if case .success(let fd)? = rootDescriptor { try? fd.close() } }

    /// The live kernel at `/proc`, with the nsfs ioctls.
    public static func live(procRoot: FilePath = "/proc") -> DirectoryProcSource {
        let inspector = LiveNamespaceInspector(procRoot: procRoot)
        return DirectoryProcSource(root: procRoot, inspector: inspector) { LiveHost.readerInfo(inspector: inspector) }
    }

    public var rootDescription: String { root.string }

    /// The root, opened once (as given: the user named it).
    private func rootFD() throws(ProcReadError) -> FileDescriptor {
        if rootDescriptor == nil {
            let fd = root.withPlatformString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            if fd >= 0 {
                rootDescriptor = .success(FileDescriptor(rawValue: fd))
                rootIsProcfs = FileSystemType.of(FileDescriptor(rawValue: fd)) == FileSystemType.proc
            } else {
                rootDescriptor = .failure(ProcReadError(errno: Errno(rawValue: errno)))
            }
        }
        return try rootDescriptor!.get()
    }

    private func relative(_ path: String) -> FilePath { path.isEmpty ? "." : FilePath(path) }

    public func listDirectory(_ path: String) throws(ProcReadError) -> [String] {
        if let e = recordedErrors[path] { throw e }
        let fd: FileDescriptor
        do { fd = try rootFD().open(beneath: relative(path), .readOnly, options: [.directory, .noFollow]) } catch let e as Errno {
            throw ProcReadError(errno: e)
        } catch let e as ProcReadError { throw e } catch { throw .other(errno: EIO) }
        guard let dir = fdopendir(fd.rawValue) else {
            let code = errno
            try? fd.close()
            throw ProcReadError(errno: Errno(rawValue: code))
        }
        defer { closedir(dir) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw ProcReadError(errno: Errno(rawValue: errno)) }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func readFile(_ path: String) throws(ProcReadError) -> [UInt8] {
        if let e = recordedErrors[path] { throw e }
        let rootFD = try rootFD()
        do throws(SafeReadError) {
            if rootIsProcfs {
                // Nothing in procfs can be a FIFO or device: one open, O_NONBLOCK all the same.
                let fd: FileDescriptor
                do { fd = try rootFD.open(beneath: relative(path), .readOnly, options: [.noFollow, .nonBlocking]) } catch { throw SafeReadError.system(error) }
                defer { try? fd.close() }
                return try fd.readRegularFile(limit: Self.readLimit)
            }
            return try rootFD.readRegularFile(beneath: relative(path), limit: Self.readLimit)
        } catch {
            throw ProcReadError(error)
        }
    }

    public func readLink(_ path: String) throws(ProcReadError) -> [UInt8] {
        if let e = recordedErrors[path] { throw e }
        let full = FilePath(path)
        guard let name = full.lastComponent?.string else { throw .invalid }
        let parent: FileDescriptor
        do { parent = try rootFD().open(beneath: relative(full.removingLastComponent().string), .readOnly, options: [.directory, .noFollow, openPathOnly]) } catch let e as Errno {
            throw ProcReadError(errno: e)
        } catch let e as ProcReadError { throw e } catch { throw .other(errno: EIO) }
        defer { try? parent.close() }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { readlinkat(parent.rawValue, name, $0, buf.count) }
        }
        if n < 0 { throw ProcReadError(errno: Errno(rawValue: errno)) }
        return Array(buffer[0..<n])
    }

    public func inspectNamespace(at path: String, type: NamespaceType, inode: UInt64) -> NamespaceInspection {
        inspector.inspect(path: path, type: type, inode: inode)
    }

    public func readerInfo() -> ReaderInfo { reader() }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CutawayModel
import SystemPackage

/// Reads a proc-shaped directory tree: the live `/proc`, or a capture made by `cutaway capture`
/// (whose namespace links are symlinks with the same targets, so one reader serves both).
///
/// Namespace relations come from the ``NamespaceInspector`` given: live ioctls for `/proc`,
/// the recorded table for a capture.
public final class DirectoryProcSource: ProcSource {
    public let root: FilePath
    private let inspector: any NamespaceInspector
    private let reader: () -> ReaderInfo
    /// Reads a capture recorded as refused (permission denied, gone) refuse again.
    private let recordedErrors: [String: ProcReadError]

    public init(root: FilePath, inspector: any NamespaceInspector, recordedErrors: [String: ProcReadError] = [:], reader: @escaping () -> ReaderInfo) {
        self.root = root; self.inspector = inspector; self.recordedErrors = recordedErrors; self.reader = reader
    }

    /// The live kernel at `/proc`, with the nsfs ioctls.
    public static func live(procRoot: FilePath = "/proc") -> DirectoryProcSource {
        let inspector = LiveNamespaceInspector(procRoot: procRoot)
        return DirectoryProcSource(root: procRoot, inspector: inspector) { LiveHost.readerInfo(inspector: inspector) }
    }

    public var rootDescription: String { root.string }

    private func full(_ path: String) -> FilePath { path.isEmpty ? root : root.appending(path) }

    public func listDirectory(_ path: String) throws(ProcReadError) -> [String] {
        if let e = recordedErrors[path] { throw e }
        guard let dir = opendir(full(path).string) else { throw ProcReadError(errno: Errno(rawValue: errno)) }
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
        do {
            let fd = try FileDescriptor.open(full(path), .readOnly, options: [.closeOnExec])
            defer { try? fd.close() }
            // proc files report size 0: read until EOF, growing the buffer (lines can be ~100 KB).
            var out: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = try chunk.withUnsafeMutableBytes { try fd.read(into: $0) }
                if n == 0 { break }
                out.append(contentsOf: chunk[0..<n])
                if n == chunk.count && chunk.count < 1 << 22 { chunk = [UInt8](repeating: 0, count: chunk.count * 2) }
            }
            return out
        } catch let e as Errno {
            throw ProcReadError(errno: e)
        } catch {
            throw .other(errno: EIO)
        }
    }

    public func readLink(_ path: String) throws(ProcReadError) -> [UInt8] {
        if let e = recordedErrors[path] { throw e }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { readlink(full(path).string, $0, buf.count) }
        }
        if n < 0 { throw ProcReadError(errno: Errno(rawValue: errno)) }
        return Array(buffer[0..<n])
    }

    public func inspectNamespace(at path: String, type: NamespaceType, inode: UInt64) -> NamespaceInspection {
        inspector.inspect(path: path, type: type, inode: inode)
    }

    public func readerInfo() -> ReaderInfo { reader() }
}

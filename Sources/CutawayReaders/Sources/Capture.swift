#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CutawayModel
import CutawaySystem
import Foundation
import SystemPackage

/// The metadata file at the top of a capture directory: the facts a copy of `/proc` text
/// cannot carry (who read it, nsfs ioctl answers, which reads were refused).
public struct CaptureManifest: Codable, Sendable {
    /// The manifest's file name at the top of a capture directory.
    public static let fileName = "cutaway-capture.json"
    /// The capture format this cutaway writes and reads.
    public static let currentFormatVersion = 1

    /// The format the capture was written in.
    public var formatVersion: Int
    /// Who read the captured `/proc`, on which host.
    public var reader: ReaderInfo
    /// The nsfs ioctl answers of every namespace inspected.
    public var namespaces: [NamespaceFacts]
    /// Path under the capture root -> ``ProcReadError/captureName``.
    public var refusedReads: [String: String]
}

/// What went wrong opening or writing a capture, with what to do about it.
public enum CaptureError: Error, CustomStringConvertible {
    /// The directory has no manifest.
    case notACapture(String)
    /// The manifest could not be read or decoded (why).
    case unreadableManifest(String, String)
    /// The capture is in a format this cutaway does not read.
    case unsupportedVersion(String, Int)
    /// A capture's target directory already holds files.
    case directoryNotEmpty(String)
    /// A file of the capture could not be written (why).
    case cannotWrite(String, String)

    public var description: String {
        switch self {
        case .notACapture(let d): "\(d) is not a cutaway capture (it has no \(CaptureManifest.fileName)); make one with `cutaway capture DIR`"
        case .unreadableManifest(let d, let why): "cannot read \(d)/\(CaptureManifest.fileName): \(why)"
        case .unsupportedVersion(let d, let v): "\(d) was captured in format \(v); this cutaway reads format \(CaptureManifest.currentFormatVersion). Use a matching cutaway version"
        case .directoryNotEmpty(let d): "\(d) exists and is not empty; give a new or empty directory so that nothing is overwritten"
        case .cannotWrite(let p, let why): "cannot write \(p): \(why)"
        }
    }
}

extension DirectoryProcSource {
    /// The most bytes read from a capture's manifest.
    static let manifestLimit = 64 << 20

    /// A capture written by `cutaway capture DIR`, read exactly as the live `/proc` was.
    /// Its manifest is read like every capture file: beneath DIR, a regular file, bounded.
    public static func capture(at directory: String) throws(CaptureError) -> DirectoryProcSource {
        let fd = directory.withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .notACapture(directory) }
            throw .unreadableManifest(directory, Errno(rawValue: code).description)
        }
        let root = FileDescriptor(rawValue: fd)
        defer { try? root.close() }
        let manifest: CaptureManifest
        do {
            let data = try root.readRegularFile(beneath: FilePath(CaptureManifest.fileName), limit: manifestLimit)
            manifest = try JSONDecoder().decode(CaptureManifest.self, from: Data(data))
        } catch SafeReadError.system(.noSuchFileOrDirectory) {
            throw .notACapture(directory)
        } catch {
            throw .unreadableManifest(directory, "\(error)")
        }
        guard manifest.formatVersion == CaptureManifest.currentFormatVersion else { throw .unsupportedVersion(directory, manifest.formatVersion) }
        var refused: [String: ProcReadError] = [:]
        for (path, name) in manifest.refusedReads { refused[path] = ProcReadError(captureName: name) ?? .other(errno: EIO) }
        let reader = manifest.reader
        return DirectoryProcSource(root: FilePath(directory), inspector: CapturedNamespaceInspector(facts: manifest.namespaces),
                                   recordedErrors: refused, reader: { reader })
    }
}

/// Wraps a live source and copies every answer a scan gets into a directory of the same
/// shape, so that `--proc DIR` later gives the same snapshot: files as files, namespace
/// links as symlinks with the same targets, refused reads and ioctl answers in the manifest.
/// Only namespace targets of `/proc/PID/fd/*` are kept (other open-file paths stay private).
///
/// The capture directory is cutaway's own (``OutputDirectory``): created mode 0700 (an
/// existing one must be empty and yours, and is made 0700), and everything below it is
/// created through descriptors, one `O_NOFOLLOW` component at a time, each file written as a
/// temporary file and renamed into place. Command lines are written mode 0600.
public final class RecordingProcSource: ProcSource {
    private let inner: any ProcSource
    private let output: OutputDirectory
    private var directory: String { output.path }
    private let inspector: any NamespaceInspector
    private var refused: [String: String] = [:]
    private var reader: ReaderInfo?
    /// When set, `/proc/PID/cmdline` is read for the scan but not written (command lines can
    /// carry secrets); the capture then shows each process by its `comm` name only.
    private let omitCommandLines: Bool
    /// Files of the capture that could not be written, with why.
    public private(set) var writeErrors: [String] = []
    /// The directory written last, kept open: a scan writes a process's files together.
    private var lastDirectory: (path: String, directory: OutputDirectory)?

    /// A recorder of `inner`'s reads into `output`, namespace facts from `inspector`; with
    /// `omitCommandLines`, `cmdline` files are read but not written.
    public init(recording inner: DirectoryProcSource, into output: OutputDirectory, inspector: any NamespaceInspector, omitCommandLines: Bool = false) {
        self.inner = inner; self.output = output; self.inspector = inspector; self.omitCommandLines = omitCommandLines
    }

    /// A recorder around the live `/proc`.
    public static func live(into directory: String, omitCommandLines: Bool = false) throws(CaptureError) -> RecordingProcSource {
        let output: OutputDirectory
        do { output = try OutputDirectory.open(directory, permissions: [.ownerReadWriteExecute], requireEmpty: true, ownerOnly: true) } catch {
            if case .notEmpty = error { throw .directoryNotEmpty(directory) }
            throw .cannotWrite(directory, error.description)
        }
        let inspector = LiveNamespaceInspector()
        let source = DirectoryProcSource(root: "/proc", inspector: inspector) { LiveHost.readerInfo(inspector: inspector) }
        return RecordingProcSource(recording: source, into: output, inspector: inspector, omitCommandLines: omitCommandLines)
    }

    public var rootDescription: String { inner.rootDescription }

    /// The directory `path` (relative, `/`-separated) beneath the capture, created as needed.
    private func makeDirectory(_ path: String) -> OutputDirectory? {
        if path.isEmpty { return output }
        if let last = lastDirectory, last.path == path { return last.directory }
        var current = output
        do {
            for name in path.split(separator: "/") { current = try current.subdirectory(String(name)) }
        } catch {
            writeErrors.append(error.description)
            return nil
        }
        lastDirectory = (path, current)
        return current
    }

    private func split(_ path: String) -> (parent: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    private func refuse(_ path: String, _ error: ProcReadError) -> ProcReadError {
        refused[path] = error.captureName
        if !path.isEmpty { _ = makeDirectory(split(path).parent) }
        return error
    }

    public func listDirectory(_ path: String) throws(ProcReadError) -> [String] {
        let names: [String]
        do { names = try inner.listDirectory(path) } catch { throw refuse(path, error) }
        guard let here = makeDirectory(path) else { return names }
        // The pid list and thread lists are replayed as directory listings: make every entry.
        if path.isEmpty || path.hasSuffix("/task") {
            for name in names where Int32(name) != nil {
                do { _ = try here.subdirectory(name) } catch { writeErrors.append(error.description) }
            }
        }
        return names
    }

    public func readFile(_ path: String) throws(ProcReadError) -> [UInt8] {
        let data: [UInt8]
        do { data = try inner.readFile(path) } catch { throw refuse(path, error) }
        let isCommandLine = path.hasSuffix("/cmdline")
        if omitCommandLines && isCommandLine { return data }
        let (parent, name) = split(path)
        guard let dir = makeDirectory(parent) else { return data }
        do {
            try dir.write(data, to: name, permissions: isCommandLine ? [.ownerReadWrite] : [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            writeErrors.append(error.description)
        }
        return data
    }

    public func readLink(_ path: String) throws(ProcReadError) -> [UInt8] {
        let link: [UInt8]
        do { link = try inner.readLink(path) } catch { throw refuse(path, error) }
        if path.contains("/fd/") && NamespaceLinkParser.parse(link) == nil { return link }
        let (parent, name) = split(path)
        guard let dir = makeDirectory(parent) else { return link }
        do { try dir.writeSymlink(name, target: link) } catch { writeErrors.append(error.description) }
        return link
    }

    public func inspectNamespace(at path: String, type: NamespaceType, inode: UInt64) -> NamespaceInspection {
        inner.inspectNamespace(at: path, type: type, inode: inode)
    }

    public func readerInfo() -> ReaderInfo {
        let r = inner.readerInfo()
        reader = r
        return r
    }

    /// Writes the manifest; call after the scan.
    public func finish() throws(CaptureError) {
        guard let reader else { throw .cannotWrite(directory, "no scan was recorded") }
        let manifest = CaptureManifest(formatVersion: CaptureManifest.currentFormatVersion, reader: reader,
                                       namespaces: inspector.knownFacts.sorted { ($0.type, $0.inode) < ($1.type, $1.inode) },
                                       refusedReads: refused)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try output.write(try encoder.encode(manifest), to: CaptureManifest.fileName)
        } catch let error as OutputError {
            throw .cannotWrite(directory + "/" + CaptureManifest.fileName, error.description)
        } catch {
            throw .cannotWrite(directory + "/" + CaptureManifest.fileName, "\(error)")
        }
    }
}

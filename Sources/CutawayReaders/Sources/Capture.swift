#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CutawayModel
import Foundation
import SystemPackage

/// The metadata file at the top of a capture directory: the facts a copy of `/proc` text
/// cannot carry (who read it, nsfs ioctl answers, which reads were refused).
public struct CaptureManifest: Codable, Sendable {
    public static let fileName = "cutaway-capture.json"
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    public var reader: ReaderInfo
    public var namespaces: [NamespaceFacts]
    /// Path under the capture root -> ``ProcReadError/captureName``.
    public var refusedReads: [String: String]
}

/// What went wrong opening or writing a capture, with what to do about it.
public enum CaptureError: Error, CustomStringConvertible {
    case notACapture(String)
    case unreadableManifest(String, String)
    case unsupportedVersion(String, Int)
    case directoryNotEmpty(String)
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
    /// A capture written by `cutaway capture DIR`, read exactly as the live `/proc` was.
    public static func capture(at directory: String) throws(CaptureError) -> DirectoryProcSource {
        let manifestPath = directory + "/" + CaptureManifest.fileName
        guard FileManager.default.fileExists(atPath: manifestPath) else { throw .notACapture(directory) }
        let manifest: CaptureManifest
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: manifestPath))
            manifest = try JSONDecoder().decode(CaptureManifest.self, from: data)
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
public final class RecordingProcSource: ProcSource {
    private let inner: any ProcSource
    private let directory: String
    private let inspector: any NamespaceInspector
    private var refused: [String: String] = [:]
    private var reader: ReaderInfo?
    /// When set, `/proc/PID/cmdline` is read for the scan but not written (command lines can
    /// carry secrets); the capture then shows each process by its `comm` name only.
    private let omitCommandLines: Bool
    public private(set) var writeErrors: [String] = []

    public init(recording inner: DirectoryProcSource, into directory: String, inspector: any NamespaceInspector, omitCommandLines: Bool = false) {
        self.inner = inner; self.directory = directory; self.inspector = inspector; self.omitCommandLines = omitCommandLines
    }

    /// A recorder around the live `/proc`.
    public static func live(into directory: String, omitCommandLines: Bool = false) throws(CaptureError) -> RecordingProcSource {
        let fm = FileManager.default
        if let contents = try? fm.contentsOfDirectory(atPath: directory), !contents.isEmpty { throw .directoryNotEmpty(directory) }
        do { try fm.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch { throw .cannotWrite(directory, "\(error.localizedDescription)") }
        let inspector = LiveNamespaceInspector()
        let source = DirectoryProcSource(root: "/proc", inspector: inspector) { LiveHost.readerInfo(inspector: inspector) }
        return RecordingProcSource(recording: source, into: directory, inspector: inspector, omitCommandLines: omitCommandLines)
    }

    public var rootDescription: String { inner.rootDescription }

    private func target(_ path: String) -> String { path.isEmpty ? directory : directory + "/" + path }

    private func makeParent(of path: String) {
        let parent = (target(path) as NSString).deletingLastPathComponent
        do { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch { writeErrors.append("\(parent): \(error.localizedDescription)") }
    }

    private func refuse(_ path: String, _ error: ProcReadError) -> ProcReadError {
        refused[path] = error.captureName
        if !path.isEmpty { makeParent(of: path) }
        return error
    }

    public func listDirectory(_ path: String) throws(ProcReadError) -> [String] {
        let names: [String]
        do { names = try inner.listDirectory(path) } catch { throw refuse(path, error) }
        try? FileManager.default.createDirectory(atPath: target(path), withIntermediateDirectories: true)
        // The pid list and thread lists are replayed as directory listings: make every entry.
        if path.isEmpty || path.hasSuffix("/task") {
            for name in names where Int32(name) != nil {
                try? FileManager.default.createDirectory(atPath: target(path) + "/" + name, withIntermediateDirectories: true)
            }
        }
        return names
    }

    public func readFile(_ path: String) throws(ProcReadError) -> [UInt8] {
        let data: [UInt8]
        do { data = try inner.readFile(path) } catch { throw refuse(path, error) }
        if omitCommandLines && path.hasSuffix("/cmdline") { return data }
        makeParent(of: path)
        if !FileManager.default.createFile(atPath: target(path), contents: Data(data)) { writeErrors.append(target(path)) }
        return data
    }

    public func readLink(_ path: String) throws(ProcReadError) -> [UInt8] {
        let link: [UInt8]
        do { link = try inner.readLink(path) } catch { throw refuse(path, error) }
        if path.contains("/fd/") && NamespaceLinkParser.parse(link) == nil { return link }
        makeParent(of: path)
        let result = (target(path)).withCString { dst in
            (link + [0]).withUnsafeBufferPointer { src in
                src.baseAddress!.withMemoryRebound(to: CChar.self, capacity: src.count) { symlink($0, dst) }
            }
        }
        if result != 0 && errno != EEXIST { writeErrors.append(target(path)) }
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
            try encoder.encode(manifest).write(to: URL(fileURLWithPath: directory + "/" + CaptureManifest.fileName))
        } catch {
            throw .cannotWrite(directory + "/" + CaptureManifest.fileName, "\(error.localizedDescription)")
        }
    }
}

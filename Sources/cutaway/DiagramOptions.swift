import ArgumentParser
import CutawayGraphviz
import CutawayModel
import CutawaySystem
import Foundation
import SystemPackage

/// `--format dot|svg|png|pdf` (repeatable or comma-separated) and `--output DIR` for views
/// that can draw themselves.
struct DiagramOptions: ParsableArguments {
    @OptionGroup var format: FormatOption

    @Option(name: .customLong("output"), help: ArgumentHelp("Directory for the diagram files (default output/); created if missing, refused if it is a symlink or another user's.", valueName: "DIR"))
    var outputDirectory: String?

    var wantsDiagram: Bool { !format.formats.isEmpty }

    /// Renders `dot` in every requested format to `DIR/<name>.<ext>` (one layout for all of
    /// them) and returns the paths written. `name` may come from data (a container's name):
    /// it passes ``FileNameSanitiser`` first, so `q/../../x` is written as `q-x.dot` inside DIR.
    func write(_ dot: String, name: String) throws -> [String] {
        let dir = try DiagramWriter.open(outputDirectory ?? "output")
        let safe = FileNameSanitiser.component(name)
        let formats = format.formats
        let rendered: [DiagramFormat: Data]
        do { rendered = try GraphvizRenderer.render(dot, as: formats) } catch { throw CutawayFailure("\(dir.path)/\(safe): \(error)") }
        return try formats.map { format in try DiagramWriter.write(rendered[format]!, name: "\(safe).\(format.fileExtension)", in: dir) }
    }
}

/// Every file cutaway writes goes through here, into an ``OutputDirectory``: created by
/// cutaway if missing, held open by descriptor, never a symlink or another user's directory;
/// each file a temporary file renamed into place, never written through a link.
enum DiagramWriter {
    /// Creates (if needed) and opens an output directory; refusals become messages that say what to do.
    static func open(_ path: String, permissions: FilePermissions = [.ownerReadWriteExecute, .groupReadExecute, .otherReadExecute]) throws -> OutputDirectory {
        do { return try OutputDirectory.open(path, permissions: permissions) } catch { throw CutawayFailure(error.description) }
    }

    /// Writes `bytes` as `name` in `dir` and returns the path written.
    @discardableResult
    static func write(_ bytes: some Collection<UInt8>, name: String, in dir: OutputDirectory, permissions: FilePermissions = [.ownerReadWrite, .groupRead, .otherRead]) throws -> String {
        do { return try dir.write(bytes, to: name, permissions: permissions) } catch { throw CutawayFailure(error.description) }
    }

    /// Writes `bytes` to `path` (`DIR/NAME`) the safe way: DIR opened as an ``OutputDirectory``,
    /// NAME written as a temporary file renamed into place (render workers write this way).
    @discardableResult
    static func write(_ bytes: some Collection<UInt8>, toPath path: String, permissions: FilePermissions = [.ownerReadWrite, .groupRead, .otherRead]) throws -> String {
        let file = FilePath(path)
        let dir = try open(file.removingLastComponent().isEmpty ? "." : file.removingLastComponent().string)
        return try write(bytes, name: file.lastComponent?.string ?? "", in: dir, permissions: permissions)
    }

    /// Renders `dot` as `format` into `dir/<name>.<ext>`.
    static func write(_ dot: String, format: DiagramFormat, name: String, in dir: OutputDirectory) throws -> String {
        let data: Data
        do { data = try GraphvizRenderer.render(dot, as: format) } catch { throw CutawayFailure("\(name).\(format.fileExtension): \(error)") }
        return try write(data, name: "\(name).\(format.fileExtension)", in: dir)
    }
}

import ArgumentParser
import CutawayGraphviz
import Foundation

/// `--format dot|svg|png|pdf` (repeatable or comma-separated) and `--output DIR` for views
/// that can draw themselves.
struct DiagramOptions: ParsableArguments {
    @Option(name: .customLong("format"), help: ArgumentHelp("Write a diagram as dot, svg, png or pdf (several: --format svg,png).", valueName: "FORMAT"))
    var formats: [String] = []

    @Option(name: .customLong("output"), help: ArgumentHelp("Directory for the diagram files (default output/).", valueName: "DIR"))
    var outputDirectory: String?

    var parsedFormats: [DiagramFormat] {
        get throws { try Self.parse(formats) }
    }

    /// `["svg,png", "pdf"]` -> [.svg, .png, .pdf], each once, in order.
    static func parse(_ formats: [String]) throws -> [DiagramFormat] {
        var out: [DiagramFormat] = []
        for piece in formats.flatMap({ $0.split(separator: ",") }) {
            guard let f = DiagramFormat(rawValue: piece.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw ValidationError("unknown format '\(piece)'; use dot, svg, png or pdf")
            }
            if !out.contains(f) { out.append(f) }
        }
        return out
    }

    func validate() throws { _ = try parsedFormats }

    var wantsDiagram: Bool { !formats.isEmpty }

    /// Renders `dot` in every requested format to `DIR/<name>.<ext>` (one layout for all of
    /// them) and returns the paths written.
    func write(_ dot: String, name: String) throws -> [String] {
        let dir = outputDirectory ?? "output"
        try DiagramWriter.ensureDirectory(dir)
        let formats = try parsedFormats
        let rendered: [DiagramFormat: Data]
        do { rendered = try GraphvizRenderer.render(dot, as: formats) } catch { throw CutawayFailure("\(dir)/\(name): \(error)") }
        return try formats.map { format in
            let path = "\(dir)/\(name).\(format.fileExtension)"
            do { try rendered[format]!.write(to: URL(fileURLWithPath: path)) } catch {
                throw CutawayFailure("cannot write \(path): \(error.localizedDescription)")
            }
            return path
        }
    }
}

enum DiagramWriter {
    static func ensureDirectory(_ dir: String) throws {
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw CutawayFailure("cannot create \(dir): \(error.localizedDescription) (choose another place with --output DIR)")
        }
    }
}

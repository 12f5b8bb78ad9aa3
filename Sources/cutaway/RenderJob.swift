import CutawayGraphviz
import CutawaySystem
import SystemPackage

/// One diagram to draw: its DOT and the files to write, `<base>.<format>` for each format.
struct RenderJob {
    var name: String
    var dot: String
    var base: String
    var formats: [DiagramFormat]

    /// Lays the graph out once, renders every format from that layout and writes the files.
    /// `releasing: false` leaves what Graphviz would free to the exit of a short-lived worker.
    func draw(releasing: Bool = true) throws {
        let rendered = try GraphvizRenderer.render(dot, as: formats, releasing: releasing)
        for format in formats { try DiagramWriter.write(rendered[format]!, toPath: "\(base).\(format.fileExtension)") }
    }
}

/// How a ``RenderPool`` and a ``RenderWorkerCommand`` talk over a pipe. A request is the line
/// `FORMATS PATHBYTES DOTBYTES` followed by that many bytes of the base path and of the DOT
/// text; the answer is the line `ok` or `error MESSAGE`.
enum RenderWire {
    static func request(_ job: RenderJob) -> [UInt8] {
        let path = Array(job.base.utf8), dot = Array(job.dot.utf8)
        let header = "\(job.formats.map(\.rawValue).joined(separator: ",")) \(path.count) \(dot.count)\n"
        return Array(header.utf8) + path + dot
    }

    /// The next request; nil at the end of input.
    static func readRequest(from input: DescriptorReader) throws -> RenderJob? {
        guard let header = input.line() else { return nil }
        let fields = header.split(separator: " ")
        guard fields.count == 3, let pathBytes = Int(fields[1]), let dotBytes = Int(fields[2]),
              let path = input.bytes(pathBytes), let dot = input.bytes(dotBytes) else {
            throw CutawayFailure("render-worker: malformed request")
        }
        let formats = fields[0].split(separator: ",").compactMap { DiagramFormat(rawValue: String($0)) }
        let base = String(decoding: path, as: UTF8.self)
        return RenderJob(name: base, dot: String(decoding: dot, as: UTF8.self), base: base, formats: formats)
    }

    /// `ok`, or `error` and the message on one line.
    static func reply(_ error: (any Error)?) -> [UInt8] {
        Array((error.map { "error \(String(describing: $0).replacingOccurrences(of: "\n", with: " "))" } ?? "ok").utf8) + [0x0A]
    }

    /// nil for `ok`, else the error message.
    static func failure(inReply reply: String) -> String? {
        reply == "ok" ? nil : String(reply.dropFirst("error ".count))
    }
}

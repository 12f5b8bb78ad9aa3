import CGraphviz
import Foundation

/// An output format Graphviz renders to.
public enum DiagramFormat: String, CaseIterable, Sendable {
    /// The DOT text itself, not rendered.
    case dot
    /// Scalable Vector Graphics (Graphviz's `svg` renderer).
    case svg
    /// A PNG bitmap (Graphviz's `png` renderer).
    case png
    /// A PDF document (Graphviz's `pdf` renderer).
    case pdf
    /// The file-name extension: the format's name (`svg`, `png`, …).
    public var fileExtension: String { rawValue }
}

/// What went wrong in Graphviz, with its own message.
public enum GraphvizError: Error, CustomStringConvertible, Equatable {
    /// The DOT text does not parse.
    case syntax(String)
    /// gvLayout failed (with Graphviz's message).
    case layout(String)
    /// gvRenderData failed for `format` (with Graphviz's message).
    case render(format: String, message: String)

    public var description: String {
        switch self {
        case .syntax(let m): "Graphviz could not parse the DOT: \(m)"
        case .layout(let m): "Graphviz layout failed: \(m)"
        case .render(let f, let m): "Graphviz could not render \(f): \(m)"
        }
    }
}

/// Renders DOT in-process through libgvc (Graphviz's C library). Graphviz keeps global state
/// (its error handler, the plugin registry), so every call is serialized by one lock, and
/// its error messages are captured and returned as Swift errors instead of printed.
public enum GraphvizRenderer {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var messages: [String] = []

    /// Graphviz calls this with each error or warning message.
    private static let errorHandler: agusererrf = { message in
        if let message { GraphvizRenderer.messages.append(String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)) }
        return 0
    }

    /// Parses DOT without laying it out: nil if it parses, the message otherwise.
    public static func syntaxError(in dot: String) -> String? {
        lock.lock(); defer { lock.unlock() }
        messages = []
        let previous = agseterrf(errorHandler)
        defer { _ = agseterrf(previous) }
        guard let graph = dot.withCString({ agmemread($0) }) else {
            return messages.joined(separator: "; ").isEmpty ? "syntax error" : messages.joined(separator: "; ")
        }
        agclose(graph)
        return nil
    }

    /// Lays out with `dot` and renders. `.dot` returns the input unchanged.
    public static func render(_ dot: String, as format: DiagramFormat) throws(GraphvizError) -> Data {
        try render(dot, as: [format])[format]!
    }

    /// Lays out once with `dot` and renders every format of `formats` from that one layout
    /// (`.dot` returns the input). With `releasing: false` the layout and graph are left for
    /// the process's exit to reclaim: for a short-lived render worker, which then cannot be
    /// hit by a crash in Graphviz's own clean-up (gvFreeLayout).
    public static func render(_ dot: String, as formats: [DiagramFormat], releasing: Bool = true) throws(GraphvizError) -> [DiagramFormat: Data] {
        var out: [DiagramFormat: Data] = [:]
        let drawn = formats.filter { $0 != .dot }
        if formats.contains(.dot) { out[.dot] = Data(dot.utf8) }
        guard !drawn.isEmpty else { return out }
        lock.lock(); defer { lock.unlock() }
        messages = []
        let previous = agseterrf(errorHandler)
        defer { _ = agseterrf(previous) }
        guard let context = gvContext() else { throw .layout("no Graphviz context (are the graphviz plugins installed?)") }
        defer { if releasing { gvFreeContext(context) } }
        // Stable ids: the same DOT gives the same output in every process (StableIDReader).
        guard let graph = StableIDReader.read(dot) else {
            StableIDReader.reset()
            throw .syntax(messages.joined(separator: "; ").isEmpty ? "syntax error" : messages.joined(separator: "; "))
        }
        defer { if releasing { agclose(graph) }; StableIDReader.reset() }
        guard gvLayout(context, graph, "dot") == 0 else { throw .layout(messages.joined(separator: "; ")) }
        defer { if releasing { gvFreeLayout(context, graph) } }
        for format in drawn {
            var buffer: UnsafeMutablePointer<CChar>?
            var length: UInt32 = 0
            guard gvRenderData(context, graph, format.rawValue, &buffer, &length) == 0, let buffer else {
                throw .render(format: format.rawValue, message: messages.joined(separator: "; "))
            }
            out[format] = Data(bytes: buffer, count: Int(length))
            gvFreeRenderData(buffer)
        }
        return out
    }
}

import CutawayModel

/// Escaping for Graphviz's DOT language (https://graphviz.org/doc/info/lang.html).
///
/// Everything taken from the system (process names, paths, mount sources) reaches a label
/// through ``ByteString/description`` first, so control characters and invalid UTF-8 arrive
/// as `\xHH` text, then through one of these escapes.
public enum DOT {
    /// A double-quoted DOT string whose text shows literally: `\` and `"` are escaped, so
    /// Graphviz's own escapes (`\N`, `\G`, `\l`, …) cannot be triggered by a name.
    /// Lines are separated with `\n` (centered).
    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r", "\t": out += " "
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f { out += "\\\\x" + String(scalar.value, radix: 16) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// Text for an HTML-like label: markup characters become entities (``Markup/escape(_:)``),
    /// control characters `\xHH` text.
    public static func html(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if let entity = Markup.entity(scalar) { out += entity }
            else if scalar.value < 0x20 || scalar.value == 0x7f { out += "\\x" + String(scalar.value, radix: 16) }
            else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// ``html(_:)`` of a name from the kernel, its bytes escaped for terminals first.
    public static func html(_ bytes: ByteString) -> String { html(bytes.description) }

    /// A node id made only of safe characters, stable for the same input.
    public static func id(_ parts: Any...) -> String {
        quote(parts.map { "\($0)" }.joined(separator: "_"))
    }

    /// Shortens long text in the middle: `/var/lib/docker/overlay2/3c9d…e075027/diff`.
    public static func middleTruncated(_ text: String, max: Int = 48) -> String {
        guard text.count > max else { return text }
        let keep = (max - 1) / 2
        return String(text.prefix(keep)) + "…" + String(text.suffix(max - 1 - keep))
    }
}

/// Escaping for HTML and XML text and attribute values.
public enum Markup {
    /// The entity for `&`, `<`, `>`, `"` and `'`; nil for every other character.
    public static func entity(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "&": "&amp;"
        case "<": "&lt;"
        case ">": "&gt;"
        case "\"": "&quot;"
        case "'": "&#39;"
        default: nil
        }
    }

    /// Text safe inside an element or a quoted attribute (line breaks kept).
    public static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if let entity = entity(scalar) { out += entity } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}

/// A DOT graph built statement by statement, in the order given (callers sort their input,
/// so the same state always gives the same text).
public struct DOTGraph {
    /// The statements so far, indented, without the enclosing `digraph { }`.
    public var lines: [String] = []
    private var indent = 1

    /// An empty graph.
    public init() {}

    /// `key=value` pairs; values are quoted unless they are HTML-like labels (`<…>`).
    public static func attributes(_ pairs: [(String, String)]) -> String {
        guard !pairs.isEmpty else { return "" }
        return " [" + pairs.map { k, v in "\(k)=\(v.hasPrefix("<") && v.hasSuffix(">") ? v : DOT.quote(v))" }.joined(separator: ", ") + "]"
    }

    private mutating func add(_ line: String) { lines.append(String(repeating: "  ", count: indent) + line) }

    /// A `graph [...]` statement: attributes of the graph (or of the subgraph being built).
    public mutating func graphAttributes(_ pairs: [(String, String)]) { add("graph" + Self.attributes(pairs) + ";") }
    /// A `node [...]` statement: defaults for the nodes that follow.
    public mutating func nodeDefaults(_ pairs: [(String, String)]) { add("node" + Self.attributes(pairs) + ";") }
    /// An `edge [...]` statement: defaults for the edges that follow.
    public mutating func edgeDefaults(_ pairs: [(String, String)]) { add("edge" + Self.attributes(pairs) + ";") }

    /// `id` must come from ``DOT/id(_:)``.
    public mutating func node(_ id: String, _ pairs: [(String, String)]) { add(id + Self.attributes(pairs) + ";") }

    /// An edge `from -> to` between two ids from ``DOT/id(_:)``.
    public mutating func edge(_ from: String, _ to: String, _ pairs: [(String, String)] = []) { add("\(from) -> \(to)" + Self.attributes(pairs) + ";") }

    /// A statement as given, unescaped: only for text built from ``DOT`` pieces.
    public mutating func raw(_ statement: String) { add(statement) }

    /// A subgraph; names starting with `cluster` are drawn as boxes.
    public mutating func subgraph(_ name: String, _ pairs: [(String, String)] = [], _ body: (inout DOTGraph) -> Void) {
        add("subgraph \(DOT.quote(name)) {")
        indent += 1
        if !pairs.isEmpty { add("graph" + Self.attributes(pairs) + ";") }
        body(&self)
        indent -= 1
        add("}")
    }

    /// The whole graph as DOT text: `digraph "name" { … }`.
    public func render(name: String) -> String {
        "digraph \(DOT.quote(name)) {\n" + lines.joined(separator: "\n") + "\n}\n"
    }
}

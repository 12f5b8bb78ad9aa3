import Foundation

/// The two settings cutaway needs from a containerd config file (containerd-config.toml(5)):
/// the top-level `root` and `state` directories. This reads the small TOML subset they are
/// written in: `key = "basic string"` or `key = 'literal string'` before the first `[table]`,
/// `#` comments, blank lines; anything else is skipped, never guessed at.
public struct ContainerdConfig: Sendable, Equatable {
    /// The top-level `root` directory (persistent data; default `/var/lib/containerd`), if set.
    public var root: String?
    /// The top-level `state` directory (runtime state; default `/run/containerd`), if set.
    public var state: String?

    /// A config with these settings.
    public init(root: String? = nil, state: String? = nil) { self.root = root; self.state = state }

    /// The `root` and `state` keys of the config file `text`; nil where absent or not a plain string.
    public init(toml text: String) {
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("[") { break } // top-level keys come before the first table
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            guard key == "root" || key == "state", let value = Self.string(line[line.index(after: eq)...]) else { continue }
            if key == "root" { root = value } else { state = value }
        }
    }

    /// A TOML basic string (with `\"`, `\\`, `\t`, `\n`, `\uXXXX` escapes) or literal string,
    /// followed by nothing but an optional comment.
    static func string(_ raw: Substring) -> String? {
        let s = raw.drop { $0 == " " || $0 == "\t" }
        guard let quote = s.first, quote == "\"" || quote == "'" else { return nil }
        var out = ""
        var i = s.index(after: s.startIndex)
        while i < s.endIndex {
            let ch = s[i]
            if ch == quote {
                let rest = s[s.index(after: i)...].trimmingCharacters(in: .whitespaces)
                return rest.isEmpty || rest.hasPrefix("#") ? out : nil
            }
            if ch == "\\" && quote == "\"" {
                i = s.index(after: i)
                guard i < s.endIndex else { return nil }
                switch s[i] {
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                case "t": out.append("\t")
                case "n": out.append("\n")
                case "r": out.append("\r")
                case "u", "U":
                    let n = s[i] == "u" ? 4 : 8
                    let start = s.index(after: i)
                    guard let end = s.index(start, offsetBy: n, limitedBy: s.endIndex),
                          let code = UInt32(s[start..<end], radix: 16), let scalar = Unicode.Scalar(code) else { return nil }
                    out.unicodeScalars.append(scalar)
                    i = s.index(before: end)
                default: return nil
                }
            } else {
                out.append(ch)
            }
            i = s.index(after: i)
        }
        return nil
    }
}

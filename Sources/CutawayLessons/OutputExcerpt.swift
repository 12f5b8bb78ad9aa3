import Foundation

/// A ```` ```output ```` block: a short excerpt of what the command before it prints, so that
/// `lesson show` and the page on a code host teach without root. Lines ending in ` ◀` are key
/// lines, which the runner checks against the real output so that the excerpt cannot drift.
///
/// In a key line, whitespace runs match any whitespace run, `<word>` (lower-case letters,
/// digits, dashes: `<pid>`, `<inode>`, `<lab>`) stands for one or more characters that change
/// from run to run, and `…` for any characters, also none. The line must match a whole output
/// line (leading and trailing blanks ignored).
public struct OutputExcerpt: Sendable, Equatable {
    /// What ends a key line.
    public static let keyMarker = " ◀"

    /// The excerpt as written (markers included).
    public var lines: [String]

    /// The excerpt of these lines, as written.
    public init(lines: [String]) { self.lines = lines }

    /// The key lines, markers removed.
    public var keyLines: [String] {
        lines.compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasSuffix(Self.keyMarker.trimmingCharacters(in: .whitespaces)) else { return nil }
            return String(trimmed.dropLast(1)).trimmingCharacters(in: .whitespaces)
        }
    }

    /// The key lines that no line of `output` matches.
    public func missingKeyLines(in output: [String]) -> [String] {
        let normalized = output.map(Self.normalize)
        return keyLines.filter { key in
            guard let pattern = try? Regex(Self.pattern(for: key)) else { return true }
            return !normalized.contains { $0.wholeMatch(of: pattern) != nil }
        }
    }

    static func normalize(_ line: String) -> String {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// The regular expression a key line stands for.
    static func pattern(for key: String) -> String {
        var out = ""
        var rest = Substring(normalize(key))
        while let c = rest.first {
            if c == "<", let close = rest.firstIndex(of: ">"),
               rest[rest.index(after: rest.startIndex)..<close].allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" }),
               rest.distance(from: rest.startIndex, to: close) > 1 {
                out += ".+?"
                rest = rest[rest.index(after: close)...]
                continue
            }
            if c == "…" { out += ".*?" } else if c == " " { out += " " } else { out += NSRegularExpression.escapedPattern(for: String(c)) }
            rest = rest.dropFirst()
        }
        return out
    }
}

import CutawayModel

/// What is wrong with one line of `uid_map` / `gid_map`.
public enum IDMapError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not three numbers on the line (the count found).
    case wrongFieldCount(Int)
    /// A field that is not an unsigned 32-bit decimal number.
    case badNumber(String)
    /// A range of length 0 (the kernel never writes one).
    case zeroCount

    public var description: String {
        switch self {
        case .wrongFieldCount(let n): "\(n) fields, expected 3 (inside outside count)"
        case .badNumber(let t): "not an unsigned 32-bit number: \(t)"
        case .zeroCount: "count is 0"
        }
    }
}

/// Parses `/proc/PID/uid_map` and `gid_map` (user_namespaces(7)): lines of
/// `ID-INSIDE-NS ID-OUTSIDE-NS LENGTH`, right-aligned with spaces by the kernel.
public enum IDMapParser {
    /// One line: `inside outside count`.
    public static func parseLine(_ line: ArraySlice<UInt8>) throws(IDMapError) -> IDMapRange {
        let w = ByteScanning.words(line)
        guard w.count == 3 else { throw .wrongFieldCount(w.count) }
        var v: [UInt32] = []
        for word in w {
            guard let n = ByteScanning.decimal(word, as: UInt32.self) else { throw .badNumber(ByteScanning.quoted(word)) }
            v.append(n)
        }
        guard v[2] > 0 else { throw .zeroCount }
        return IDMapRange(inside: v[0], outside: v[1], count: v[2])
    }

    /// Every line of the file `data` (named `file` in diagnostics); a bad line becomes a
    /// diagnostic and the good ones are kept.
    public static func parse(_ data: [UInt8], file: String) -> (ranges: [IDMapRange], diagnostics: [Diagnostic]) {
        var ranges: [IDMapRange] = []
        var diagnostics: [Diagnostic] = []
        for (n, line) in ByteScanning.lines(data).enumerated() where !ByteScanning.words(line).isEmpty {
            do { ranges.append(try parseLine(line)) } catch { diagnostics.append(Diagnostic(file: file, line: n + 1, message: error.description)) }
        }
        return (ranges, diagnostics)
    }
}

/// Small helpers for parsing the kernel's ASCII text formats straight from bytes.
enum ByteScanning {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let colon = UInt8(ascii: ":")

    /// Unsigned decimal; nil for empty input, any non-digit, or overflow.
    static func decimal<T: FixedWidthInteger>(_ bytes: some Collection<UInt8>, as: T.Type = T.self) -> T? {
        guard !bytes.isEmpty else { return nil }
        var value: T = 0
        for b in bytes {
            guard b >= 0x30, b <= 0x39 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(T(b - 0x30))
            if o1 || o2 { return nil }
            value = s
        }
        return value
    }

    /// Splits at every `separator`, keeping empty pieces (two spaces in a row = an empty field).
    static func split(_ bytes: ArraySlice<UInt8>, on separator: UInt8) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var i = start
        while i < bytes.endIndex {
            if bytes[i] == separator {
                out.append(bytes[start..<i])
                start = i + 1
            }
            i += 1
        }
        out.append(bytes[start..<bytes.endIndex])
        return out
    }

    /// Splits at runs of spaces, tabs and newlines, dropping empty pieces.
    static func words(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        func isBlank(_ b: UInt8) -> Bool { b == space || b == tab || b == newline }
        var out: [ArraySlice<UInt8>] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            while i < bytes.endIndex, isBlank(bytes[i]) { i += 1 }
            let start = i
            while i < bytes.endIndex, !isBlank(bytes[i]) { i += 1 }
            if i > start { out.append(bytes[start..<i]) }
        }
        return out
    }

    /// Lines without their terminating newline; a final line without newline counts, an empty
    /// tail after the last newline does not.
    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var out = split(bytes[...], on: newline)
        if out.last?.isEmpty == true { out.removeLast() }
        return out
    }

    /// Text for an error message: printable ASCII kept, the rest `\xHH`, cut to `limit` bytes.
    static func quoted(_ bytes: some Collection<UInt8>, limit: Int = 40) -> String {
        var s = "\""
        for b in bytes.prefix(limit) {
            if b >= 0x20, b < 0x7f, b != UInt8(ascii: "\"") { s.unicodeScalars.append(UnicodeScalar(b)) } else { s += "\\x" + String(b, radix: 16).leftPadded(to: 2) }
        }
        if bytes.count > limit { s += "…" }
        return s + "\""
    }

    /// Whether `needle` (ASCII) occurs in `bytes`.
    static func contains(_ bytes: ArraySlice<UInt8>, _ needle: StaticString) -> Bool {
        needle.withUTF8Buffer { n in
            guard let first = n.first, bytes.count >= n.count else { return false }
            var i = bytes.startIndex
            let last = bytes.endIndex - n.count
            while i <= last {
                if bytes[i] == first {
                    var j = 1
                    while j < n.count, bytes[i + j] == n[j] { j += 1 }
                    if j == n.count { return true }
                }
                i += 1
            }
            return false
        }
    }
}

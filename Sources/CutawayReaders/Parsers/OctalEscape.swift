/// The escaping of `fs/proc_namespace.c` (`mangle()`, `seq_escape()`): the kernel writes
/// space, tab, newline and backslash in mountinfo as `\040`, `\011`, `\012`, `\134`, and
/// overlayfs writes a comma inside an option value as `\054` (`seq_show_option()`).
public enum OctalEscape {
    /// Replaces every `\ooo` (three octal digits, value < 256) by its byte; anything else,
    /// including a lone backslash, is kept as is.
    public static func decode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let b = Array(bytes)
        guard b.contains(UInt8(ascii: "\\")) else { return b }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "\\"), i + 3 < b.count, let v = octal(b[i + 1], b[i + 2], b[i + 3]) {
                out.append(v)
                i += 4
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return out
    }

    private static func octal(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8? {
        let zero = UInt8(ascii: "0"), seven = UInt8(ascii: "7")
        guard (zero...UInt8(ascii: "3")).contains(a), (zero...seven).contains(b), (zero...seven).contains(c) else { return nil }
        return (a - zero) << 6 | (b - zero) << 3 | (c - zero)
    }

    /// The inverse, for writing fixtures and tests: escapes the bytes the kernel escapes.
    public static func encode(_ bytes: some Sequence<UInt8>, alsoComma: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        for byte in bytes {
            switch byte {
            case 0x20, 0x09, 0x0a, 0x5c:
                out.append(UInt8(ascii: "\\"))
                out.append(contentsOf: Array(String(byte, radix: 8).leftPadded(to: 3).utf8))
            case 0x2c where alsoComma:
                out.append(contentsOf: Array("\\054".utf8))
            default:
                out.append(byte)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

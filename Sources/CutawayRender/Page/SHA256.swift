import CutawayModel

/// The Content-Security-Policy hash of the page's inline script and style
/// (`script-src 'sha256-…'`), from the model's ``SHA256``.
extension SHA256 {
    /// `'sha256-<base64>'` for a CSP source list.
    static func cspSource(_ text: String) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let d = digest(Array(text.utf8))
        var out = ""
        for i in stride(from: 0, to: d.count, by: 3) {
            let n = (UInt32(d[i]) << 16) | (i + 1 < d.count ? UInt32(d[i + 1]) << 8 : 0) | (i + 2 < d.count ? UInt32(d[i + 2]) : 0)
            out.append(table[Int(n >> 18 & 63)]); out.append(table[Int(n >> 12 & 63)])
            out.append(i + 1 < d.count ? table[Int(n >> 6 & 63)] : "="); out.append(i + 2 < d.count ? table[Int(n & 63)] : "=")
        }
        return "'sha256-\(out)'"
    }
}

/// Where a snapshot's facts were read: the live kernel, or a capture directory made by
/// `cutaway capture`. In JSON it is one string, `live` or `capture:<dir>`; any other string a
/// saved snapshot carries is kept as it is.
public enum SnapshotOrigin: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Read from the running kernel.
    case live
    /// Read from a capture directory (`--proc DIR`).
    case capture(directory: String)
    /// A string that is neither of the above (written by something else), kept verbatim.
    case other(String)

    /// The origin a JSON string names: `live`, `capture:<dir>`, or any other string kept as is.
    public init(_ string: String) {
        if string == "live" { self = .live }
        else if string.hasPrefix("capture:") { self = .capture(directory: String(string.dropFirst("capture:".count))) }
        else { self = .other(string) }
    }

    public var description: String {
        switch self {
        case .live: "live"
        case .capture(let directory): "capture:" + directory
        case .other(let string): string
        }
    }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

import CutawayModel

/// `mounts --compare --json`: `{"both": N, "onlyFirst": [mount], "onlySecond": [mount], "namespaces": [inode, inode]}`.
public struct MountCompareJSON: Encodable {
    /// The comparison written.
    public var comparison: MountComparison
    /// The JSON of `comparison`.
    public init(_ comparison: MountComparison) { self.comparison = comparison }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(comparison.both.count, forKey: "both")
        try c.encode(comparison.onlyFirst, forKey: "onlyFirst")
        try c.encode(comparison.onlySecond, forKey: "onlySecond")
        try c.encode([comparison.first.mountNamespace, comparison.second.mountNamespace], forKey: "namespaces")
    }
}

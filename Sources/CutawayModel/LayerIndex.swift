/// Everything in one overlay layer directory that resolution needs, read once
/// (by `LayerWalker`): each path's kind and the overlay markers on it.
public struct LayerIndex: Sendable {
    public struct Entry: Sendable, Hashable {
        public enum Kind: String, Sendable, Codable { case file, dir, symlink, other, whiteout }
        public var kind: Kind
        public var size: Int64
        /// `overlay.opaque=y`: hides everything below this directory.
        public var opaque: Bool
        /// `overlay.opaque=x`: not opaque, but entries may be xattr whiteouts.
        public var hasXattrWhiteouts: Bool
        /// `overlay.redirect`: where to continue the lookup in lower layers (an absolute path
        /// from the layer root, or a name in the same directory).
        public var redirect: ByteString?
        /// `overlay.metacopy`: metadata here, data in a lower layer.
        public var metacopy: Bool
        /// True for a whiteout made as a zero-size file with `overlay.whiteout` (not char 0/0).
        public var xattrWhiteout: Bool
        /// Names in this directory, sorted bytewise.
        public var children: [ByteString]

        public init(kind: Kind, size: Int64 = 0, opaque: Bool = false, hasXattrWhiteouts: Bool = false, redirect: ByteString? = nil,
                    metacopy: Bool = false, xattrWhiteout: Bool = false, children: [ByteString] = []) {
            self.kind = kind; self.size = size; self.opaque = opaque; self.hasXattrWhiteouts = hasXattrWhiteouts
            self.redirect = redirect; self.metacopy = metacopy; self.xattrWhiteout = xattrWhiteout; self.children = children
        }
    }

    /// Keyed by absolute path inside the layer: `/`, `/c`, `/c/d.txt`.
    public var entries: [ByteString: Entry]
    /// Paths that could not be read, with the reason.
    public var problems: [String]

    public init(entries: [ByteString: Entry] = [:], problems: [String] = []) { self.entries = entries; self.problems = problems }

    /// Regular files, symlinks and others (not directories or whiteouts).
    public var fileCount: Int { entries.values.filter { $0.kind == .file || $0.kind == .symlink || $0.kind == .other }.count }
    public var totalBytes: Int64 { entries.values.reduce(0) { $0 + ($1.kind == .file ? $1.size : 0) } }
}

extension ByteString {
    /// `/a` + `b` = `/a/b`; `/` + `b` = `/b`.
    public func appending(component name: ByteString) -> ByteString {
        if bytes == [UInt8(ascii: "/")] { return ByteString([UInt8(ascii: "/")] + name.bytes) }
        return ByteString(bytes + [UInt8(ascii: "/")] + name.bytes)
    }

    /// `/a/b` -> `/a`; `/a` -> `/`.
    public var parentPath: ByteString {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")), slash > 0 else { return "/" }
        return ByteString(bytes[..<slash])
    }

    /// The ancestors of an absolute path, outermost first, excluding `/` and itself.
    public var ancestors: [ByteString] {
        var out: [ByteString] = []
        var p = parentPath
        while p != "/" { out.append(p); p = p.parentPath }
        return out.reversed()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Everything in one overlay layer directory that resolution needs, read once (by
/// `LayerWalker`): a tree of the layer's entries, each with its kind and the overlay markers
/// on it. The tree is a flat array of nodes; a directory's children are contiguous and
/// sorted bytewise by name, so that the resolver merges directories the way overlayfs'
/// readdir does, one directory at a time, and finds a name by binary search.
public struct LayerIndex: Sendable {
    /// What one name in a layer is: its kind and the overlay markers on it
    /// (Documentation/filesystems/overlayfs.rst, "whiteouts and opaque directories").
    public struct Entry: Sendable, Hashable {
        /// What `lstat` says it is; `whiteout` for a character device 0/0 or an xattr whiteout.
        public enum Kind: String, Sendable, Codable {
                /// A regular file.
                case file
                /// A directory.
                case dir
                /// A symbolic link.
                case symlink
                /// A device, fifo or socket (not a whiteout).
                case other
                /// A whiteout: a character device 0/0, or a zero-size file with `overlay.whiteout`.
                case whiteout
            }
        /// Regular file, directory, symlink, whiteout or anything else (device, fifo, socket).
        public var kind: Kind
        /// `st_size` of a regular file; 0 for everything else.
        public var size: Int64
        /// `overlay.opaque=y`: hides everything below this directory.
        public var opaque: Bool
        /// `overlay.redirect`: where to continue the lookup in lower layers (an absolute path
        /// from the layer root, or a name in the same directory).
        public var redirect: ByteString?
        /// `overlay.metacopy`: metadata here, data in a lower layer.
        public var metacopy: Bool
        /// True for a whiteout made as a zero-size file with `overlay.whiteout` (not char 0/0).
        public var xattrWhiteout: Bool

        /// An entry of `kind` with the given markers (none by default).
        public init(kind: Kind, size: Int64 = 0, opaque: Bool = false, redirect: ByteString? = nil,
                    metacopy: Bool = false, xattrWhiteout: Bool = false) {
            self.kind = kind; self.size = size; self.opaque = opaque
            self.redirect = redirect; self.metacopy = metacopy; self.xattrWhiteout = xattrWhiteout
        }
    }

    /// One entry of the tree. The root (node 0) has an empty name and is its own parent.
    public struct Node: Sendable {
        /// The entry's name in its directory (empty for the root).
        public var name: ByteString
        /// What the entry is.
        public var entry: Entry
        /// Index of the directory that holds it.
        public var parent: Int32
        /// For a directory: its children are `nodes[firstChild ..< firstChild + childCount]`.
        public var firstChild: Int32 = 0
        /// How many children a directory has.
        public var childCount: Int32 = 0

        /// A node called `name` in directory `parent`, with no children yet.
        public init(name: ByteString, entry: Entry, parent: Int32) { self.name = name; self.entry = entry; self.parent = parent }
    }

    /// Node 0 is the layer root (when the layer could be read at all).
    public private(set) var nodes: [Node]
    /// Entries that could not be read, with the reason (everything but "vanished while read").
    public var problems: [String]
    /// Regular files, symlinks and others (not directories or whiteouts).
    public private(set) var fileCount: Int = 0
    /// Bytes in regular files.
    public private(set) var totalBytes: Int64 = 0

    /// An empty index: the layer could not be read (see `problems`).
    public init(problems: [String] = []) { nodes = []; self.problems = problems }

    /// A layer whose root directory carries `root`.
    public init(root: Entry) {
        nodes = [Node(name: "", entry: root, parent: 0)]
        problems = []
    }

    /// A layer given as `path: entry` pairs (absolute paths inside the layer, `/` for the
    /// root); missing parent directories are added as plain directories.
    public init(entries: [ByteString: Entry]) {
        var byParent: [ByteString: [(ByteString, Entry)]] = [:]
        var all = entries
        all["/"] = all["/"] ?? Entry(kind: .dir)
        for path in Array(all.keys) where path != "/" {
            var p = path.parentPath
            while all[p] == nil { all[p] = Entry(kind: .dir); p = p.parentPath }
        }
        for (path, entry) in all where path != "/" {
            let name = ByteString(path.bytes[(path.bytes.lastIndex(of: UInt8(ascii: "/"))! + 1)...])
            byParent[path.parentPath, default: []].append((name, entry))
        }
        self.init(root: all["/"]!)
        var work: [(Int, ByteString)] = [(0, "/")]
        while let (node, path) = work.popLast() {
            let children = (byParent[path] ?? []).sorted { $0.0 < $1.0 }
            let range = setChildren(of: node, children.map { Node(name: $0.0, entry: $0.1, parent: Int32(node)) })
            for i in range where nodes[i].entry.kind == .dir { work.append((i, path.appending(component: nodes[i].name))) }
        }
    }

    /// The layer root's entry; nil when the layer could not be read.
    public var root: Entry? { nodes.first?.entry }

    /// Appends the children of directory `node` (sorted bytewise by name by the caller) and
    /// returns their indexes.
    @discardableResult
    public mutating func setChildren(of node: Int, _ children: [Node]) -> Range<Int> {
        let first = nodes.count
        nodes.append(contentsOf: children)
        nodes[node].firstChild = Int32(first)
        nodes[node].childCount = Int32(children.count)
        for c in children {
            switch c.entry.kind {
            case .file: fileCount += 1; totalBytes += c.entry.size
            case .symlink, .other: fileCount += 1
            case .dir, .whiteout: break
            }
        }
        return first..<nodes.count
    }

    /// Changes the entry of a node after it was added (a directory's markers are read when it is opened).
    public mutating func update(_ node: Int, _ change: (inout Entry) -> Void) {
        let before = nodes[node].entry
        change(&nodes[node].entry)
        let after = nodes[node].entry
        if before.kind != after.kind || before.size != after.size {
            fileCount += Self.counts(after) - Self.counts(before)
            totalBytes += (after.kind == .file ? after.size : 0) - (before.kind == .file ? before.size : 0)
        }
    }

    private static func counts(_ e: Entry) -> Int { e.kind == .file || e.kind == .symlink || e.kind == .other ? 1 : 0 }

    /// The indexes of the children of directory `node` (empty for anything else).
    public func children(of node: Int) -> Range<Int> {
        let first = Int(nodes[node].firstChild)
        return first..<(first + Int(nodes[node].childCount))
    }

    /// The child of `node` called `name`, by binary search.
    public func child(of node: Int, named name: ByteString) -> Int? {
        var range = children(of: node)
        while !range.isEmpty {
            let mid = range.lowerBound + range.count / 2
            switch ByteString.compare(nodes[mid].name, name) {
            case 0: return mid
            case ..<0: range = (mid + 1)..<range.upperBound
            default: range = range.lowerBound..<mid
            }
        }
        return nil
    }

    /// The node at an absolute path inside the layer (`/` is the root).
    public func node(at path: ByteString) -> Int? {
        guard !nodes.isEmpty else { return nil }
        var node = 0
        for component in path.bytes.split(separator: UInt8(ascii: "/")) {
            guard nodes[node].entry.kind == .dir, let next = child(of: node, named: ByteString(component)) else { return nil }
            node = next
        }
        return node
    }

    /// The entry at an absolute path inside the layer, or nil when there is none.
    public func entry(at path: ByteString) -> Entry? { node(at: path).map { nodes[$0].entry } }

    /// The absolute path of a node inside the layer.
    public func path(of node: Int) -> ByteString {
        var parts: [ByteString] = []
        var n = node
        while n != 0 { parts.append(nodes[n].name); n = Int(nodes[n].parent) }
        guard !parts.isEmpty else { return "/" }
        var bytes: [UInt8] = []
        for part in parts.reversed() { bytes.append(UInt8(ascii: "/")); bytes += part.bytes }
        return ByteString(bytes)
    }
}

extension ByteString {
    /// `/a` + `b` = `/a/b`; `/` + `b` = `/b`.
    public func appending(component name: ByteString) -> ByteString {
        var out: [UInt8] = []
        if bytes == [UInt8(ascii: "/")] {
            out.reserveCapacity(1 + name.bytes.count)
        } else {
            out.reserveCapacity(bytes.count + 1 + name.bytes.count)
            out += bytes
        }
        out.append(UInt8(ascii: "/"))
        out += name.bytes
        return ByteString(out)
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

    /// Bytewise three-way comparison (memcmp order, a prefix first): negative, 0 or positive.
    public static func compare(_ a: ByteString, _ b: ByteString) -> Int {
        a.bytes.withUnsafeBufferPointer { x in
            b.bytes.withUnsafeBufferPointer { y in
                let n = min(x.count, y.count)
                if n > 0, let xb = x.baseAddress, let yb = y.baseAddress {
                    let r = memcmp(xb, yb, n)
                    if r != 0 { return Int(r) }
                }
                return x.count - y.count
            }
        }
    }
}

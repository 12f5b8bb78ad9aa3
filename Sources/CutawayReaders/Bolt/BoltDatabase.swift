/// A read-only view of a bbolt database file (go.etcd.io/bbolt, the B+tree file containerd keeps
/// its metadata in), parsed from bytes already in memory: it never opens, locks or writes the
/// file (`BoltFile` makes the copy).
///
/// The format (bbolt's `page.go`, `db.go`, `bucket.go`; little-endian on every platform
/// containerd ships for):
/// - the file is a sequence of pages of `pageSize` bytes; pages 0 and 1 are meta pages;
/// - every page starts with a 16-byte header: `id u64, flags u16, count u16, overflow u32`;
///   flags: `0x01` branch, `0x02` leaf, `0x04` meta, `0x10` freelist; a page with `overflow` n
///   spans n + 1 pages;
/// - a meta page holds `magic u32 (0xED0CDAED), version u32 (2), pageSize u32, flags u32,
///   root bucket {root u64, sequence u64}, freelist u64, pgid u64 (high-water mark), txid u64,
///   checksum u64` (FNV-1a 64 of the 56 bytes before it); a writer commits by writing the meta
///   page `txid % 2`, so the valid meta with the highest txid is the current state;
/// - a branch page has `count` elements `{pos u32, ksize u32, pgid u64}`, a leaf page
///   `{flags u32, pos u32, ksize u32, vsize u32}`, each 16 bytes right after the header; `pos`
///   counts from the element itself to its key (the value follows the key);
/// - a leaf element with flag `0x01` is a nested bucket whose value is `{root u64, sequence
///   u64}`; root 0 means an inline bucket: its one leaf page follows in the value itself.
public struct BoltDatabase: Sendable {
    /// The file's bytes (a copy; the file itself is never touched).
    public let bytes: [UInt8]
    /// The page size the meta page in use gives (4096 on most systems).
    public let pageSize: Int
    /// The transaction id of the meta page in use.
    public let txid: UInt64
    /// Which meta page (0 or 1) is in use.
    public let metaPage: Int
    /// Whether the other meta page was valid too (it holds the transaction before).
    public let otherMetaValid: Bool
    let rootPage: UInt64
    let highWater: UInt64

    static let magic: UInt32 = 0xED0C_DAED
    static let headerSize = 16
    static let elementSize = 16
    /// Nested buckets deeper than this are refused (containerd's are 6 deep).
    static let maxDepth = 64

    /// Checks the meta pages of `bytes` and picks the current one; pages are read when asked for.
    public init(bytes: [UInt8]) throws(BoltError) {
        self.bytes = bytes
        guard bytes.count >= 2 * 1024 else { throw .tooSmall(bytes.count) }
        // Meta 0 names the page size; if it is damaged, try the sizes bbolt is used with.
        var metas: [(page: Int, meta: Meta)] = []
        if let m0 = Self.meta(in: bytes, at: 0) { metas.append((0, m0)) }
        let sizes = metas.first.map { [Int($0.meta.pageSize)] } ?? [4096, 8192, 16384, 32768, 65536, 2048]
        for size in sizes {
            if let m1 = Self.meta(in: bytes, at: size), m1.pageSize == UInt32(size) { metas.append((1, m1)); break }
        }
        guard let best = metas.max(by: { $0.meta.txid < $1.meta.txid }) else { throw .noValidMetaPage }
        pageSize = Int(best.meta.pageSize)
        txid = best.meta.txid
        metaPage = best.page
        otherMetaValid = metas.count == 2
        rootPage = best.meta.root
        highWater = best.meta.pgid
        guard highWater <= UInt64(bytes.count / pageSize) else {
            throw .truncated(expected: highWater * UInt64(pageSize), actual: bytes.count)
        }
    }

    struct Meta { var pageSize: UInt32; var root: UInt64; var pgid: UInt64; var txid: UInt64 }

    /// The meta at byte `offset`, or nil when its magic, version, flags or checksum is wrong.
    static func meta(in b: [UInt8], at offset: Int) -> Meta? {
        let m = offset + headerSize
        guard offset >= 0, m + 64 <= b.count else { return nil }
        guard u16(b, offset + 8) & 0x04 != 0, u32(b, m) == magic, u32(b, m + 4) == 2 else { return nil }
        guard fnv1a64(b[m..<(m + 56)]) == u64(b, m + 56) else { return nil }
        let pageSize = u32(b, m + 8)
        guard pageSize >= 512, pageSize <= 1 << 20, pageSize & (pageSize - 1) == 0 else { return nil }
        return Meta(pageSize: pageSize, root: u64(b, m + 16), pgid: u64(b, m + 40), txid: u64(b, m + 48))
    }

    /// The top-level bucket (the tree the meta's root points to).
    public var root: BoltBucket { BoltBucket(database: self, location: .page(rootPage), depth: 0) }

    /// The bucket at a path of names from the root, e.g. `["v1", "default", "containers"]`.
    public func bucket(_ path: [String]) throws(BoltError) -> BoltBucket? {
        var b = root
        for name in path {
            guard let next = try b.bucket(name) else { return nil }
            b = next
        }
        return b
    }

    // MARK: byte access

    static func u16(_ b: [UInt8], _ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
    static func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
    static func u64(_ b: [UInt8], _ o: Int) -> UInt64 { UInt64(u32(b, o)) | UInt64(u32(b, o + 4)) << 32 }

    /// FNV-1a, 64 bits (Go's hash/fnv New64a), which bbolt uses for the meta checksum.
    static func fnv1a64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return h
    }
}

/// What is wrong with a bbolt file. Every case names what was found, so a damaged or
/// foreign file is reported, never half-read.
public enum BoltError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer bytes than two meta pages of the smallest page size.
    case tooSmall(Int)
    /// Neither meta page has the magic, version 2 and a matching checksum.
    case noValidMetaPage
    /// The meta page's high-water mark lies beyond the bytes there are.
    case truncated(expected: UInt64, actual: Int)
    /// A page id beyond the file or the high-water mark.
    case pageOutOfRange(UInt64)
    /// A page in a bucket's tree that is neither a branch nor a leaf.
    case unexpectedPage(UInt64, flags: UInt16)
    /// An element whose key or value reaches outside its page.
    case elementOutOfBounds(page: UInt64, element: Int)
    /// A page reached twice in one bucket's tree.
    case cycle(UInt64)
    /// Buckets nested deeper than ``BoltDatabase`` allows.
    case tooDeep
    /// A nested bucket's value too short for its `{root, sequence}` header.
    case badBucketValue(key: String)

    public var description: String {
        switch self {
        case .tooSmall(let n): "a bbolt file has at least two meta pages; this one has \(n) bytes"
        case .noValidMetaPage: "neither meta page has bbolt's magic, version 2 and a matching checksum (not a bbolt file, or damaged)"
        case .truncated(let e, let a): "the meta page says the file has \(e) bytes of pages, but it has \(a) (truncated or changed while read)"
        case .pageOutOfRange(let id): "page \(id) is beyond the end of the file or the meta page's high-water mark"
        case .unexpectedPage(let id, let flags): "page \(id) has flags 0x\(String(flags, radix: 16)), not a branch or leaf page"
        case .elementOutOfBounds(let page, let element): "element \(element) of page \(page) points outside its page"
        case .cycle(let id): "page \(id) is reached twice while walking one bucket (a loop in the tree)"
        case .tooDeep: "buckets are nested more than \(BoltDatabase.maxDepth) deep"
        case .badBucketValue(let key): "the value of bucket \(key) is shorter than a bucket header"
        }
    }
}

/// One key of a bucket: a value, or a nested bucket.
public struct BoltEntry: Sendable {
    /// The key's bytes.
    public var key: [UInt8]
    /// The value; nil for a nested bucket.
    public var value: [UInt8]?
    /// The nested bucket; nil for a value.
    public var bucket: BoltBucket?
    /// The key as text (invalid UTF-8 replaced by U+FFFD).
    public var keyString: String { String(decoding: key, as: UTF8.self) }
}

/// A bucket: a B+tree rooted at a page, or an inline bucket whose single leaf page is stored
/// in its parent's value.
public struct BoltBucket: Sendable {
    enum Location: Sendable { case page(UInt64), inline([UInt8]) }
    let database: BoltDatabase
    let location: Location
    let depth: Int

    /// Every key in order, with its value or nested bucket.
    public func entries() throws(BoltError) -> [BoltEntry] {
        var out: [BoltEntry] = []
        switch location {
        case .inline(let page):
            try Self.leaf(page, base: 0, end: page.count, pageID: 0, depth: depth, database: database, into: &out)
        case .page(let id):
            var seen = Set<UInt64>()
            try walk(id, seen: &seen, into: &out, level: 0)
        }
        return out
    }

    /// The nested bucket called `name`, if there is one.
    public func bucket(_ name: String) throws(BoltError) -> BoltBucket? {
        let key = Array(name.utf8)
        return try entries().first { $0.key == key }?.bucket
    }

    /// The value of key `name`, if it is a value.
    public func value(_ name: String) throws(BoltError) -> [UInt8]? {
        let key = Array(name.utf8)
        return try entries().first { $0.key == key }?.value
    }

    /// The nested buckets, by name.
    public func buckets() throws(BoltError) -> [(name: String, bucket: BoltBucket)] {
        try entries().compactMap { e in e.bucket.map { (e.keyString, $0) } }
    }

    /// The plain values, by name (UTF-8 names; values as bytes).
    public func values() throws(BoltError) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for e in try entries() { if let v = e.value { out[e.keyString] = v } }
        return out
    }

    private func walk(_ id: UInt64, seen: inout Set<UInt64>, into out: inout [BoltEntry], level: Int) throws(BoltError) {
        guard seen.insert(id).inserted else { throw .cycle(id) }
        guard level < BoltDatabase.maxDepth else { throw .tooDeep }
        let db = database, b = db.bytes, ps = db.pageSize
        guard id >= 2, id < db.highWater, let base = Int(exactly: id).flatMap({ $0.multipliedReportingOverflow(by: ps).overflow ? nil : $0 * ps }),
              base + BoltDatabase.headerSize <= b.count else { throw .pageOutOfRange(id) }
        let flags = BoltDatabase.u16(b, base + 8)
        let overflow = Int(BoltDatabase.u32(b, base + 12))
        let end = min(b.count, base + (overflow + 1) * ps)
        guard UInt64(overflow) < db.highWater else { throw .pageOutOfRange(id) }
        if flags & 0x01 != 0 {
            let count = Int(BoltDatabase.u16(b, base + 10))
            for i in 0..<count {
                let e = base + BoltDatabase.headerSize + i * BoltDatabase.elementSize
                guard e + BoltDatabase.elementSize <= end else { throw .elementOutOfBounds(page: id, element: i) }
                try walk(BoltDatabase.u64(b, e + 8), seen: &seen, into: &out, level: level + 1)
            }
        } else if flags & 0x02 != 0 {
            try Self.leaf(b, base: base, end: end, pageID: id, depth: depth, database: db, into: &out)
        } else {
            throw .unexpectedPage(id, flags: flags)
        }
    }

    /// The elements of one leaf page that starts at `base` in `b` and ends before `end`.
    static func leaf(_ b: [UInt8], base: Int, end: Int, pageID: UInt64, depth: Int, database: BoltDatabase,
                     into out: inout [BoltEntry]) throws(BoltError) {
        guard base + BoltDatabase.headerSize <= end else { throw .elementOutOfBounds(page: pageID, element: 0) }
        let flags = BoltDatabase.u16(b, base + 8)
        guard flags & 0x02 != 0 else { throw .unexpectedPage(pageID, flags: flags) }
        let count = Int(BoltDatabase.u16(b, base + 10))
        for i in 0..<count {
            let e = base + BoltDatabase.headerSize + i * BoltDatabase.elementSize
            guard e + BoltDatabase.elementSize <= end else { throw .elementOutOfBounds(page: pageID, element: i) }
            let elementFlags = BoltDatabase.u32(b, e)
            let pos = Int(BoltDatabase.u32(b, e + 4)), ksize = Int(BoltDatabase.u32(b, e + 8)), vsize = Int(BoltDatabase.u32(b, e + 12))
            let k = e + pos
            guard pos >= 0, ksize >= 0, vsize >= 0, k <= end, ksize <= end - k, vsize <= end - k - ksize else {
                throw .elementOutOfBounds(page: pageID, element: i)
            }
            let key = Array(b[k..<(k + ksize)])
            let value = Array(b[(k + ksize)..<(k + ksize + vsize)])
            if elementFlags & 0x01 != 0 {
                guard value.count >= 16 else { throw .badBucketValue(key: String(decoding: key, as: UTF8.self)) }
                guard depth + 1 < BoltDatabase.maxDepth else { throw .tooDeep }
                let root = BoltDatabase.u64(value, 0)
                let location: Location = root == 0 ? .inline(Array(value[16...])) : .page(root)
                out.append(BoltEntry(key: key, value: nil, bucket: BoltBucket(database: database, location: location, depth: depth + 1)))
            } else {
                out.append(BoltEntry(key: key, value: value, bucket: nil))
            }
        }
    }
}

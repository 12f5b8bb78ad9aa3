#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxSyscalls

/// The entries of one directory as getdents64(2) returned them, kept in the records the
/// kernel filled: each name stays where it arrived, NUL-terminated, so it can be handed
/// back to a `*at` call (statx(2), getxattrat(2)) without a copy. `.` and `..` are left out.
///
/// A walk keeps one listing and refills it for every directory
/// (``DirectoryDescriptor/list(into:)``): the buffer grows to the largest directory seen and
/// is then reused.
public struct DirectoryListing {
    /// Where a name is in `storage`, the entry's `d_type`, and the name's first 8 bytes as a
    /// big-endian number (zeros past its end) to compare names by before memcmp(3).
    struct Record {
        var prefix: UInt64
        var offset: Int32
        var length: Int32
        var type: UInt8
    }

    /// getdents64 records, back to back.
    var storage: [UInt8] = []
    var records: [Record] = []

    /// An empty listing.
    public init() {}

    /// Entries listed (without `.` and `..`).
    public var count: Int { records.count }

    /// The `d_type` of entry `i` (DT_DIR, DT_REG, DT_LNK, DT_CHR, …; DT_UNKNOWN on file
    /// systems that do not fill it in).
    public func type(at i: Int) -> UInt8 { records[i].type }

    /// The name of entry `i` as a new array.
    public func name(at i: Int) -> [UInt8] {
        withName(at: i) { Array($0) }
    }

    /// The name of entry `i` (without its NUL), valid only inside `body`.
    public func withName<R>(at i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let r = records[i]
        return try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[Int(r.offset)..<Int(r.offset + r.length)])) }
    }

    /// The name of entry `i` as a C string (its NUL is the kernel's), valid only inside `body`.
    public func withCName<R>(at i: Int, _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        let offset = Int(records[i].offset)
        return try storage.withUnsafeBytes { try body(($0.baseAddress! + offset).assumingMemoryBound(to: CChar.self)) }
    }

    /// Sorts the entries bytewise by name (memcmp order, a prefix first), as overlayfs and
    /// cutaway's layer index compare names. Names hold no NUL, so the zero-padded prefixes
    /// order names that differ in their first 8 bytes; equal prefixes fall back to memcmp(3)
    /// of the rest.
    public mutating func sortByName() {
        var records = self.records
        self.records = []
        storage.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            records.sort { a, b in
                if a.prefix != b.prefix { return a.prefix < b.prefix }
                let n = Int(min(a.length, b.length)) - 8
                let order = n <= 0 ? 0 : memcmp(base + Int(a.offset) + 8, base + Int(b.offset) + 8, n)
                return order != 0 ? order < 0 : a.length < b.length
            }
        }
        self.records = records
    }

    /// The first 8 bytes of a name as a big-endian number, zeros past its end.
    @inline(__always) static func prefix(_ name: UnsafeRawBufferPointer) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<8 { value = value << 8 | UInt64(i < name.count ? name[i] : 0) }
        return value
    }

    /// Empties the listing, keeping its buffers.
    mutating func removeAll() {
        records.removeAll(keepingCapacity: true)
    }

    /// Reads every entry of the directory open on `fd`: getdents64(2) until it returns 0,
    /// into the free end of `storage` (grown when less than 32 KiB are free). Each record's
    /// name is bounded by the record's own length, never by a search past it; a record that
    /// does not fit the bytes returned is EIO. Returns the errno of a failure, nil when done.
    mutating func fill(from fd: Int32) -> Int32? {
        removeAll()
        let minimumFree = 32 * 1024
        if storage.count < 2 * minimumFree { storage = [UInt8](repeating: 0, count: 2 * minimumFree) }
        var used = 0
        while true {
            if storage.count - used < minimumFree { storage.append(contentsOf: repeatElement(0, count: storage.count)) }
            let n = storage.withUnsafeMutableBytes { cutaway_getdents64(fd, $0.baseAddress! + used, $0.count - used) }
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { return nil }
            let wellFormed = storage.withUnsafeBytes { raw in
                var offset = used
                let end = used + n
                while offset < end {
                    guard offset + Int(CUTAWAY_DIRENT64_NAME_OFFSET) < end else { return false }
                    let reclen = Int(raw.loadUnaligned(fromByteOffset: offset + Int(CUTAWAY_DIRENT64_RECLEN_OFFSET), as: UInt16.self))
                    guard reclen > Int(CUTAWAY_DIRENT64_NAME_OFFSET), offset + reclen <= end else { return false }
                    let type = raw[offset + Int(CUTAWAY_DIRENT64_TYPE_OFFSET)]
                    let nameStart = offset + Int(CUTAWAY_DIRENT64_NAME_OFFSET)
                    let nameField = UnsafeRawBufferPointer(rebasing: raw[nameStart..<(offset + reclen)])
                    // The kernel ends every name with a NUL inside its record.
                    guard let length = nameField.firstIndex(of: 0) else { return false }
                    offset += reclen
                    if length == 1 && nameField[0] == UInt8(ascii: ".") { continue }
                    if length == 2 && nameField[0] == UInt8(ascii: ".") && nameField[1] == UInt8(ascii: ".") { continue }
                    records.append(Record(prefix: Self.prefix(UnsafeRawBufferPointer(rebasing: nameField[..<length])), offset: Int32(nameStart),
                                          length: Int32(length), type: type))
                }
                return true
            }
            guard wellFormed else { return EIO }
            used += n
        }
    }
}

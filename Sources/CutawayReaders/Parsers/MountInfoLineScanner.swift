#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CutawayModel

/// One pass over the bytes of a mountinfo line (proc_pid_mountinfo(5)) for the lines the
/// kernel writes: six fields, optional fields up to a lone `-`, then exactly filesystem type,
/// source and super options, one space between fields (two for an empty source). Nothing is
/// split into an array of fields and no text is decoded that need not be: a field without
/// a backslash is copied as it is, a field with one goes through ``OctalEscape``.
///
/// Any line it does not accept (a number that is no number, a missing separator, a field
/// too many or too few) is nil, and ``MountInfoParser`` parses it again field by field to
/// say why; so this pass decides nothing on its own that the field-by-field parse would not.
enum MountInfoLineScanner {
    /// The mount a well-formed line describes, nil for anything else.
    static func mount(in line: UnsafeBufferPointer<UInt8>) -> Mount? {
        var cursor = Cursor(bytes: line)
        guard let idField = cursor.field(), let id = decimal(line, idField, as: Int.self),
              let parentField = cursor.field(), let parent = decimal(line, parentField, as: Int.self),
              let devField = cursor.field(),
              let colon = line[devField].firstIndex(of: UInt8(ascii: ":")),
              let major = decimal(line, devField.lowerBound..<colon, as: UInt32.self),
              let minor = decimal(line, (colon + 1)..<devField.upperBound, as: UInt32.self),
              let rootField = cursor.field(), let pointField = cursor.field(), let optionsField = cursor.field()
        else { return nil }

        var shared: Int?, master: Int?, propagateFrom: Int?, unbindable = false
        var other: [String] = []
        while true {
            guard let field = cursor.field() else { return nil } // no separator
            if field.count == 1 && line[field.lowerBound] == UInt8(ascii: "-") { break }
            if let colon = line[field].firstIndex(of: UInt8(ascii: ":")) {
                guard let n = decimal(line, (colon + 1)..<field.upperBound, as: Int.self) else { return nil }
                let tag = UnsafeBufferPointer(rebasing: line[field.lowerBound..<colon])
                if tag.elementsEqual("shared".utf8) { shared = n }
                else if tag.elementsEqual("master".utf8) { master = n }
                else if tag.elementsEqual("propagate_from".utf8) { propagateFrom = n }
                else { other.append(String(decoding: UnsafeBufferPointer(rebasing: line[field]), as: UTF8.self)) }
            } else if UnsafeBufferPointer(rebasing: line[field]).elementsEqual("unbindable".utf8) {
                unbindable = true
            } else {
                other.append(String(decoding: UnsafeBufferPointer(rebasing: line[field]), as: UTF8.self))
            }
        }
        guard let typeField = cursor.field(), let sourceField = cursor.field(), let superField = cursor.field(),
              cursor.atEnd else { return nil }

        var superOptions: [ByteString] = []
        var start = superField.lowerBound
        for i in superField where line[i] == UInt8(ascii: ",") {
            superOptions.append(decoded(line, start..<i))
            start = i + 1
        }
        superOptions.append(decoded(line, start..<superField.upperBound))

        return Mount(
            id: id, parentID: parent, major: major, minor: minor,
            root: decoded(line, rootField), mountPoint: decoded(line, pointField),
            mountOptions: String(decoding: UnsafeBufferPointer(rebasing: line[optionsField]), as: UTF8.self),
            shared: shared, master: master, propagateFrom: propagateFrom, unbindable: unbindable,
            otherOptionalFields: other,
            fsType: decoded(line, typeField), source: decoded(line, sourceField),
            superOptions: superOptions
        )
    }

    /// The fields of a line, one at a time: each ends at the next space or at the end of the
    /// line; after a space there is always one more field (it may be empty).
    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var next = 0
        var done = false

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var atEnd: Bool { done }

        mutating func field() -> Range<Int>? {
            guard !done else { return nil }
            let start = next
            var i = start
            while i < bytes.count && bytes[i] != UInt8(ascii: " ") { i += 1 }
            if i == bytes.count { done = true } else { next = i + 1 }
            return start..<i
        }
    }

    /// ``ByteScanning/decimal(_:as:)`` of a range of the line.
    @inline(__always)
    static func decimal<T: FixedWidthInteger>(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, as: T.Type) -> T? {
        ByteScanning.decimal(UnsafeBufferPointer(rebasing: line[range]), as: T.self)
    }

    /// A field's bytes with the kernel's octal escapes decoded.
    @inline(__always)
    static func decoded(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> ByteString {
        let bytes = UnsafeBufferPointer(rebasing: line[range])
        if !bytes.contains(UInt8(ascii: "\\")) { return ByteString(Array(bytes)) }
        return ByteString(OctalEscape.decode(bytes))
    }

    /// Lines of a whole file as ``ByteScanning/lines(_:)`` gives them (a final line without
    /// newline counts, an empty tail does not), one at a time, found with memchr(3).
    static func forEachLine(_ data: [UInt8], _ body: (ArraySlice<UInt8>) -> Void) {
        var start = 0
        let count = data.count
        while start < count {
            let end = data.withUnsafeBytes { raw -> Int in
                guard let hit = memchr(raw.baseAddress! + start, 0x0A, count - start) else { return count }
                return raw.baseAddress!.distance(to: UnsafeRawPointer(hit))
            }
            body(data[start..<end])
            start = end + 1
        }
    }

    /// Newlines in `data`, plus one for a last line without one: room to reserve.
    static func lineCount(_ data: [UInt8]) -> Int {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return 0 }
            var n = 0, offset = 0
            while offset < raw.count, let hit = memchr(base + offset, 0x0A, raw.count - offset) {
                n += 1
                offset = base.distance(to: UnsafeRawPointer(hit)) + 1
            }
            return offset < raw.count ? n + 1 : n
        }
    }
}

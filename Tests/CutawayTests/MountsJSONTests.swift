import CutawayModel
@testable import CutawayReaders
@testable import CutawayRender
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// `cutaway mounts --json` writes its whole document as bytes (MountsJSON.swift): the bytes
/// must be Foundation's `JSONEncoder` output for the same keys and values, hostile names
/// included, and the one-pass mountinfo scanner must read every line as the field-by-field
/// parse does.
@Suite struct MountsJSONTests {
    func foundation<T: Encodable>(_ value: T) throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return JSONStreamEncoderTests().escapingTerminalControls([UInt8](try e.encode(value)))
    }

    func expectSameBytes<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let streamed = try JSONStreamEncoder().encode(value)
        let expected = try foundation(value)
        if streamed != expected {
            let at = zip(streamed, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(streamed.count, expected.count)
            let context = { (b: [UInt8]) in String(decoding: b[max(0, at - 120)..<min(b.count, at + 120)], as: UTF8.self) }
            Issue.record("first difference at byte \(at):\n--- streamed\n\(context(streamed))\n--- JSONEncoder\n\(context(expected))", sourceLocation: sourceLocation)
        }
    }

    /// Mounts with every optional field, escapes, an empty source, invalid UTF-8 in names and
    /// in a super option, terminal controls, and peer groups across two namespaces.
    static let lines = [
        "1 0 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro",
        #"40 1 0:50 /a\040b /m\011t\012n\134b rw shared:7 master:1 propagate_from:2 unbindable future:9 bogus - fuse.my\040fs src\040x rw,x=a\054b"#,
        "41 40 0:51 / /e rw master:7 - tmpfs  rw,size=4k",
        "42 40 0:52 / /q\"uote rw shared:8 master:7 - tmpfs \"src rw",
        "43 1 0:53 / /bidi\u{202e}x\u{7f} rw unbindable - tmpfs t rw",
    ]

    func table(_ namespace: UInt64, readFrom: Int32) throws -> MountTable {
        var mounts = try Self.lines.map { try MountInfoParser.parseLine(Array($0.utf8)[...]) }
        let invalid = Array("/bad".utf8) + [0xff, 0xfe]
        mounts.append(try MountInfoParser.parseLine((Array("44 1 0:54 / ".utf8) + invalid + Array(" rw shared:7 - tmpfs ".utf8) + invalid + Array(" rw,o=".utf8) + invalid)[...]))
        return MountTable(mountNamespace: namespace, readFrom: readFrom, mounts: mounts)
    }

    @Test func mountsJSONIsByteForByteFoundations() throws {
        let a = try table(0, readFrom: 0), b = try table(4026531841, readFrom: 12)
        try expectSameBytes(MountsJSON(table: a, peerGroups: PeerGroup.groups(touching: a.mounts, in: [a, b])))
        try expectSameBytes(MountsJSON(table: b, peerGroups: PeerGroup.groups(touching: b.mounts, in: [a, b])))
        try expectSameBytes(MountsJSON(table: MountTable(mountNamespace: 1, readFrom: 1, mounts: []), peerGroups: []))
        let text = String(decoding: try JSONStreamEncoder().encode(MountsJSON(table: a, peerGroups: [])), as: UTF8.self)
        #expect(text.contains("\"mountPointBase64\" : ") && text.contains("\"superOptionsBase64\" : ") && text.contains("\"superOptionListBase64\" : "))
        #expect(text.contains("\"mountNamespace\" : null") && text.contains("\"readFrom\" : null"))
    }

    @Test func theScannerReadsEveryLineAsTheFieldByFieldParse() throws {
        let good = Self.lines + [
            "22 27 0:21 / /proc rw,relatime - proc proc rw", "61 1 8:1 /x//deleted /b rw - ext4 /dev/sda1 rw",
            "62 1 0:1 / /sp rw - tmpfs t ", "63 1 0:1 / /e rw - tmpfs t rw,,x",
        ]
        for line in good {
            let bytes = Array(line.utf8)
            let fast = try #require(bytes.withUnsafeBufferPointer { MountInfoLineScanner.mount(in: $0) }, "not accepted: \(line)")
            #expect(fast == (try MountInfoParser.parseLineByFields(bytes[...])), "\(line)")
        }
        let bad = ["", "36 35 98:0 /mnt1", "36 35 98:0 /a /b rw master:1 ext3 /dev/root rw", "36 35 98:0 /a /b rw - ext3 /dev/root",
                   "36 35 98:0 /a /b rw - ext3 /dev/root rw extra", "x6 35 98:0 / /m rw - ext3 r rw", "36 35 98:0:1 / /m rw - ext3 r rw",
                   "36 35 98 / /m rw - ext3 r rw", "36 35 98:0 / /m rw shared:x - ext3 r rw", "36 35 98:0 / /m rw -"]
        for line in bad {
            let bytes = Array(line.utf8)
            #expect(bytes.withUnsafeBufferPointer { MountInfoLineScanner.mount(in: $0) } == nil, "accepted: \(line)")
            #expect(throws: MountInfoError.self) { try MountInfoParser.parseLine(bytes[...]) }
        }
    }

    @Test func wholeFilesKeepLineNumbersAndTheLastLineWithoutNewline() {
        let text = "1 0 8:1 / / rw - ext4 a rw\n\nbad\n2 1 0:2 / /x rw - tmpfs t rw"
        let parsed = MountInfoParser.parse(Array(text.utf8), file: "f")
        #expect(parsed.mounts.map(\.id) == [1, 2])
        #expect(parsed.diagnostics.map(\.line) == [2, 3])
        #expect(MountInfoParser.parse(Array("1 0 8:1 / / rw - ext4 a rw\n".utf8), file: "f").mounts.count == 1)
        #expect(MountInfoParser.parse([], file: "f").mounts.isEmpty)
    }
}

extension MountsJSONTests {
    /// The document goes out as it is made: once a large table is written, all but the last
    /// piece has already gone to the descriptor (names the writer escapes itself included).
    @Test func aLargeTableIsNotHeldWhole() throws {
        let line = #"7 1 0:5 / /m\134x rw shared:1 - tmpfs t\040s rw,size=1k"#
        let mount = try MountInfoParser.parseLine(Array(line.utf8)[...])
        let table = MountTable(mountNamespace: 0, readFrom: 0, mounts: Array(repeating: mount, count: 5000))
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        #expect(null >= 0)
        defer { close(null) }
        let writer = JSONByteWriter(fd: null)
        try writer.encodeRoot(MountsJSON(table: table, peerGroups: []))
        #expect(writer.flushed > 2_000_000, "\(writer.flushed) bytes written out")
        #expect(writer.buffer.count < 2 * JSONByteWriter.chunk, "\(writer.buffer.count) bytes still held")
    }
}

import CutawayModel
@testable import CutawayReaders
import Testing

/// proc_pid_mountinfo(5) and its octal escapes (space, tab, newline and backslash as `\NNN`,
/// fs/proc_namespace.c).
@Suite struct MountInfoParserTests {
    func parse(_ line: String) throws -> Mount { try MountInfoParser.parseLine(Array(line.utf8)[...]) }

    @Test func manPageExample() throws {
        let m = try parse("36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue")
        #expect(m.id == 36 && m.parentID == 35 && m.major == 98 && m.minor == 0)
        #expect(m.root == "/mnt1" && m.mountPoint == "/mnt/parent" && m.mountOptions == "rw,noatime")
        #expect(m.master == 1 && m.shared == nil && m.propagateFrom == nil && !m.unbindable)
        #expect(m.fsType == "ext3" && m.source == "/dev/root")
        #expect(m.superOptions == ["rw", "errors=continue"])
        #expect(m.propagationWords == "private,slave")
        #expect(m.propagationTags == "master:1")
    }

    @Test func everyOptionalFieldAndUnknownOnes() throws {
        let m = try parse("40 30 0:50 / /a rw shared:7 master:3 propagate_from:2 unbindable future:9 bogus - tmpfs none rw")
        #expect(m.shared == 7 && m.master == 3 && m.propagateFrom == 2 && m.unbindable)
        #expect(m.otherOptionalFields == ["future:9", "bogus"])
        #expect(m.propagationWords == "shared,slave,unbindable")
        #expect(m.propagationTags == "shared:7 master:3 propagate_from:2 unbindable")
    }

    @Test func noOptionalFields() throws {
        let m = try parse("22 27 0:21 / /proc rw,relatime - proc proc rw")
        #expect(m.propagationWords == "private" && m.propagationTags == "private")
    }

    @Test func octalEscapesInRootMountPointFsTypeAndSource() throws {
        let m = try parse(#"50 1 0:60 /a\040b /mnt/sp\040ace\011tab\012nl\134bs rw - fuse.my\040fs src\040x rw"#)
        #expect(m.root == "/a b")
        #expect(m.mountPoint == ByteString("/mnt/sp ace\ttab\nnl\\bs"))
        #expect(m.fsType == "fuse.my fs")
        #expect(m.source == "src x")
    }

    @Test func emptySourceIsTwoSpacesInARow() throws {
        let m = try parse("60 1 0:61 / /e rw - tmpfs  rw,size=4k")
        #expect(m.source == "" && m.fsType == "tmpfs" && m.superOptions == ["rw", "size=4k"])
    }

    @Test func deletedRootIsKeptVerbatim() throws {
        let m = try parse("61 1 8:1 /var/lib/x//deleted /bound rw - ext4 /dev/sda1 rw")
        #expect(m.root == "/var/lib/x//deleted")
    }

    @Test func escapedCommaStaysInsideItsSuperOption() throws {
        let m = try parse(#"70 1 0:70 / /merged rw - overlay overlay rw,lowerdir=/l/a\054b:/l/c,upperdir=/u\040x,workdir=/w"#)
        #expect(m.superOptions == ["rw", "lowerdir=/l/a,b:/l/c", "upperdir=/u x", "workdir=/w"])
        #expect(m.superOptionsString == "rw,lowerdir=/l/a,b:/l/c,upperdir=/u x,workdir=/w")
    }

    @Test func invalidUTF8SurvivesAsBytes() throws {
        var line = Array("80 1 0:80 / /bad".utf8) + [0xff, 0xfe] + Array(" rw - tmpfs t rw".utf8)
        let m = try MountInfoParser.parseLine(line[...])
        #expect(m.mountPoint.bytes == Array("/bad".utf8) + [0xff, 0xfe])
        #expect(!m.mountPoint.isValidUTF8)
        line.removeAll()
    }

    @Test func aLongLineIsAGoodLine() throws {
        // ~200 KB: hundreds of overlay layers.
        let layers = (0..<4000).map { "/var/lib/docker/overlay2/l/LAYER\($0)ABCDEFGHIJKLMNOPQRSTUVWXYZ" }.joined(separator: ":")
        let text = "90 1 0:90 / /merged rw - overlay overlay rw,lowerdir=\(layers),upperdir=/u,workdir=/w"
        #expect(text.utf8.count > 200_000)
        let m = try parse(text)
        #expect(m.superOptions.count == 4)
        #expect(m.superOptions[1].bytes.count == "lowerdir=".utf8.count + layers.utf8.count)
    }

    @Test(arguments: [
        ("", MountInfoError.emptyLine),
        ("36 35 98:0 /mnt1", .truncated(fields: 4)),
        ("36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 ext3 /dev/root rw", .missingSeparator),
        ("36 35 98:0 /mnt1 /mnt/parent rw - ext3 /dev/root", .wrongFieldCountAfterSeparator(2)),
        ("x6 35 98:0 / /m rw - ext3 /dev/root rw", .badNumber(field: "mount ID", text: "\"x6\"")),
        ("36 -5 98:0 / /m rw - ext3 /dev/root rw", .badNumber(field: "parent ID", text: "\"-5\"")),
        ("36 35 98 / /m rw - ext3 /dev/root rw", .badDevice(text: "\"98\"")),
        ("36 35 98:0 / /m rw shared:x - ext3 /dev/root rw", .badNumber(field: "optional field shared", text: "\"shared:x\"")),
    ])
    func malformedLines(line: String, expected: MountInfoError) {
        #expect(throws: expected) { try parse(line) }
    }

    @Test func binaryJunkIsReportedNotFatal() {
        let junk: [UInt8] = [0x00, 0x01, 0xff, 0x20, 0x80, 0x7f]
        #expect(throws: MountInfoError.self) { try MountInfoParser.parseLine(junk[...]) }
    }

    @Test func tableKeepsGoodLinesAndReportsBadOnesByNumber() {
        let text = """
        22 27 0:21 / /proc rw,relatime - proc proc rw
        23 27 0:22 / /sys rw,relatime
        \u{01}\u{02}junk
        27 1 254:0 / / rw,relatime - ext4 /dev/vda rw

        """
        let (mounts, diagnostics) = MountInfoParser.parse(Array(text.utf8), file: "saved.txt")
        #expect(mounts.map(\.id) == [22, 27])
        #expect(diagnostics.map(\.description) == [
            "saved.txt line 2: no ' - ' separator between the optional fields and the filesystem type",
            "saved.txt line 3: truncated: 1 field, expected at least 6 before the optional fields",
        ])
    }

    @Test func octalDecodingEdgeCases() {
        #expect(OctalEscape.decode(Array(#"a\134b"#.utf8)) == Array(#"a\b"#.utf8))
        #expect(OctalEscape.decode(Array(#"trailing\"#.utf8)) == Array(#"trailing\"#.utf8))
        #expect(OctalEscape.decode(Array(#"\09x"#.utf8)) == Array(#"\09x"#.utf8))  // 9 is not octal
        #expect(OctalEscape.decode(Array(#"\400"#.utf8)) == Array(#"\400"#.utf8))  // > 255
        #expect(OctalEscape.decode(Array(#"\054\04"#.utf8)) == Array(#",\04"#.utf8))
        let name = Array("a b\tc\nd\\e,f".utf8)
        #expect(OctalEscape.decode(OctalEscape.encode(name, alsoComma: true)) == name)
    }
}

import CutawayModel
import CutawayReaders
import CutawayRender
import Foundation
import Testing

/// The streaming JSON writer gives the exact bytes of Foundation's `JSONEncoder` with the
/// contract's settings (pretty-printed, sorted keys, unescaped slashes), on the committed
/// snapshots, a capture replay, hostile names and the shapes the CLI's views use, with one
/// deliberate difference: characters a terminal would obey (DEL, C1 and bidi controls, line
/// and paragraph separators; `TerminalText.isUnsafe`) are written as `\uXXXX` escapes, so
/// `cutaway … --json` on a terminal cannot be used to drive it. A JSON reader gets the same string.
@Suite struct JSONStreamEncoderTests {
    func foundation<T: Encodable>(_ value: T) throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return escapingTerminalControls([UInt8](try e.encode(value)))
    }

    /// Foundation's bytes with every character `TerminalText.isUnsafe` calls unsafe (and that
    /// Foundation leaves raw) replaced by its `\uXXXX` escape.
    func escapingTerminalControls(_ json: [UInt8]) -> [UInt8] {
        var out = ""
        for scalar in String(decoding: json, as: UTF8.self).unicodeScalars {
            if scalar.value >= 0x20, TerminalText.isUnsafe(scalar) {
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return Array(out.utf8)
    }

    @Test func terminalControlsAreEscapedAndDecodeToTheSameString() throws {
        let text = "a\u{7f}b\u{9b}c\u{202e}d\u{2028}e"
        let json = String(decoding: try JSONStreamEncoder().encode([text]), as: UTF8.self)
        #expect(!json.unicodeScalars.contains { $0.value >= 0x20 && TerminalText.isUnsafe($0) })
        #expect(json.contains("\\u007f") && json.contains("\\u202e"))
        #expect(try JSONDecoder().decode([String].self, from: Data(json.utf8)) == [text])
    }

    func expectSameBytes<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try foundation(value)
        let streamed = try JSONStreamEncoder().encode(value)
        if streamed != expected {
            let at = zip(streamed, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(streamed.count, expected.count)
            let context = { (b: [UInt8]) in String(decoding: b[max(0, at - 80)..<min(b.count, at + 80)], as: UTF8.self) }
            Issue.record("first difference at byte \(at):\n--- streamed\n\(context(streamed))\n--- JSONEncoder\n\(context(expected))", sourceLocation: sourceLocation)
        }
    }

    @Test func demoSnapshotIsByteForByteFoundations() throws {
        try expectSameBytes(try DiagramTests().demo())
    }

    @Test func captureReplayIsByteForByteFoundations() throws {
        let source = try DirectoryProcSource.capture(at: TestSupport.scenarioFixture)
        try expectSameBytes(SnapshotScanner(source: source).scan())
    }

    @Test func hostileNamesAndBase64SiblingsAreByteForByteFoundations() throws {
        let s = DiagramTests().hostile()
        try expectSameBytes(s)
        let text = String(decoding: try JSONStreamEncoder().encode(s), as: UTF8.self)
        #expect(text.contains("\"mountPointBase64\" : "), "an invalid UTF-8 name needs its exact bytes")
        let back = try JSONDecoder().decode(Snapshot.self, from: Data(try JSONStreamEncoder().encode(s)))
        #expect(back.mountTables[0].mounts[1].mountPoint == s.mountTables[0].mounts[1].mountPoint)
    }

    struct Edge: Encodable {
        var text = "q\"\\/\u{1}\u{8}\u{c}\n\r\t\u{1b}\u{1f}\u{7f}\u{fffd}\u{2028}é😀"
        var empty: [Int] = []
        var emptyObject: [String: Int] = [:]
        var dictionary: [String: [Int]] = ["b": [1], "B": [], "a10": [2, 3], "a9": [], "": [0]]
        var byType: [NamespaceType: UInt64] = [.user: 1, .pid: 2, .mnt: 3, .net: 4]
        var optional: Int? = nil
        var present: Int? = -42
        var flags = [true, false]
        var numbers: [UInt64] = [0, 7, UInt64.max]
        var signed: [Int64] = [Int64.min, -1, Int64.max]
        var nested = [[String: String]](repeating: ["z": "1", "a": "2"], count: 3)
        var zLast = 1
        var aFirst = 2
    }

    @Test func escapesOrderAndEmptyContainersMatch() throws {
        try expectSameBytes(Edge())
        try expectSameBytes([Edge(), Edge()])
        try expectSameBytes([Int]())
        try expectSameBytes("top-level / string")
    }

    /// Hand-written `encode(to:)` with nested containers and a second container request on
    /// the same encoder (how the CLI flattens an object and adds keys).
    struct Handwritten: Encodable {
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: AnyCodingKey.self)
            try c.encode(3, forKey: "z")
            var list = c.nestedUnkeyedContainer(forKey: "list")
            for i in 0..<3 {
                var o = list.nestedContainer(keyedBy: AnyCodingKey.self)
                try o.encode(i, forKey: "y")
                try o.encode("x\(i)", forKey: "x")
                var inner = o.nestedUnkeyedContainer(forKey: "inner")
                try inner.encode(i)
            }
            var object = c.nestedContainer(keyedBy: AnyCodingKey.self, forKey: "object")
            try object.encodeNil(forKey: "n")
            try c.encode("after", forKey: "a")
            var again = encoder.container(keyedBy: AnyCodingKey.self)
            try again.encode(true, forKey: "m")
        }
    }

    @Test func nestedAndRepeatedContainersMatch() throws {
        try expectSameBytes(Handwritten())
        try expectSameBytes(["k": Handwritten()])
    }

    @Test func streamsToADescriptorInChunks() throws {
        let big = (0..<3_000).map { Edge(zLast: $0) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-json-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        try JSONStreamEncoder().write(["items": big], to: fd)
        try JSONStreamEncoder().write(big, to: fd)
        close(fd)
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(written == (try foundation(["items": big])) + [0x0A] + (try foundation(big)) + [0x0A])
    }

    struct Big: Encodable {
        var zItems: [Edge]
        var middle = "m"
        var aFirst = 1
    }

    /// Over 4 MiB inside the top-level object: its complete entries go to an unlinked
    /// temporary file and come back in key order.
    @Test func spillsALargeTopLevelObjectAndKeepsKeyOrder() throws {
        let big = Big(zItems: (0..<9_000).map { Edge(zLast: $0) })
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-json-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        try JSONStreamEncoder().write(big, to: fd, trailingNewline: false)
        close(fd)
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(written.count > 4 << 20)
        #expect(written == (try foundation(big)))
    }

    /// A snapshot with long arrays: its processes, namespaces and mount tables are written on
    /// every core in parts (ConcurrentArrayWriter) and its top-level object goes out as it is
    /// made (SnapshotJSONWriter). Foundation's bytes all the same, in memory and through a
    /// descriptor (where the parts are flushed as they come).
    @Test func longArraysWrittenOnEveryCoreAreByteForByteFoundations() throws {
        var snapshot = try DiagramTests().demo()
        func repeated<T>(_ items: [T]) -> [T] { Array(repeatElement(items, count: 700 / max(1, items.count) + 1).joined()) }
        snapshot.processes = repeated(snapshot.processes)
        snapshot.namespaces = repeated(snapshot.namespaces)
        snapshot.mountTables = repeated(snapshot.mountTables)
        #expect(snapshot.processes.count > 700 && snapshot.namespaces.count > 700 && snapshot.mountTables.count > 700)
        try expectSameBytes(snapshot)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-json-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        try JSONStreamEncoder().write(snapshot, to: fd)
        try JSONStreamEncoder().write(["namespaces": snapshot.namespaces], to: fd)
        close(fd)
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(written == (try foundation(snapshot)) + [0x0A] + (try foundation(["namespaces": snapshot.namespaces])) + [0x0A])
    }

    /// Mounts are written by MountJSONWriter, not through `Mount.encode(to:)`: every field and
    /// every `<name>Base64` sibling, in and out of arrays, must still be Foundation's bytes.
    @Test func mountsWrittenDirectlyAreByteForByteFoundations() throws {
        let bad = ByteString(Array("/x".utf8) + [0xff, 0x0a, 0xc3])
        let mounts = [
            Mount(id: 1, parentID: 0, major: 8, minor: 1, root: "/", mountPoint: "/", mountOptions: "rw", fsType: "ext4", source: "/dev/sda", superOptions: ["rw"]),
            Mount(id: 22, parentID: 1, major: 0, minor: 123, root: bad, mountPoint: ByteString("/m\u{7f}\u{202e}\"q\"\\ t\t"), mountOptions: "rw,nosuid",
                  shared: 3, master: 1, propagateFrom: 2, unbindable: true, otherOptionalFields: ["foo:1", "bar"], fsType: ByteString([0xfe]),
                  source: bad, superOptions: ["lowerdir=/a,b", bad, "x"]),
            Mount(id: 3, parentID: 1, major: 0, minor: 4, root: "net:[4026531840]", mountPoint: "/run/netns/blue", mountOptions: "rw", master: 9,
                  fsType: "nsfs", source: "", superOptions: []),
        ]
        try expectSameBytes(mounts)
        try expectSameBytes(MountTable(mountNamespace: 7, readFrom: 1, mounts: mounts))
        try expectSameBytes(["table": [mounts[1]]])
        try expectSameBytes([MountTable(mountNamespace: 8, readFrom: 2, mounts: []), MountTable(mountNamespace: 9, readFrom: 3, mounts: [mounts[2]])])
    }

    /// Namespaces and their holders are written by NamespaceJSONWriter: the same bytes.
    @Test func namespacesWrittenDirectlyAreByteForByteFoundations() throws {
        let bad = ByteString(Array("/run/netns/x".utf8) + [0xff, 0x22, 0x0a])
        let namespaces = [
            Namespace(type: .user, inode: 4026531837, id: 3, ownerUID: 0, pids: [1, 2, 300], hidden: false),
            Namespace(type: .net, inode: 4026532290, parent: nil, owner: 4026531837, pids: [], threads: [77],
                      holders: [NamespaceHolder(kind: .bindMount, pid: 10, path: bad, mountNamespace: 4026531841, mountID: 612),
                                NamespaceHolder(kind: .bindMount, pid: 10, path: "/run/netns/blue", mountNamespace: 4026531841, mountID: 613),
                                NamespaceHolder(kind: .openFD, pid: 12, fd: 7), NamespaceHolder(kind: .pidForChildren, pid: 13)],
                      notes: ["relations: not recorded", "a \u{1b}[31m note"]),
            Namespace(type: .pid, inode: 4026532300, id: 99, parent: 4026531836, owner: 1, hidden: true, notes: ["hidden: no process"]),
        ]
        try expectSameBytes(namespaces)
        try expectSameBytes(["namespaces": namespaces])
    }

    /// Processes are written by ProcessJSONWriter: the same bytes.
    @Test func processesWrittenDirectlyAreByteForByteFoundations() throws {
        let processes = [
            ProcessRecord(pid: 1, ppid: 0, command: "systemd", commandLine: ["/sbin/init", "splash"], uids: [0, 0, 0, 0], gids: [0, 0, 0, 0],
                          nsPID: [1], nsTGID: [1], startTime: 12, namespaces: [.user: 1, .pid: 2, .mnt: 3, .net: 4, .ipc: 5, .uts: 6, .cgroup: 7, .time: 8]),
            ProcessRecord(pid: 4242, ppid: 1, command: ByteString(Array("we) ird".utf8) + [0xff]), commandLine: ["a\"b\\c\n", ByteString([0xc3]), ""],
                          uids: [1000, 1000, 1000, 1000], gids: [], nsPID: [4242, 1], nsTGID: [4242, 1], startTime: 987654321,
                          namespaces: [.net: 4026532290], pidForChildren: 4026532300, timeForChildren: 4026532301,
                          threads: [ThreadRecord(tid: 4243, namespaces: [.uts: 60, .net: 61])]),
            ProcessRecord(pid: 2),
        ]
        try expectSameBytes(processes)
        try expectSameBytes(["processes": processes])
    }
}

import CutawayModel
import Foundation
@testable import CutawayReaders
import Testing

@Suite struct ProcParserTests {
    @Test func idMapLinesAsTheKernelPadsThem() {
        let text = "         0     100000      65536\n     65536          0          1\n"
        let (ranges, diagnostics) = IDMapParser.parse(Array(text.utf8), file: "uid_map")
        #expect(diagnostics.isEmpty)
        #expect(ranges == [IDMapRange(inside: 0, outside: 100000, count: 65536), IDMapRange(inside: 65536, outside: 0, count: 1)])
        #expect(ranges[0].toOutside(0) == 100000 && ranges[0].toOutside(65535) == 165535 && ranges[0].toOutside(65536) == nil)
        #expect(ranges[0].toInside(100001) == 1)
    }

    @Test func identityMapOfTheInitialNamespace() {
        let (ranges, _) = IDMapParser.parse(Array("         0          0 4294967295\n".utf8), file: "uid_map")
        #expect(ranges.count == 1 && ranges[0].isFullIdentity && ranges[0].lastInside == 4294967294)
    }

    @Test func badIDMapLines() {
        let (ranges, diagnostics) = IDMapParser.parse(Array("0 1\n0 x 1\n0 0 0\n1 2 3\n".utf8), file: "m")
        #expect(ranges == [IDMapRange(inside: 1, outside: 2, count: 3)])
        #expect(diagnostics.map(\.description) == [
            "m line 1: 2 fields, expected 3 (inside outside count)",
            "m line 2: not an unsigned 32-bit number: \"x\"",
            "m line 3: count is 0",
        ])
    }

    @Test func badStatusLinesGetLineDiagnosticsAndGoodFieldsAreKept() {
        let text = "Name:\tsleep\nPid:\t12x\nPPid:\t1\nUid:\t0\t0\t0\nGid:\t5\t5\t5\t5\nno colon here\nNSpid:\t40\t-\n\nVmRSS:\tgarbage is fine: unknown key\n"
        let (status, diagnostics) = ProcStatusParser.parse(Array(text.utf8), file: "/proc/40/status")
        #expect(status.ppid == 1 && status.gids == [5, 5, 5, 5] && status.pid == nil && status.uids.isEmpty && status.nsPID.isEmpty)
        #expect(diagnostics.map(\.description) == [
            "/proc/40/status line 2: Pid is not a number: \"12x\"",
            "/proc/40/status line 4: Uid has 3 values, expected 4",
            "/proc/40/status line 6: not 'Key: value': \"no colon here\"",
            "/proc/40/status line 7: NSpid is not a number: \"-\"",
        ])
        // A scan reports them, like mountinfo's.
        let source = ScriptedProcSource()
        source.directories[""] = ["40"]
        source.files["40/status"] = Array(text.utf8)
        let snapshot = SnapshotScanner(source: source).scan()
        #expect(snapshot.diagnostics.contains { $0.description == "/scripted/40/status line 4: Uid has 3 values, expected 4" })
    }

    @Test func statusFields() {
        let text = "Name:\tsleep\nTgid:\t3687\nPid:\t3687\nPPid:\t3600\nUid:\t0\t1\t2\t3\nGid:\t4\t5\t6\t7\nNStgid:\t3687\t3\t1\nNSpid:\t3687\t3\t1\nFuture:\tx\n"
        let s = ProcStatusParser.parse(Array(text.utf8))
        #expect(s.tgid == 3687 && s.pid == 3687 && s.ppid == 3600)
        #expect(s.uids == [0, 1, 2, 3] && s.gids == [4, 5, 6, 7])
        #expect(s.nsPID == [3687, 3, 1] && s.nsTGID == [3687, 3, 1])
    }

    @Test func statStartTimeAfterACommandWithParenthesesAndSpaces() {
        let text = "42 (we) ird (x) S 1 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 100 18446744073709551615"
        #expect(ProcStatParser.startTime(Array(text.utf8)) == 987654)
        #expect(ProcStatParser.startTime(Array("42 (x) S 1".utf8)) == nil)
    }

    @Test func statCommandIsCommWithParenthesesAndSpacesKept() throws {
        #expect(ProcStatParser.command(Array("42 (we) ird (x) S 1 42".utf8)) == Array("we) ird (x".utf8))
        #expect(ProcStatParser.command(Array("7 () S 1".utf8)) == [])
        #expect(ProcStatParser.command(Array("7 x S 1".utf8)) == nil)
        // On the live kernel: the same bytes as /proc/self/comm without its newline.
        let stat = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "/proc/self/stat")))
        var comm = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "/proc/self/comm")))
        if comm.last == 0x0A { comm.removeLast() }
        #expect(ProcStatParser.command(stat) == comm)
    }

    @Test func namespaceLinks() {
        #expect(NamespaceLinkParser.parse(Array("net:[4026531833]".utf8))! == (.net, 4026531833))
        #expect(NamespaceLinkParser.parse(Array("pid:[1]".utf8))! == (.pid, 1))
        #expect(NamespaceLinkParser.parse(Array("socket:[123]".utf8)) == nil)
        #expect(NamespaceLinkParser.parse(Array("/dev/null".utf8)) == nil)
        #expect(NamespaceLinkParser.parse(Array("net:[]".utf8)) == nil)
        #expect(NamespaceLinkParser.parse(Array("net:[12".utf8)) == nil)
    }
}

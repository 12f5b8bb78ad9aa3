import CutawayModel
import CutawayRender
@testable import CutawayReaders
import Testing

/// A scripted ProcSource: what the kernel answers when processes exit mid-scan, are zombies,
/// or are not ours to read.
final class ScriptedProcSource: ProcSource {
    var files: [String: [UInt8]] = [:]
    var links: [String: String] = [:]
    var directories: [String: [String]] = [:]
    var errors: [String: ProcReadError] = [:]
    var rootDescription: String { "/scripted" }

    func listDirectory(_ path: String) throws(ProcReadError) -> [String] {
        if let e = errors[path] { throw e }
        guard let d = directories[path] else { throw .gone }
        return d
    }
    func readFile(_ path: String) throws(ProcReadError) -> [UInt8] {
        if let e = errors[path] { throw e }
        guard let f = files[path] else { throw .gone }
        return f
    }
    func readLink(_ path: String) throws(ProcReadError) -> [UInt8] {
        if let e = errors[path] { throw e }
        guard let l = links[path] else { throw .gone }
        return Array(l.utf8)
    }
    func inspectNamespace(at path: String, type: NamespaceType, inode: UInt64) -> NamespaceInspection {
        NamespaceInspection(subject: NamespaceFacts(type: type, inode: inode, owner: type == .user ? nil : 1))
    }
    func readerInfo() -> ReaderInfo {
        ReaderInfo(pid: 10, uid: 1000, hostname: "h", kernelRelease: "6.18", takenAt: "t", namespaceHierarchy: true, namespaceIDs: false)
    }

    func addProcess(_ pid: Int, ns: [NamespaceType: UInt64], mountinfo: String? = nil) {
        files["\(pid)/status"] = Array("Pid:\t\(pid)\nPPid:\t1\nUid:\t0\t0\t0\t0\nNSpid:\t\(pid)\n".utf8)
        for (t, i) in ns { links["\(pid)/ns/\(t.rawValue)"] = "\(t.rawValue):[\(i)]" }
        if let mountinfo { files["\(pid)/mountinfo"] = Array(mountinfo.utf8) }
        files["\(pid)/uid_map"] = Array("         0          0 4294967295\n".utf8)
        files["\(pid)/gid_map"] = Array("         0          0 4294967295\n".utf8)
        directories["\(pid)/fd"] = []
        directories["\(pid)/task"] = ["\(pid)"]
    }
}

@Suite struct ScannerRaceTests {
    let host: [NamespaceType: UInt64] = [.user: 1, .pid: 2, .mnt: 3, .net: 4, .ipc: 5, .uts: 6, .cgroup: 7, .time: 8]

    @Test func processesThatExitMidScanAreSkippedAndCounted() {
        let src = ScriptedProcSource()
        src.directories[""] = ["10", "20", "30", "self", "cpuinfo"]
        src.addProcess(10, ns: host, mountinfo: "1 0 8:1 / / rw - ext4 /dev/sda rw\n")
        // 20 was listed and is gone before its status is read; 30 exits between status and links.
        src.addProcess(30, ns: [:])
        let s = SnapshotScanner(source: src).scan()
        #expect(s.processes.map(\.pid) == [10])
        #expect(s.visibility.processesListed == 3)
        #expect(s.visibility.processesGone == 2)
        #expect(s.visibility.complete)
        #expect(s.namespaces.count == 8 && s.mountTables.count == 1)
    }

    @Test func zombieLinksAndUnreadableMountinfoFallBackToAnotherMember() {
        let src = ScriptedProcSource()
        src.directories[""] = ["10", "11"]
        var zombie = host
        zombie[.mnt] = nil; zombie[.net] = nil
        src.addProcess(10, ns: host)
        src.errors["10/mountinfo"] = .invalid // first member a zombie
        src.addProcess(11, ns: host, mountinfo: "1 0 8:1 / / rw - ext4 /dev/sda rw\n")
        src.addProcess(12, ns: zombie)
        src.directories[""] = ["10", "11", "12"]
        let s = SnapshotScanner(source: src).scan()
        #expect(s.visibility.zombieLinks == 1)
        #expect(s.mountTables.first?.readFrom == 11)
        #expect(s.processes.first { $0.pid == 12 }?.namespaces[.mnt] == nil)
    }

    @Test func deniedProcessesAreCountedNotGuessed() {
        let src = ScriptedProcSource()
        src.directories[""] = ["10", "50"]
        src.addProcess(10, ns: host, mountinfo: "1 0 8:1 / / rw - ext4 /dev/sda rw\n")
        src.addProcess(50, ns: [:])
        for t in NamespaceType.allCases { src.errors["50/ns/\(t.rawValue)"] = .permissionDenied }
        src.errors["50/fd"] = .permissionDenied
        let s = SnapshotScanner(source: src).scan()
        #expect(s.visibility.processesDenied == 1 && s.visibility.deniedPIDs == [50])
        #expect(!s.visibility.complete && !s.visibility.readerIsRoot)
        #expect(VisibilityHints.sentences(s.visibility).first?.contains("run cutaway as root") == true)
        #expect(s.processes.first { $0.pid == 50 }?.namespaces.isEmpty == true)
        #expect(s.namespaces.allSatisfy { !$0.pids.contains(50) })
    }

    @Test func malformedMountinfoLinesBecomeDiagnosticsWithFileAndLine() {
        let src = ScriptedProcSource()
        src.directories[""] = ["10"]
        src.addProcess(10, ns: host, mountinfo: "1 0 8:1 / / rw - ext4 /dev/sda rw\ngarbage\n2 1 0:5 / /proc rw - proc proc rw\n")
        let s = SnapshotScanner(source: src).scan()
        #expect(s.mountTables.first?.mounts.map(\.id) == [1, 2])
        #expect(s.diagnostics.map(\.description) == ["/scripted/10/mountinfo line 2: truncated: 1 field, expected at least 6 before the optional fields"])
    }
}

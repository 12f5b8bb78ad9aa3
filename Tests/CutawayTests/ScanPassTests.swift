import CutawayModel
import Foundation
@testable import CutawayReaders
import Testing

/// Each pass of the scanner alone, on a scripted source: what it reads, what it records, and
/// that it records in pid/inode order whatever order the source lists things in.
@Suite struct ScanPassTests {
    let host: [NamespaceType: UInt64] = [.user: 1, .pid: 2, .mnt: 3, .net: 4, .ipc: 5, .uts: 6, .cgroup: 7, .time: 8]
    let reader = ReaderInfo(pid: 10, uid: 0, hostname: "h", kernelRelease: "6.18", takenAt: "t", namespaceHierarchy: true, namespaceIDs: false)

    func source() -> ScriptedProcSource {
        let src = ScriptedProcSource()
        src.directories[""] = ["30", "10", "20", "self"]
        src.addProcess(10, ns: host, mountinfo: "1 0 8:1 / / rw - ext4 /dev/sda rw\n")
        var other = host
        other[.net] = 40; other[.mnt] = 30
        src.addProcess(20, ns: other, mountinfo: "1 0 8:1 / / rw - ext4 /dev/sda rw\n7 1 0:4 net:[44] /run/netns/blue rw shared:1 - nsfs nsfs rw\nbroken\n")
        src.addProcess(30, ns: host)
        src.links["30/ns/pid_for_children"] = "pid:[50]"
        return src
    }

    @Test func processPassRecordsMembersAndForChildrenInPidOrder() {
        var state = ScanState(reader: reader)
        ProcessPass().run(&state, source: source())
        #expect(state.pids == [10, 20, 30])
        #expect(state.processes.map(\.pid) == [10, 20, 30])
        #expect(state.ledger[.init(.net, 40)]?.pids == [20])
        #expect(state.ledger[.init(.net, 4)]?.pids == [10, 30])
        #expect(state.ledger[.init(.pid, 50)]?.holders == [NamespaceHolder(kind: .pidForChildren, pid: 30)])
        #expect(state.ledger.order.first == .init(.cgroup, 7), "first seen: pid 10's links in type order")
    }

    @Test func processPassWithoutDetailsReadsOnlyTheLinks() {
        let src = source()
        src.errors["20/status"] = .permissionDenied
        var state = ScanState(reader: reader)
        ProcessPass(details: false, commandLines: false).run(&state, source: src)
        #expect(state.processes.map(\.pid) == [10, 20, 30], "status is not read, so its refusal does not drop pid 20")
        #expect(state.processes.allSatisfy { $0.command.isEmpty && $0.ppid == 0 })
    }

    @Test func threadPassRecordsOnlyThreadsInOtherNamespaces() {
        let src = source()
        src.directories["10/task"] = ["12", "10", "11"]
        for t in NamespaceType.allCases { src.links["10/task/11/ns/\(t.rawValue)"] = "\(t.rawValue):[\(host[t]!)]" }
        for t in NamespaceType.allCases { src.links["10/task/12/ns/\(t.rawValue)"] = "\(t.rawValue):[\(t == .uts ? 60 : host[t]!)]" }
        var state = ScanState(reader: reader)
        ProcessPass().run(&state, source: src)
        ThreadPass().run(&state, source: src)
        #expect(state.processes[0].threads == [ThreadRecord(tid: 12, namespaces: [.uts: 60])])
        #expect(state.ledger[.init(.uts, 60)]?.threads == [12])
    }

    /// Files read relative to a process directory come back whole, whatever their size around
    /// the first 4 KiB read, and never beyond the limit.
    @Test func descriptorReadsReturnWholeFilesUpToTheLimit() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-test-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: dir) }
        let reader = try #require(DescriptorDirectory(path: dir.path))
        for size in [0, 1, 4095, 4096, 4097, 8192, 20_000] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            try Data(bytes).write(to: dir.appendingPathComponent("f\(size)"))
            #expect(try reader.readFile("f\(size)", limit: 1 << 20) == bytes, "size \(size)")
            #expect(try reader.readFile("f\(size)", limit: 4096) == Array(bytes.prefix(4096)), "size \(size), limit 4096")
            #expect(try reader.readFile("f\(size)", limit: 5000) == Array(bytes.prefix(5000)), "size \(size), limit 5000")
        }
        #expect(throws: ProcReadError.self) { try reader.readFile("missing", limit: 4096) }
    }

    /// The snapshot's takenAt: RFC 3339 in UTC, as ISO8601DateFormatter writes it by default.
    @Test func takenAtIsRFC3339InUTC() {
        #expect(LiveHost.timestamp(0) == "1970-01-01T00:00:00Z")
        #expect(LiveHost.timestamp(1_700_000_000) == "2023-11-14T22:13:20Z")
        #expect(LiveHost.timestamp(1_796_045_007) == ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: 1_796_045_007)))
    }

    @Test func fileDescriptorPassRecordsNamespaceFDsAndCountsRefusals() {
        let src = source()
        src.directories["30/fd"] = ["0", "7", "9"]
        src.links["30/fd/0"] = "/dev/null"
        src.links["30/fd/7"] = "net:[70]"
        src.links["30/fd/9"] = "socket:[123]"
        src.errors["20/fd"] = .permissionDenied
        // The reader (pid 10) itself: the namespace files it opens to ask about relations.
        src.directories["10/fd"] = ["5"]
        src.links["10/fd/5"] = "net:[71]"
        var state = ScanState(reader: reader)
        ProcessPass().run(&state, source: src)
        FileDescriptorPass().run(&state, source: src)
        #expect(state.ledger[.init(.net, 70)]?.holders == [NamespaceHolder(kind: .openFD, pid: 30, fd: 7)])
        #expect(state.ledger[.init(.net, 70)]?.pids == [])
        #expect(state.ledger[.init(.net, 71)] == nil)
        #expect(state.visibility.fdDirectoriesDenied == 1)
    }

    @Test func mountTablePassAndBindMountHoldersFindNsfsMounts() {
        for scope in [MountTablePass.Scope.all, .namespaceFilesOnly] {
            var state = ScanState(reader: reader)
            let src = source()
            ProcessPass().run(&state, source: src)
            MountTablePass(scope: scope).run(&state, source: src)
            #expect(state.mountTables.map(\.mountNamespace) == [3, 30], "one table per mount namespace, by inode")
            #expect(state.mountTables.map(\.readFrom) == [10, 20], "read from the lowest member")
            #expect(state.mountTables[1].mounts.map(\.id) == (scope == .all ? [1, 7] : [7]))
            #expect(state.diagnostics.map(\.description) == (scope == .all ? ["/scripted/20/mountinfo line 3: truncated: 1 field, expected at least 6 before the optional fields"] : []))
            BindMountHolderPass().run(&state, source: src)
            #expect(state.ledger[.init(.net, 44)]?.holders == [NamespaceHolder(kind: .bindMount, pid: 20, path: "/run/netns/blue", mountNamespace: 30, mountID: 7)])
        }
    }

    @Test func relationAndIDMapPassesFinishTheNamespaces() {
        var state = ScanState(reader: reader)
        let src = source()
        for pass: any ScanPass in [ProcessPass(), NamespaceRelationPass(), IDMapPass()] { pass.run(&state, source: src) }
        #expect(state.namespaces.count == state.ledger.order.count)
        #expect(state.namespaces.map { [$0.type.rawValue, "\($0.inode)"] } == state.namespaces.sorted { ($0.type, $0.inode) < ($1.type, $1.inode) }.map { [$0.type.rawValue, "\($0.inode)"] })
        #expect(state.namespaces.first { $0.type == .net && $0.inode == 4 }?.owner == 1)
        #expect(state.idMaps.map(\.userNamespace) == [1] && state.idMaps.first?.readFrom == 10)
        #expect(state.visibility.relationsUnavailable == 0)
    }

    @Test func theScannerRunsThePassesInOrder() {
        let names = SnapshotScanner(source: source()).passes.map { "\(type(of: $0))" }
        #expect(names == ["ProcessPass", "ThreadPass", "FileDescriptorPass", "MountTablePass", "BindMountHolderPass", "NamespaceRelationPass", "IDMapPass"])
        var options = SnapshotScanner.Options()
        options.threads = false
        options.fileDescriptors = false
        #expect(SnapshotScanner(source: source(), options: options).passes.count == 5)
        let s = SnapshotScanner(source: source(), options: .namespacesOnly).scan()
        #expect(s.mountTables.isEmpty && s.namespaces.contains { $0.type == .net && $0.inode == 44 && $0.holders.first?.kind == .bindMount })
    }

    @Test func theSharedWalkRecordsWhatThePassesRecordAlone() {
        let src = source()
        src.directories["10/task"] = ["12", "10"]
        for t in NamespaceType.allCases { src.links["10/task/12/ns/\(t.rawValue)"] = "\(t.rawValue):[\(t == .uts ? 60 : host[t]!)]" }
        src.directories["20/fd"] = ["3", "4"]
        src.links["20/fd/3"] = "net:[70]"
        src.links["20/fd/4"] = "pid:[50]"
        src.errors["30/fd"] = .permissionDenied
        var alone = ScanState(reader: reader)
        for pass: any ScanPass in [ProcessPass(), ThreadPass(), FileDescriptorPass()] { pass.run(&alone, source: src) }
        var shared = ScanState(reader: reader)
        ProcessPass().run(&shared, source: src, along: [ThreadPass(), FileDescriptorPass()])
        #expect(shared.processes == alone.processes)
        #expect(shared.ledger.order == alone.ledger.order)
        #expect(shared.ledger.order.map { shared.ledger[$0]!.holders } == alone.ledger.order.map { alone.ledger[$0]!.holders })
        #expect(shared.ledger[.init(.pid, 50)]?.holders.map(\.kind) == [.pidForChildren, .openFD], "process facts first, then fds, as when run alone")
        #expect(shared.visibility == alone.visibility)
    }
}

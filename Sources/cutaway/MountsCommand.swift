import ArgumentParser
import CutawayModel
import CutawayReaders
import CutawayRender
import CutawaySystem
import Foundation
import SystemPackage

struct MountsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mounts",
        abstract: "Show the mount tree of one mount namespace, with propagation peer groups.",
        usage: "cutaway mounts [--pid <PID> | --mountinfo <FILE>] [--json] [<options>]",
        discussion: """
        Like findmnt, plus: propagation with the peer-group numbers (shared:3, master:1, \
        propagate_from:2, unbindable), FSROOT for bind mounts (which host path was bound), \
        and below the tree every peer group with its members in every mount namespace. \
        Without --pid, --ns or --mountinfo: cutaway's own mount namespace.

        Examples:
          cutaway mounts --pid 1234
          cutaway mounts --ns 4026532290
          cutaway mounts --mountinfo saved-mountinfo.txt --json
          cutaway mounts --pid 1234 --format svg        draw it with its peer groups
          cutaway mounts --compare 1 1234 --format png  two namespaces side by side
        """
    )

    @Option(help: ArgumentHelp("A process whose mount namespace to show.", valueName: "PID"))
    var pid: Int32?

    @Option(name: .customLong("ns"), help: ArgumentHelp("A mount namespace, by inode (see `cutaway namespaces --type mnt`).", valueName: "INODE"))
    var namespaceInode: UInt64?

    @Option(help: ArgumentHelp("Parse a saved mountinfo file instead of a live namespace.", valueName: "FILE"))
    var mountinfo: String?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Two processes: their mount namespaces side by side (what both have, what only one has).", valueName: "PID1 PID2"))
    var compare: [Int32] = []

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var source: SourceOptions

    @OptionGroup var diagram: DiagramOptions

    func validate() throws {
        if [pid != nil, namespaceInode != nil, mountinfo != nil, !compare.isEmpty].filter({ $0 }).count > 1 {
            throw ValidationError("give one of --pid, --ns, --mountinfo and --compare")
        }
        if !compare.isEmpty && compare.count != 2 { throw ValidationError("--compare takes two pids, e.g. --compare 1 1234") }
        if mountinfo != nil && (source.captureDirectory != nil || source.snapshotFile != nil) {
            throw ValidationError("--mountinfo reads one file; it does not combine with --proc or --from")
        }
    }

    func run() throws {
        if compare.count == 2 { return try runCompare() }
        let table: MountTable
        let allTables: [MountTable]
        let title: String
        let namer: (UInt64) -> String
        if let file = mountinfo {
            let data: [UInt8]
            do { data = try FileDescriptor.readRegularFile(at: FilePath(file), limit: DirectoryProcSource.readLimit) } catch {
                throw CutawayFailure("cannot read \(file): \(error)")
            }
            let parsed = MountInfoParser.parse(data, file: file)
            for d in parsed.diagnostics { FileHandleOutput.standardError("\(d)\n") }
            table = MountTable(mountNamespace: 0, readFrom: 0, mounts: parsed.mounts)
            allTables = [table]
            title = file
            namer = { "mnt:\($0)" }
        } else {
            let snapshot = try source.load()
            let index = SnapshotIndex(snapshot)
            let inode: UInt64
            if let pid {
                guard let p = index.process(pid) else {
                    throw CutawayFailure("no process \(pid) in the snapshot (it may have exited, or its namespaces could not be read; `cutaway namespaces` lists what is visible)")
                }
                guard let mnt = p.namespaces[.mnt] else {
                    throw CutawayFailure("the mount namespace of pid \(pid) could not be read (a zombie, or permission denied; run as root)")
                }
                inode = mnt
            } else if let n = namespaceInode {
                guard index.namespace(.mnt, n) != nil else {
                    throw CutawayFailure("no mount namespace \(n); `cutaway namespaces --type mnt` lists them")
                }
                inode = n
            } else {
                guard let own = snapshot.reader.namespaces[.mnt] else { throw CutawayFailure("cannot read cutaway's own mount namespace; give --pid or --ns") }
                inode = own
            }
            guard let t = index.mountTable(inode) else {
                throw CutawayFailure("the mount table of mnt:\(inode) could not be read: no member process let cutaway read its mountinfo (it is held only by an fd or bind mount, or its processes exited)")
            }
            table = t
            allTables = snapshot.mountTables
            title = "Mount namespace \(NamespaceDescriber(index: index).mountNamespace(inode)), read from pid \(t.readFrom)"
            namer = NamespaceDescriber(index: index).mountNamespace
        }
        if diagram.wantsDiagram {
            let dot = MountDiagram().dot(table: table, allTables: allTables, title: title, namer: namer)
            for path in try diagram.write(dot, name: table.mountNamespace == 0 ? "mounts" : "mounts-\(table.mountNamespace)") { print("wrote \(path)") }
        } else if json {
            try JSONOutput.print(MountsJSON(table: table, peerGroups: PeerGroup.groups(touching: table.mounts, in: allTables)))
        } else {
            FileHandleOutput.standardOutput(MountReport.render(table: table, allTables: allTables, title: title, namer: namer))
        }
    }
}

extension MountsCommand {
    func runCompare() throws {
        let snapshot = try source.load()
        let index = SnapshotIndex(snapshot)
        var tables: [MountTable] = []
        for p in compare {
            guard let proc = index.process(p), let mnt = proc.namespaces[.mnt] else {
                throw CutawayFailure("no readable mount namespace for pid \(p) (exited, or permission denied; run as root)")
            }
            guard let t = index.mountTable(mnt) else { throw CutawayFailure("the mount table of pid \(p) (mnt:\(mnt)) could not be read") }
            tables.append(t)
        }
        let names = compare.map { "pid \($0)" }
        if tables[0].mountNamespace == tables[1].mountNamespace {
            print("pids \(compare[0]) and \(compare[1]) are in the same mount namespace mnt:\(tables[0].mountNamespace): one mount table, nothing to compare.")
            return
        }
        let comparison = MountComparison(tables[0], tables[1])
        if diagram.wantsDiagram {
            let dot = MountCompareDiagram.dot(comparison, nameA: "\(names[0]) (mnt:\(tables[0].mountNamespace))", nameB: "\(names[1]) (mnt:\(tables[1].mountNamespace))")
            for path in try diagram.write(dot, name: "mounts-compare-\(compare[0])-\(compare[1])") { print("wrote \(path)") }
        } else if json {
            try JSONOutput.print(MountCompareJSON(comparison))
        } else {
            FileHandleOutput.standardOutput(MountCompareReport.render(comparison, nameA: names[0], nameB: names[1]))
        }
    }
}

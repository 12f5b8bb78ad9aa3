import ArgumentParser
import CutawayModel

/// `--pid PID | --ns INODE` for the views of what is inside a network or IPC namespace.
struct NamespaceSelection: ParsableArguments {
    @Option(help: "A process whose namespace to show.")
    var pid: Int32?

    @Option(name: .customLong("ns"), help: ArgumentHelp("A namespace, by inode (see `cutaway namespaces`).", valueName: "INODE"))
    var namespaceInode: UInt64?

    func validate() throws {
        if pid != nil && namespaceInode != nil { throw ValidationError("give --pid or --ns, not both") }
    }

    /// The inode asked for (nil: every namespace of the type), checked against the snapshot.
    func inode(_ type: NamespaceType, in snapshot: Snapshot) throws -> UInt64? {
        let index = SnapshotIndex(snapshot)
        if let pid {
            guard let p = index.process(pid) else {
                throw CutawayFailure("no process \(pid) in the snapshot (it may have exited; `cutaway namespaces` lists what is visible)")
            }
            guard let inode = p.namespaces[type] else {
                throw CutawayFailure("the \(type.rawValue) namespace of pid \(pid) could not be read (permission denied; run as root)")
            }
            return inode
        }
        if let namespaceInode {
            guard index.namespace(type, namespaceInode) != nil else {
                throw CutawayFailure("no \(type.rawValue) namespace \(namespaceInode) in the snapshot; `cutaway namespaces --type \(type.rawValue)` lists them")
            }
            return namespaceInode
        }
        return nil
    }
}

import ArgumentParser
import CutawayModel
import CutawayRender

/// `--pid PID | --ns INODE` for the views of what is inside a network or IPC namespace.
struct NamespaceSelection: ParsableArguments {
    @Option(help: ArgumentHelp("A process whose namespace to show.", valueName: "PID"))
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

/// The options of `net` and `ipc`.
struct NamespaceContentsOptions: ParsableArguments {
    @OptionGroup var selection: NamespaceSelection

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var source: SourceOptions

    @OptionGroup var diagram: DiagramOptions

    @Option(help: ArgumentHelp("In a diagram, what cutaway's own namespace is called (a lesson draws with --reader \"lesson sandbox\").", valueName: "NAME"))
    var reader = "host"
}

/// What `net` and `ipc` share: pick the namespaces, then draw, print JSON or print text.
struct NamespaceContentsView<Item: Encodable> {
    var type: NamespaceType
    /// The JSON key (`networks`, `ipc`) and the diagram's file name (`network`, `ipc`).
    var key: String
    var diagramName: String
    var items: (Snapshot) -> [Item]
    var namespace: (Item) -> UInt64
    var unread: (Visibility) -> [UnreadNamespace]
    /// The snapshot, the namespace asked for (nil: all) and the reader's name.
    var dot: (Snapshot, UInt64?, String) -> String
    var text: ([Item], [UnreadNamespace], Snapshot) -> String

    func run(_ options: NamespaceContentsOptions) throws {
        let (selection, diagram, json) = (options.selection, options.diagram, options.json)
        let snapshot = try options.source.load()
        let inode = try selection.inode(type, in: snapshot)
        let selected = items(snapshot).filter { inode == nil || namespace($0) == inode }
        let notRead = unread(snapshot.visibility).filter { inode == nil || $0.namespace == inode }
        if diagram.wantsDiagram {
            for path in try diagram.write(dot(snapshot, inode, options.reader), name: inode.map { "\(diagramName)-\($0)" } ?? diagramName) { print("wrote \(path)") }
        } else if json {
            try JSONOutput.print(Wrapped(key: key, value: selected, extra: ["visibility": AnyEncodable(snapshot.visibility)]))
        } else {
            FileHandleOutput.standardOutput(text(selected, notRead, snapshot))
        }
    }
}

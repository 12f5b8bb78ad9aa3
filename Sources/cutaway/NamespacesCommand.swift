import ArgumentParser
import CutawayModel
import CutawayRender
import CutawayGraphviz

struct NamespacesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "namespaces",
        abstract: "List every namespace on the host, all 8 types, as a tree.",
        discussion: """
        Each line: the namespace (type:inode), its number of processes, its leader (oldest member
        process) and what makes it special: PID 1's host pid, a user namespace's id map, or what
        holds a namespace that no process is in (a bind mount such as /run/netns/NAME, an open fd).

        Examples:
          cutaway namespaces                       tree by owning user namespace (like lsns -T)
          cutaway ns --tree parent --type pid,user the pid and user hierarchies
          cutaway ns --json                        {"namespaces": [...]}
          cutaway ns --format svg,png              draw it: output/namespaces.svg, .png
        """,
        aliases: ["ns"]
    )

    @Option(help: "Tree by `owner` (owning user namespace) or `parent` (pid and user hierarchies).")
    var tree: NamespaceTree.Relation = .owner

    @Option(help: ArgumentHelp("Only these types, comma-separated: cgroup,ipc,mnt,net,pid,time,user,uts.", valueName: "TYPES"))
    var type: NamespaceTypeList?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var source: SourceOptions

    @OptionGroup var diagram: DiagramOptions

    func run() throws {
        // The JSON holds namespaces only: no mount trees, command lines or engines to read.
        let snapshot = json && !diagram.wantsDiagram ? try source.load(scan: .namespacesOnly, engines: false) : try source.load()
        let types = type?.types ?? Set(NamespaceType.allCases)
        if diagram.wantsDiagram {
            for path in try diagram.write(NamespaceDiagram().dot(snapshot), name: "namespaces") { print("wrote \(path)") }
        } else if json {
            let selected = snapshot.namespaces.filter { types.contains($0.type) }
            try JSONOutput.print(Wrapped(key: "namespaces", value: selected, extra: ["visibility": AnyEncodable(snapshot.visibility)]))
        } else {
            FileHandleOutput.standardOutput(NamespaceReport.render(snapshot, relation: tree, types: types))
        }
    }
}

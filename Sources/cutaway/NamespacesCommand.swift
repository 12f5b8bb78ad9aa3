import ArgumentParser
import CutawayModel
import CutawayRender
import CutawayGraphviz

struct NamespacesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "namespaces",
        abstract: "List every namespace on the host, all 8 types, as a tree.",
        usage: "cutaway namespaces [--tree <RELATION>] [--json] [<options>]",
        discussion: """
        Each line: the namespace (type:inode), its number of processes, its leader (oldest member \
        process) and what makes it special: PID 1's host pid, a user namespace's id map, or what \
        holds a namespace that no process is in (a bind mount such as /run/netns/NAME, an open fd). \
        Alike namespace sets (containers made the same way) fold into one line or box that says \
        how many it stands for; --unfold shows every namespace. JSON never folds. \
        --pid or --container focuses on one process: its namespaces, their ancestors and
        owners, and what shares them with it.

        Examples:
          cutaway namespaces                  tree by owning user namespace (lsns -T)
          cutaway ns --tree parent --type pid,user   the pid and user hierarchies
          cutaway ns --json                   {"namespaces": [...]}
          cutaway ns --format svg,png         draw it: output/namespaces.svg, .png
          cutaway ns --pid 1234 --format svg  one process's namespaces, drawn
          cutaway ns --container web --json   one container's namespaces as JSON
        """,
        aliases: ["ns"]
    )

    @Option(help: ArgumentHelp("Tree by `owner` (owning user namespace) or `parent` (pid and user hierarchies).", valueName: "RELATION"))
    var tree: NamespaceTree.Relation = .owner

    @Option(help: ArgumentHelp("Only these types, comma-separated: cgroup,ipc,mnt,net,pid,time,user,uts.", valueName: "TYPES"))
    var type: NamespaceTypeList?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var source: SourceOptions

    @OptionGroup var diagram: DiagramOptions

    @OptionGroup var scope: FocusOptions

    func run() throws {
        // The JSON holds namespaces only: no mount trees, command lines or engines to read
        // (unless a focus on a process or container needs them).
        let light = json && !diagram.wantsDiagram && scope.pid == nil && scope.container == nil
        let snapshot = light ? try source.load(scan: .namespacesOnly, engines: false) : try source.load()
        let types = type?.types ?? Set(NamespaceType.allCases)
        let focus = try scope.focus(snapshot)
        if diagram.wantsDiagram {
            if let focus {
                let dot = NamespaceDiagram.unfolded.dot(focus.snapshot, title: focus.summary, highlighted: focus.own)
                let name = "namespaces-" + (scope.container.map { "container-" + SnapshotDiagrams.fileName($0) } ?? "pid-\(focus.pid)")
                for path in try diagram.write(dot, name: name) { print("wrote \(path)") }
            } else {
                let drawing = scope.unfold ? NamespaceDiagram.unfolded : NamespaceDiagram()
                for path in try diagram.write(drawing.dot(snapshot), name: "namespaces") { print("wrote \(path)") }
            }
        } else if json {
            let shown = focus?.snapshot ?? snapshot
            let selected = types.count == NamespaceType.allCases.count ? shown.namespaces : shown.namespaces.filter { types.contains($0.type) }
            UntilExit.keep((snapshot, shown, selected))
            var extra = ["visibility": AnyEncodable(snapshot.visibility)]
            if let focus { extra["focus"] = AnyEncodable(FocusJSON(focus)) }
            try JSONOutput.print(Wrapped(key: "namespaces", value: selected, extra: extra))
        } else if let focus {
            FileHandleOutput.standardOutput(NamespaceReport.render(focus.snapshot, relation: tree, types: types, fold: false, header: focus.summary + "."))
        } else {
            FileHandleOutput.standardOutput(NamespaceReport.render(snapshot, relation: tree, types: types, fold: !scope.unfold))
        }
    }
}

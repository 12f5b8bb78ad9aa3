import ArgumentParser
import CutawayModel
import CutawayRender

struct IDMapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idmap",
        abstract: "Explain the uid and gid maps along a process's user-namespace chain.",
        usage: "cutaway idmap --pid <PID> [--json] [<options>]",
        discussion: """
        From the host's initial user namespace down to the process's own, range by range \
        (inside -> outside as seen from the host), in plain sentences: "uid 0 in here is uid \
        100000 on the host", or, for an identity map, "root in here IS root on the host".

        Example:
          cutaway idmap --pid 1234
          cutaway idmap --pid 1234 --format png     draw it: output/idmap-1234.png
        """
    )

    @Option(help: ArgumentHelp("The process whose user namespaces to explain.", valueName: "PID"))
    var pid: Int32

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var source: SourceOptions

    @OptionGroup var diagram: DiagramOptions

    func run() throws {
        let snapshot = try source.load()
        let index = SnapshotIndex(snapshot)
        guard let p = index.process(pid) else {
            throw CutawayFailure("no process \(pid) in the snapshot (it may have exited; `cutaway namespaces` lists what is visible)")
        }
        guard p.namespaces[.user] != nil else {
            throw CutawayFailure("the user namespace of pid \(pid) could not be read (permission denied; run as root)")
        }
        let chain = IDMapChain(index: index, pid: pid)
        if diagram.wantsDiagram {
            for path in try diagram.write(IDMapDiagram.dot(chain, index: index), name: "idmap-\(pid)") { print("wrote \(path)") }
        } else if json {
            try JSONOutput.print(IDMapJSON(chain: chain))
        } else {
            FileHandleOutput.standardOutput(IDMapReport.render(chain, index: index))
        }
    }
}

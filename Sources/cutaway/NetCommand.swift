import ArgumentParser
import CutawayModel
import CutawayRender

struct NetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "net",
        abstract: "Show what is inside network namespaces: devices, addresses, routes, veth pairs.",
        usage: "cutaway net [--pid <PID> | --ns <INODE>] [--json] [<options>]",
        discussion: """
        For every network namespace (or one: --pid, --ns): its devices (name, \
        index, kind, up/down, MTU, MAC, addresses as CIDR, the bridge a device is \
        a port of), its main IPv4 and IPv6 routes, and for each veth the other \
        end: its name and the namespace it is in. Like `ip -n NAME link/addr/route` \
        for every namespace at once, including those with no name. cutaway asks \
        the kernel from a short-lived thread that enters each namespace (root is \
        needed for namespaces other than cutaway's own). Live only: a capture or \
        a saved snapshot shows what was read when it was made.

        Examples:
          cutaway net                        every network namespace
          cutaway net --pid 1234             the namespace of pid 1234
          cutaway net --json                 {"networks": [...], "visibility": {...}}
          cutaway net --format svg,png       draw it: output/network.svg, .png
        """
    )

    @OptionGroup var options: NamespaceContentsOptions

    func run() throws {
        try NamespaceContentsView(type: .net, key: "networks", diagramName: "network", items: \.networks, namespace: \.namespace,
                                  unread: \.networksUnread, dot: { NetworkDiagram.dot($0, focus: $1, readerName: $2) }, text: NetworkReport.render)
            .run(options)
    }
}

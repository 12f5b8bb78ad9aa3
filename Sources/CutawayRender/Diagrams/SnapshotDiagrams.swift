import CutawayModel
import Foundation

/// Every diagram of a snapshot, and the one self-contained HTML page that shows them with
/// the report: `namespaces`, `network` (devices and veth pairs), `ipc`, `mounts-<ns>` per mount namespace, `overlay-<name>` per
/// overlay mount, `container-<name>` per container and `pod-<ns>-<name>` per pod (alike
/// containers and pods drawn once, ``ContainerFold``).
public enum SnapshotDiagrams {
    /// One diagram of the snapshot, with what the page needs to list and find it.
    public struct Item: Sendable {
        /// File name without extension.
        public var name: String
        /// What the page calls it.
        public var title: String
        /// The DOT text.
        public var dot: String
        /// What it draws: `namespaces`, `group`, `mounts`, `overlay`, `container`, or the
        /// kind another view brings; the page lists whatever kinds there are.
        public var kind: String
        /// What it shows, as the page's search keys: `pid:1234`, `ns:net:4026532290`,
        /// `container:web`, `group:1`.
        public var covers: [String]

        /// An item with these fields.
        public init(name: String, title: String, dot: String, kind: String = "other", covers: [String] = []) {
            self.name = name; self.title = title; self.dot = dot; self.kind = kind; self.covers = covers
        }
    }

    /// Letters, digits, `.`, `_` and `-` only: names from the system never become paths
    /// (``FileNameSanitiser``).
    public static func fileName(_ text: String) -> String { FileNameSanitiser.component(text) }

    static func key(_ ns: Namespace) -> String { "ns:\(ns.type.rawValue):\(ns.inode)" }
    static func key(_ k: SnapshotIndex.NamespaceKey) -> String { "ns:\(k.type.rawValue):\(k.inode)" }

    /// Every diagram of a snapshot. By default alike namespace sets fold (one `group-N`
    /// diagram per group, drawn for one member) and mount tables of one shape share one
    /// diagram; `fold: false` draws one per namespace. With a `focus`, only what the focus
    /// shows: its namespaces, its mount tables, its containers.
    public static func items(_ snapshot: Snapshot, fold: Bool = true, focus: Focus? = nil) -> [Item] {
        let shown = focus?.snapshot ?? snapshot
        let index = SnapshotIndex(shown)
        var items: [Item] = []
        if let focus {
            items.append(Item(name: "namespaces", title: "Namespaces: " + focus.summary,
                              dot: NamespaceDiagram.unfolded.dot(shown, title: focus.summary, highlighted: focus.own),
                              kind: "namespaces", covers: shown.namespaces.map(key) + ["pid:\(focus.pid)"]))
        } else if fold {
            let folding = NamespaceFold(snapshot: shown, index: index)
            items.append(Item(name: "namespaces", title: "Namespaces", dot: NamespaceDiagram().dot(shown), kind: "namespaces",
                              covers: shown.namespaces.filter { !folding.isFolded($0) }.map(key)))
            for group in folding.groups {
                guard let member = group.pids.first, let one = try? Focus(snapshot: shown, pid: member) else { continue }
                let title = "Group \(group.id): \(group.title), drawn for one member (pid \(member)); the others differ only in \(group.varies.joined(separator: ", "))"
                items.append(Item(name: "group-\(group.id)", title: title,
                                  dot: NamespaceDiagram.unfolded.dot(one.snapshot, title: title, highlighted: one.own), kind: "group",
                                  covers: ["group:\(group.id)"] + group.folded.map(key).sorted() + group.pids.map { "pid:\($0)" }))
            }
        } else {
            items.append(Item(name: "namespaces", title: "Namespaces", dot: NamespaceDiagram.unfolded.dot(shown), kind: "namespaces",
                              covers: shown.namespaces.map(key)))
        }
        // What is inside the network and IPC namespaces (live snapshots); with a focus, the
        // focused process's network namespace and those its veths lead to, and its IPC namespace.
        let focused = focus.flatMap { f in shown.processes.first { $0.pid == f.pid } }
        let networkFocus = focused?.namespaces[.net], ipcFocus = focused?.namespaces[.ipc]
        items.append(Item(name: "network", title: "Network namespaces", dot: NetworkDiagram.dot(shown, focus: networkFocus), kind: "network",
                          covers: shown.networks.filter { networkFocus == nil || $0.namespace == networkFocus }.map { "ns:net:\($0.namespace)" }))
        items.append(Item(name: "ipc", title: "IPC namespaces", dot: IPCDiagram.dot(shown, focus: ipcFocus), kind: "ipc",
                          covers: shown.ipc.filter { ipcFocus == nil || $0.namespace == ipcFocus }.map { "ns:ipc:\($0.namespace)" }))
        let hostMnt = shown.reader.namespaces[.mnt]
        func mountItem(_ table: MountTable, sharing others: [MountTable], varies: [String]) -> Item {
            var title = "Mounts of \(NamespaceDescriber(index: index).mountNamespace(table.mountNamespace))"
            if !others.isEmpty {
                title += " and \(others.count) more mount namespace\(others.count == 1 ? "" : "s") of the same shape (they differ only in \(varies.isEmpty ? "their namespace" : varies.joined(separator: ", ")))"
            }
            return Item(name: "mounts-\(table.mountNamespace)", title: title,
                        dot: MountDiagram().dot(table: table, allTables: shown.mountTables, title: title + ", read from pid \(table.readFrom)",
                                                namer: NamespaceDescriber(index: index).mountNamespace,
                                                hostTable: fold && table.mountNamespace != hostMnt ? hostMnt.flatMap(index.mountTable) : nil),
                        kind: "mounts", covers: ([table] + others).map { "ns:mnt:\($0.mountNamespace)" })
        }
        if fold && focus == nil {
            let shapes = MountTableShape(tables: shown.mountTables)
            for group in shapes.groups { items.append(mountItem(group.representative, sharing: Array(group.tables.dropFirst()), varies: group.varies)) }
            for table in shapes.single { items.append(mountItem(table, sharing: [], varies: [])) }
        } else {
            for table in shown.mountTables { items.append(mountItem(table, sharing: [], varies: [])) }
        }
        var used = Set(items.map(\.name))
        func unique(_ base: String) -> String {
            var name = fileName(base), n = 2
            while used.contains(name) { name = fileName(base) + "-\(n)"; n += 1 }
            used.insert(name)
            return name
        }
        // Alike containers and pods (same image and shape) are drawn once on a busy node, like
        // alike namespace sets: the diagram of one copy, titled with how many it stands for.
        let foldMinimum = fold && focus == nil ? NamespaceFold.defaultMinimumGroup : Int.max
        func covers(_ c: Container) -> [String] { ["container:\(c.name)"] + (c.pid.map { ["pid:\($0)"] } ?? []) }
        let containerGroups = ContainerFold.containers(shown.containers, minimumGroup: foldMinimum)
        let foldedAway = Set(containerGroups.flatMap { $0.others.map(\.name) })
        for picture in shown.overlays where !foldedAway.contains(picture.name) {
            let owners = shown.containers.filter { $0.name == picture.name }.map { "container:\($0.name)" }
            items.append(Item(name: unique("overlay-" + picture.name), title: picture.title, dot: OverlayDiagram.dot(picture), kind: "overlay", covers: owners))
        }
        for group in containerGroups {
            let c = group.representative
            let picture = shown.overlays.first { $0.name == c.name }
            var title = ContainerReport.title(c)
            if !group.others.isEmpty { title += " and \(group.others.count) more containers like it (same image and layers; names, ids and upper layers differ)" }
            items.append(Item(name: unique("container-" + c.name), title: title, dot: ContainerDiagram.dot(c, picture: picture, index: index),
                              kind: "container", covers: group.all.flatMap(covers)))
        }
        for group in ContainerFold.pods(Pod.group(snapshot.containers), minimumGroup: foldMinimum) {
            let pod = group.representative
            var title = "pod \(pod.ref.namespace)/\(pod.ref.name)"
            if !group.others.isEmpty { title += " and \(group.others.count) more pods like it (same containers and images)" }
            let podCovers = group.all.flatMap { p in
                ["pod:\(p.ref.namespace)/\(p.ref.name)"] + ((p.sandbox.map { [$0] } ?? []) + p.containers).flatMap(covers)
            }
            items.append(Item(name: unique("pod-\(pod.ref.namespace)-\(pod.ref.name)"), title: title, dot: PodDiagram.dot(pod, index: index),
                              kind: "pod", covers: podCovers))
        }
        return items
    }

    /// The explorer page for these diagrams (``ExplorerPage``); the SVG files sit beside it.
    public static func html(_ snapshot: Snapshot, report: String, items: [Item], focus: Focus? = nil) -> String {
        ExplorerPage.html(snapshot, report: report, items: items, focus: focus)
    }
}

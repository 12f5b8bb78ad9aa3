import CutawayModel

/// A lesson's picture of the pid-namespace tree (pid_namespaces(7)): each pid namespace below
/// the reader's is a box inside its parent's, and each process shows its pid at every level,
/// outermost first, as `/proc/PID/status` lists them (`NSpid`). Only what the tree is about is
/// drawn: every namespace's PID 1, the processes in nested namespaces and their ancestors;
/// the reader's other processes are counted in one node.
public enum LessonPidDiagram {
    /// The pid-namespace tree of `snapshot`, titled `title`.
    public static func dot(_ snapshot: Snapshot, readerName: String, title: String) -> String {
        let pidNamespaces = snapshot.namespaces.filter { $0.type == .pid }
        let byInode = Dictionary(pidNamespaces.map { ($0.inode, $0) }, uniquingKeysWith: { a, _ in a })
        guard let top = snapshot.reader.namespaces[.pid] else { return DOTGraph().render(name: "lesson-pids") }
        func depth(_ inode: UInt64) -> Int? {
            var d = 0, cur = inode
            while cur != top {
                guard let p = byInode[cur]?.parent, d < 64 else { return nil }
                cur = p; d += 1
            }
            return d
        }
        let processes = snapshot.processes.filter { p in p.pid != snapshot.reader.pid && p.namespaces[.pid].flatMap(depth) != nil }
        let byPID = Dictionary(processes.map { ($0.pid, $0) }, uniquingKeysWith: { a, _ in a })
        var keep = Set<Int32>()
        for p in processes where p.namespaces[.pid] != top || p.nsPID.last == 1 {
            var cur: ProcessRecord? = p
            while let c = cur, keep.insert(c.pid).inserted { cur = byPID[c.ppid] }
        }
        let levelNames: [UInt64: String] = Dictionary(uniqueKeysWithValues: pidNamespaces.compactMap { ns in
            depth(ns.inode).map { (ns.inode, $0 == 0 ? readerName : "pid:\(ns.inode)") }
        })
        func chain(_ inode: UInt64) -> [UInt64] {
            var out = [inode], cur = inode
            while cur != top, let p = byInode[cur]?.parent { out.insert(p, at: 0); cur = p }
            return out
        }
        func label(_ p: ProcessRecord) -> String {
            var lines = [DOT.middleTruncated(p.command.description, max: 30)]
            let names = p.namespaces[.pid].map(chain) ?? []
            for (i, pid) in p.nsPID.enumerated() {
                let level = i < names.count ? levelNames[names[i]] ?? "level \(i)" : "level \(i)"
                lines.append("pid \(pid) in \(level)")
            }
            return lines.joined(separator: "\n")
        }

        var g = DOTGraph()
        g.graphAttributes([("rankdir", "TB"), ("fontname", Palette.font), ("fontsize", "11"), ("label", title), ("labelloc", "t")])
        g.nodeDefaults([("shape", "box"), ("style", "rounded,filled"), ("fillcolor", Palette.fill(.pid)), ("fontname", Palette.font), ("fontsize", "10")])
        g.edgeDefaults([("fontname", Palette.font), ("fontsize", "9"), ("color", Palette.parentChild)])
        let children = Dictionary(grouping: pidNamespaces.filter { $0.inode != top && depth($0.inode) != nil }, by: { $0.parent ?? 0 })
        func draw(_ inode: UInt64, in g: inout DOTGraph) {
            let d = depth(inode) ?? 0
            let name = d == 0 ? "\(readerName): pid:\(inode)" : "pid:\(inode), \(d) level\(d == 1 ? "" : "s") down"
            g.subgraph("cluster_pid_\(inode)", [("label", name), ("style", "rounded"), ("color", d == 0 ? Palette.host : Palette.lessonChildPidNamespace), ("penwidth", d == 0 ? "2" : "1.5")]) { c in
                let here = processes.filter { $0.namespaces[.pid] == inode }
                for p in here.sorted(by: { $0.pid < $1.pid }) where keep.contains(p.pid) {
                    c.node(DOT.id("proc", p.pid), [("label", label(p)), ("penwidth", p.nsPID.last == 1 ? "2" : "1")])
                }
                let others = here.filter { !keep.contains($0.pid) }.count
                if others > 0 {
                    c.node(DOT.id("others", inode), [("label", "+ \(others) other process\(others == 1 ? "" : "es") here"), ("style", "dashed"), ("fillcolor", Palette.plain), ("color", Palette.hidden)])
                }
                for child in (children[inode] ?? []).sorted(by: { $0.inode < $1.inode }) { draw(child.inode, in: &c) }
            }
        }
        draw(top, in: &g)
        for p in processes.sorted(by: { $0.pid < $1.pid }) where keep.contains(p.pid) && keep.contains(p.ppid) {
            g.edge(DOT.id("proc", p.ppid), DOT.id("proc", p.pid))
        }
        Legend.box(&g, "lesson-pids", rows: [
            (Palette.fill(.pid), "a process: its pid at every level, outermost first (NSpid)"),
            (Palette.plain, "box in a box: a child pid namespace; it sees only itself and below"),
            (Palette.plain, "thick border: PID 1 of its namespace"),
            (Palette.parentChild, "arrow: parent process -> child"),
        ])
        return g.render(name: "lesson-pids")
    }
}

import CutawayModel

/// `cutaway idmap`: the uid and gid maps along a process's user-namespace chain, range by
/// range, with plain sentences (user_namespaces(7)).
public enum IDMapReport {
    /// The chain's levels, outermost first: each user namespace with its uid and gid ranges and
    /// what they mean for the process.
    public static func render(_ chain: IDMapChain, index: SnapshotIndex) -> String {
        let p = index.process(chain.pid)
        var out = "User namespaces of pid \(chain.pid)\(p.map { " (\($0.command))" } ?? ""), outermost first. Outside ids are host ids.\n"
        if let p, p.uids.count > 1 { out += "Its effective uid on the host is \(p.uids[1]); that is the uid the kernel checks against host files.\n" }
        var parentMaps: UserNamespaceIDMaps?
        let (levels, omitted) = chain.drawnLevels
        for (k, level) in levels.enumerated() {
            let indent = String(repeating: "  ", count: k)
            let ns = level.namespace
            if k > 0, levels[k - 1].depth + 1 != level.depth {
                out += "\n\(indent)└─" + NamespaceTree.foldNote(omitted) + "\n"
                parentMaps = nil
            }
            var head = "\(indent)\(level.depth == 0 ? "" : "└─")user:\(ns.inode)"
            if ns.owner == nil { head += "  initial user namespace" }
            if let uid = ns.ownerUID, ns.owner != nil { head += "  created by uid \(uid)" }
            if ns.hidden { head += "  (hidden: no process in it)" }
            out += "\n" + head + "\n"
            let body = indent + (k == 0 ? "  " : "    ")
            guard let maps = level.maps else {
                out += body + (ns.hidden ? "maps not readable: no process is left in this namespace to read them from\n"
                                         : "maps not readable: no member process let cutaway read uid_map (run as root)\n")
                parentMaps = nil
                continue
            }
            for (kind, ranges, parent) in [(IDMapChain.Kind.uid, maps.uidMap, parentMaps?.uidMap), (.gid, maps.gidMap, parentMaps?.gidMap)] {
                if ranges.isEmpty {
                    out += body + "\(kind.rawValue) map: not written yet: every \(kind.rawValue) shows as the overflow id 65534\n"
                    continue
                }
                out += body + "\(kind.rawValue) map (inside -> outside, count):\n"
                for r in ranges {
                    out += body + "  \(r.inside) -> \(r.outside), \(r.count)\n"
                    for s in IDMapSentences.sentences(kind: kind, range: r, isInitial: ns.owner == nil, parentMap: level.depth > 1 ? parent : nil) {
                        out += body + "    " + s + "\n"
                    }
                }
            }
            if let sg = maps.setgroups { out += body + "setgroups: \(sg)\n" }
            parentMaps = maps
        }
        return out
    }
}

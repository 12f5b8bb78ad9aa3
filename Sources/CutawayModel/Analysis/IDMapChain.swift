/// The uid and gid maps along a process's user-namespace chain, explained
/// (user_namespaces(7), subuid(5)).
///
/// Maps are read from the reader's namespace, so `outside` is a host id at every level.
/// For nested namespaces the id in the *parent* is found by mapping the host id back
/// through the parent's map.
public struct IDMapChain: Sendable {
    public struct Level: Sendable {
        public var namespace: Namespace
        /// nil when the maps could not be read (no readable member process).
        public var maps: UserNamespaceIDMaps?
        public var depth: Int
    }

    public var pid: Int32
    public var levels: [Level]

    public init(index: SnapshotIndex, pid: Int32) {
        self.pid = pid
        levels = index.userNamespaceChain(of: pid).enumerated().map { depth, ns in
            Level(namespace: ns, maps: index.idMaps(ns.inode), depth: depth)
        }
    }

    public enum Kind: String, Sendable { case uid, gid }

    /// Plain sentences for one range at one level.
    public static func sentences(kind: Kind, range r: IDMapRange, isInitial: Bool, parentMap: [IDMapRange]?) -> [String] {
        let k = kind.rawValue
        if r.isFullIdentity {
            return isInitial
                ? ["every \(k) is itself: this is the host's own (initial) user namespace"]
                : ["identity map over all ids: root in here IS root on the host"]
        }
        var out: [String] = []
        let span = r.count == 1 ? "\(k) \(r.inside)" : "\(k)s \(r.inside)-\(r.lastInside)"
        let target = r.count == 1 ? "\(r.outside)" : "\(r.outside)-\(r.lastOutside)"
        if r.isIdentity {
            if r.inside == 0 && kind == .uid {
                out.append("root in here IS root on the host (uid 0 maps to uid 0)")
            } else if r.count == 1 {
                out.append("\(k) \(r.inside) in here is \(k) \(r.inside) on the host too")
            } else {
                out.append("\(span) in here are the same \(k)s on the host")
            }
        } else {
            out.append("\(k) \(r.inside) in here is \(k) \(r.outside) on the host" + (r.count > 1 ? " (\(span) -> \(target), \(r.count) ids)" : ""))
            if r.inside == 0 && kind == .uid {
                out.append("root in here is an unprivileged uid \(r.outside) on the host")
            }
        }
        if let parentMap, let inParent = parentMap.lazy.compactMap({ $0.toInside(r.outside) }).first {
            out.append("in the parent namespace, \(k) \(r.inside) is \(k) \(inParent)")
        }
        return out
    }
}

import CutawayModel

/// The words for id maps, used by the idmap report and diagram.
public enum IDMapSentences {
    /// Plain sentences for one range at one level of an ``IDMapChain``: what id a process
    /// in here has on the host, whether root in here is root there, and the id in the parent
    /// namespace when the chain is nested (user_namespaces(7), "User and group ID mappings").
    public static func sentences(kind: IDMapChain.Kind, range r: IDMapRange, isInitial: Bool, parentMap: [IDMapRange]?) -> [String] {
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

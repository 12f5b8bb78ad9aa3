/// Containers and pods made the same way, grouped so that a busy node's diagrams draw each
/// kind once ("web-0 and 41 more pods like it") instead of once per copy. The same rule as
/// ``NamespaceFold``: ``NamespaceFold/defaultMinimumGroup`` or more alike copies fold; the
/// rest stay on their own. Only diagrams fold; JSON and the text report list every one.
public enum ContainerFold {
    /// A group: the copy that is drawn and the others it stands for, in snapshot order.
    public struct Group<Member: Sendable>: Sendable {
        /// The copy that is drawn: the first in snapshot order.
        public var representative: Member
        /// The copies it stands for.
        public var others: [Member]
        /// The representative, then the others.
        public var all: [Member] { [representative] + others }
    }

    /// Containers are alike when engine, image, number of layers, role and engine namespace
    /// agree (names, ids, pids and upper layers may differ). Pod members are left to ``pods(_:)``.
    public static func containers(_ containers: [Container], minimumGroup: Int = NamespaceFold.defaultMinimumGroup) -> [Group<Container>] {
        fold(containers, minimumGroup: minimumGroup) { c in
            "\(c.engine.rawValue)|\(c.engineNamespace ?? "")|\(c.imageID ?? c.image ?? "?")|\(c.layers.count)|\(c.role)|\(c.pod == nil ? "" : "pod")"
        }
    }

    /// Pods are alike when their namespace and their members' names, roles and images agree.
    public static func pods(_ pods: [Pod], minimumGroup: Int = NamespaceFold.defaultMinimumGroup) -> [Group<Pod>] {
        fold(pods, minimumGroup: minimumGroup) { pod in
            let members = (pod.sandbox.map { [$0] } ?? []) + pod.containers
            return pod.ref.namespace + "|" + members.map { "\($0.podContainerName ?? "")/\($0.role)/\($0.imageID ?? $0.image ?? "?")" }.joined(separator: ",")
        }
    }

    static func fold<Member: Sendable>(_ members: [Member], minimumGroup: Int, key: (Member) -> String) -> [Group<Member>] {
        var order: [String] = []
        var byKey: [String: [Member]] = [:]
        for m in members {
            let k = key(m)
            if byKey[k] == nil { order.append(k) }
            byKey[k, default: []].append(m)
        }
        var groups: [Group<Member>] = []
        for k in order {
            let alike = byKey[k] ?? []
            if alike.count >= max(2, minimumGroup) {
                groups.append(Group(representative: alike[0], others: Array(alike.dropFirst())))
            } else {
                groups += alike.map { Group(representative: $0, others: []) }
            }
        }
        return groups
    }
}

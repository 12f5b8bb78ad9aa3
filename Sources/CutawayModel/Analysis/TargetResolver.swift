/// What a TARGET argument (`cutaway layers TARGET`, and the like) names.
public enum ResolvedTarget: Sendable {
    /// A path that exists (an overlay mount point, for `layers`).
    case path(String)
    /// A container the engines recorded.
    case container(Container)
    /// An image the engines recorded.
    case image(EngineImage)
}

/// Why a TARGET names nothing, or more than one thing.
public enum TargetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// More than one candidate at the first rule that matched: each candidate described.
    case ambiguous(target: String, rule: String, candidates: [String])
    /// No rule matched.
    case notFound(target: String)

    public var description: String {
        switch self {
        case .ambiguous(let target, let rule, let candidates):
            "\(target) matches \(candidates.count) \(rule): \(candidates.joined(separator: "; ")); give one of them exactly (a longer id prefix, NAMESPACE/POD/CONTAINER or ENGINENS/ID)"
        case .notFound(let target):
            "\(target) names no path, container or image"
        }
    }
}

/// Resolves a TARGET the same way for every command, from what the engines recorded. The
/// rules, in order; the first rule with any match decides, and more than one match there is
/// an error that lists the candidates:
/// 1. an existing path (or one that starts with `/` or `.`);
/// 2. a container id, `ENGINENS/ID` (containerd's namespace, e.g. `k8s.io/4f2a…`), or a
///    prefix of either;
/// 3. a container name;
/// 4. `POD/CONTAINER` or `NAMESPACE/POD/CONTAINER` (Kubernetes pods, from the CRI's
///    annotations; `POD/sandbox` names the pod's sandbox);
/// 5. an image reference: `name:tag` as recorded, else normalized the way Docker does
///    (`busybox` = `docker.io/library/busybox:latest`), else podman's `localhost/NAME`, else
///    an image id prefix. One image recorded under the same id twice (containerd keeps one
///    record per namespace) is one image.
public struct TargetResolver: Sendable {
    /// The containers it resolves among.
    public var containers: [Container]
    /// The images it resolves among (rule 5).
    public var images: [EngineImage]

    /// A resolver over these containers and images.
    public init(containers: [Container], images: [EngineImage]) { self.containers = containers; self.images = images }

    /// `target` by the rules above; `pathExists` answers rule 1.
    public func resolve(_ target: String, pathExists: (String) -> Bool) throws(TargetError) -> ResolvedTarget {
        if target.hasPrefix("/") || target.hasPrefix(".") || pathExists(target) { return .path(target) }
        if let c = try container(target) { return .container(c) }
        if let i = try image(target) { return .image(i) }
        throw .notFound(target: target)
    }

    /// Rules 2 to 4 only: a container or nothing.
    public func container(_ target: String) throws(TargetError) -> Container? {
        guard !target.isEmpty else { return nil }
        // 2. ids: exact, then ENGINENS/ID exact, then prefixes of either.
        let exact = containers.filter { $0.id == target }
        if let one = try single(exact, target, "containers by id") { return one }
        var namespaced: (ns: Substring, rest: Substring)?
        if let slash = target.firstIndex(of: "/") {
            let ns = target[..<slash], rest = target[target.index(after: slash)...]
            if !rest.isEmpty, containers.contains(where: { $0.engineNamespace.map { $0[...] == ns } ?? false }) { namespaced = (ns, rest) }
        }
        if let (ns, rest) = namespaced {
            let inNamespace = containers.filter { $0.engineNamespace.map { $0[...] == ns } ?? false }
            if let one = try single(inNamespace.filter { $0.id[...] == rest }, target, "containers by id") { return one }
            if let one = try single(inNamespace.filter { $0.id.hasPrefix(rest) }, target, "container ids") { return one }
        }
        if let one = try single(containers.filter { $0.id.hasPrefix(target) }, target, "container ids") { return one }
        // 3. names.
        if let one = try single(containers.filter { $0.name == target }, target, "containers by name") { return one }
        // 4. pods.
        let parts = target.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 2 || parts.count == 3, !parts.contains(where: \.isEmpty) {
            let (namespace, pod, name) = parts.count == 3 ? (Optional(parts[0]), parts[1], parts[2]) : (nil, parts[0], parts[1])
            let hits = containers.filter { c in
                guard let ref = c.pod, ref.name == pod, namespace == nil || ref.namespace == namespace else { return false }
                return c.role == .sandbox ? name == "sandbox" : c.podContainerName == name
            }
            if let one = try single(hits, target, "pod containers") { return one }
        }
        return nil
    }

    /// Rule 5: an image or nothing.
    public func image(_ target: String) throws(TargetError) -> EngineImage? {
        // Names in tiers, the first with a match decides: as recorded, then normalized, then podman's localhost/.
        let wanted = Self.normalized(target)
        let tiers: [(EngineImage) -> Bool] = [
            { $0.names.contains(target) },
            { $0.names.contains { Self.normalized($0) == wanted } },
            { $0.names.contains("localhost/" + target) || $0.names.contains("localhost/" + wanted) },
        ]
        var hits: [EngineImage] = []
        for tier in tiers where hits.isEmpty { hits = images.filter(tier) }
        if hits.isEmpty {
            let bare = target.hasPrefix("sha256:") ? String(target.dropFirst(7)) : target
            if !bare.isEmpty && bare.allSatisfy(\.isHexDigit) {
                hits = images.filter { ($0.id.hasPrefix("sha256:") ? String($0.id.dropFirst(7)) : $0.id).hasPrefix(bare) }
            }
        }
        // The same image under several records (containerd: one per namespace) is one image;
        // prefer the one whose layers are unpacked.
        var byID: [String: EngineImage] = [:]
        var order: [String] = []
        for i in hits {
            let key = i.engine.rawValue + " " + i.id
            if let seen = byID[key] { if seen.layers.isEmpty && !i.layers.isEmpty { byID[key] = i } } else { byID[key] = i; order.append(key) }
        }
        let distinct = order.compactMap { byID[$0] }
        guard distinct.count <= 1 else {
            throw .ambiguous(target: target, rule: "images", candidates: distinct.map { "\($0.engine.rawValue) image \($0.names.first ?? $0.id) (\(Self.short($0.id)))" })
        }
        return distinct.first
    }

    private func single(_ hits: [Container], _ target: String, _ rule: String) throws(TargetError) -> Container? {
        guard hits.count <= 1 else {
            throw .ambiguous(target: target, rule: rule, candidates: hits.map(Self.describe))
        }
        return hits.first
    }

    /// `containerd k8s.io/4f2a0b1c9d8e (pod shop/web-0, app)`.
    public static func describe(_ c: Container) -> String {
        var s = "\(c.engine.rawValue) " + (c.engineNamespace.map { $0 + "/" } ?? "") + (c.name == c.id ? c.shortID : "\(c.name) (\(c.shortID))")
        if let pod = c.pod { s += " (pod \(pod.namespace)/\(pod.name), \(c.role == .sandbox ? "sandbox" : c.podContainerName ?? "container"))" }
        return s
    }

    static func short(_ id: String) -> String { String((id.hasPrefix("sha256:") ? String(id.dropFirst(7)) : id).prefix(12)) }

    /// Docker's reference normalization: a bare name is in `docker.io/library/`, a name whose
    /// first part is not a host (no `.` or `:`, not `localhost`) is on `docker.io`, and a
    /// missing tag is `latest`.
    public static func normalized(_ reference: String) -> String {
        var name = reference
        let parts = name.split(separator: "/", maxSplits: 1)
        if parts.count == 1 {
            name = "docker.io/library/" + name
        } else if let first = parts.first, !first.contains(".") && !first.contains(":") && first != "localhost" {
            name = "docker.io/" + name
        }
        let last = name.split(separator: "/").last ?? ""
        if !last.contains(":") && !name.contains("@") { name += ":latest" }
        return name
    }
}

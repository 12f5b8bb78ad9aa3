/// A container as a container engine records it on disk, tied to the live kernel objects
/// (its PID 1, its namespaces) where it is running.
public struct Container: Sendable, Hashable, Codable {
    /// The container engine whose store recorded the container.
    public enum Engine: String, Sendable, Codable, CaseIterable {
        /// Docker (dockerd), overlay2 storage.
        case docker
        /// podman / containers-storage, overlay driver.
        case podman
        /// containerd with its overlayfs snapshotter (Kubernetes' containers are in its
        /// namespace `k8s.io`).
        case containerd
    }

    /// The engine whose store holds the container's record.
    public var engine: Engine
    /// The engine's id: 64 hex digits for Docker and podman; whatever its creator chose for
    /// containerd (Kubernetes uses 64 hex digits too).
    public var id: String
    /// The engine's name for it (Docker's without the leading `/`; containerd's is its id).
    public var name: String
    /// The image name (e.g. `cutaway-demo:3steps`), where recorded.
    public var image: String?
    /// The image's id in the engine's store (`sha256:…` for Docker, the hex id for podman).
    public var imageID: String?
    /// Host pid of the container's PID 1, when running.
    public var pid: Int32?
    /// The engine's store (e.g. `/var/lib/docker`).
    public var storeRoot: String
    /// The overlay stack, top first: the container's own read-write layer, then (Docker) its
    /// init layer, then the image's read-only layers. Paths are absolute host paths.
    public var layers: [OverlayLayer]
    /// Where the engine mounts the overlay; the container's `/` after pivot_root.
    public var mergedDir: String?
    /// The overlay's `workdir` (Documentation/filesystems/overlayfs.rst), where the engine keeps it.
    public var workDir: String?
    /// Host paths the engine bind-mounts into the container (before pivot_root).
    public var bindMounts: [BindMount]
    /// The namespaces of its PID 1 (filled from the snapshot when running).
    public var namespaces: [NamespaceType: UInt64]
    /// containerd's namespace (`default`, `k8s.io`, `moby`…); nil for Docker and podman.
    public var engineNamespace: String?
    /// The Kubernetes pod it belongs to (from the CRI's annotations), if any.
    public var pod: PodRef?
    /// A pod's sandbox (the holder of its shared namespaces) or a container (every Docker and
    /// podman container, and a pod's app containers).
    public var role: Role
    /// The name the pod gives it (`io.kubernetes.cri.container-name`), e.g. `app`.
    public var podContainerName: String?
    /// Whose store it was read from when that is not root's: `user alice (uid 1000)` for a
    /// rootless podman store, or why the store is not trusted. nil for a root-owned store.
    public var storeOwner: String?

    /// A pod's sandbox (its pause container) or an ordinary container (see ``role``).
    public enum Role: String, Sendable, Codable {
        /// A pod's sandbox: the pause container whose namespaces the pod's containers join.
        case sandbox
        /// An ordinary container.
        case container
    }

    /// A container as read from an engine's store; namespaces and pod are filled in by the reader
    /// where the container runs and belongs to a pod.
    public init(engine: Engine, id: String, name: String, image: String? = nil, imageID: String? = nil, pid: Int32? = nil,
                storeRoot: String, layers: [OverlayLayer] = [], mergedDir: String? = nil, workDir: String? = nil,
                bindMounts: [BindMount] = [], namespaces: [NamespaceType: UInt64] = [:], engineNamespace: String? = nil,
                pod: PodRef? = nil, role: Role = .container, podContainerName: String? = nil, storeOwner: String? = nil) {
        self.engine = engine; self.id = id; self.name = name; self.image = image; self.imageID = imageID; self.pid = pid
        self.storeRoot = storeRoot; self.layers = layers; self.mergedDir = mergedDir; self.workDir = workDir
        self.bindMounts = bindMounts; self.namespaces = namespaces; self.engineNamespace = engineNamespace
        self.pod = pod; self.role = role; self.podContainerName = podContainerName; self.storeOwner = storeOwner
    }

    /// Docker-style ids (64 hex digits) shortened to 12; other ids (containerd's are chosen by
    /// whoever made the container) in full.
    public var shortID: String {
        id.count == 64 && id.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) ? String(id.prefix(12)) : id
    }

    /// How a person names it: `shop/web-0/app` in a pod, `k8s.io/ID` or the name otherwise.
    public var displayName: String {
        if let pod { return pod.namespace + "/" + pod.name + "/" + (role == .sandbox ? "(sandbox)" : podContainerName ?? shortID) }
        return name
    }
}

/// A Kubernetes pod as the CRI records it in each of its containers' annotations
/// (`io.kubernetes.cri.sandbox-namespace`, `…sandbox-name`, `…sandbox-id`).
public struct PodRef: Sendable, Hashable, Codable {
    /// The Kubernetes namespace of the pod (`io.kubernetes.cri.sandbox-namespace`).
    public var namespace: String
    /// The pod's name (`io.kubernetes.cri.sandbox-name`).
    public var name: String
    /// The container id of the pod's sandbox (`io.kubernetes.cri.sandbox-id`).
    public var sandboxID: String
    /// A pod named by these three annotations.
    public init(namespace: String, name: String, sandboxID: String) { self.namespace = namespace; self.name = name; self.sandboxID = sandboxID }
}

/// A pod: its sandbox (which holds the net, ipc and uts namespaces its containers join) and
/// its containers, grouped from the containers' `pod` fields.
public struct Pod: Sendable, Hashable {
    /// Which pod.
    public var ref: PodRef
    /// The sandbox container, where its record was found.
    public var sandbox: Container?
    /// The pod's app containers, sorted by their names in the pod.
    public var containers: [Container]

    /// Every pod among `containers`, sorted by namespace and name; members keep their order.
    public static func group(_ containers: [Container]) -> [Pod] {
        var order: [PodRef] = []
        var members: [PodRef: [Container]] = [:]
        for c in containers {
            guard let ref = c.pod else { continue }
            if members[ref] == nil { order.append(ref) }
            members[ref, default: []].append(c)
        }
        return order.sorted { ($0.namespace, $0.name, $0.sandboxID) < ($1.namespace, $1.name, $1.sandboxID) }.map { ref in
            let all = members[ref] ?? []
            return Pod(ref: ref, sandbox: all.first { $0.role == .sandbox },
                       containers: all.filter { $0.role != .sandbox }.sorted { ($0.podContainerName ?? $0.id) < ($1.podContainerName ?? $1.id) })
        }
    }
}

extension Container {
    /// JSON: every key present, `null` where absent (README, "JSON contract").
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(engine, forKey: "engine")
        try c.encode(id, forKey: "id")
        try c.encode(name, forKey: "name")
        try c.encodeOrNull(image, forKey: "image")
        try c.encodeOrNull(imageID, forKey: "imageID")
        try c.encodeOrNull(pid, forKey: "pid")
        try c.encode(storeRoot, forKey: "storeRoot")
        try c.encode(layers, forKey: "layers")
        try c.encodeOrNull(mergedDir, forKey: "mergedDir")
        try c.encodeOrNull(workDir, forKey: "workDir")
        try c.encode(bindMounts, forKey: "bindMounts")
        try c.encode(namespaces, forKey: "namespaces")
        try c.encodeOrNull(engineNamespace, forKey: "engineNamespace")
        try c.encodeOrNull(pod, forKey: "pod")
        try c.encode(role, forKey: "role")
        try c.encodeOrNull(podContainerName, forKey: "podContainerName")
        try c.encodeOrNull(storeOwner, forKey: "storeOwner")
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        engine = try c.decode(Engine.self, "engine")
        id = try c.decode(String.self, "id")
        name = try c.decode(String.self, "name")
        image = try c.decodeIfPresent(String.self, "image")
        imageID = try c.decodeIfPresent(String.self, "imageID")
        pid = try c.decodeIfPresent(Int32.self, "pid")
        storeRoot = try c.decode(String.self, "storeRoot")
        layers = try c.decodeIfPresent([OverlayLayer].self, "layers") ?? []
        mergedDir = try c.decodeIfPresent(String.self, "mergedDir")
        workDir = try c.decodeIfPresent(String.self, "workDir")
        bindMounts = try c.decodeIfPresent([BindMount].self, "bindMounts") ?? []
        namespaces = try c.decodeIfPresent([NamespaceType: UInt64].self, "namespaces") ?? [:]
        engineNamespace = try c.decodeIfPresent(String.self, "engineNamespace")
        pod = try c.decodeIfPresent(PodRef.self, "pod")
        role = try c.decodeIfPresent(Role.self, "role") ?? .container
        podContainerName = try c.decodeIfPresent(String.self, "podContainerName")
        storeOwner = try c.decodeIfPresent(String.self, "storeOwner")
    }
}

/// `-v SOURCE:DESTINATION`: a host path bind-mounted into the container.
public struct BindMount: Sendable, Hashable, Codable {
    /// The host path (the `SOURCE` of `-v`).
    public var source: String
    /// Where it appears inside the container.
    public var destination: String
    /// Mounted read-only (`-v SOURCE:DESTINATION:ro`).
    public var readOnly: Bool
    /// A bind mount from `source` on the host to `destination` in the container.
    public init(source: String, destination: String, readOnly: Bool) { self.source = source; self.destination = destination; self.readOnly = readOnly }
}

/// An image: a stack of read-only layers, one per file-changing build step.
public struct EngineImage: Sendable, Hashable, Codable {
    /// The engine whose store holds the image.
    public var engine: Container.Engine
    /// The image's id in the engine's store (the digest of its config for Docker and podman).
    public var id: String
    /// The names that point to it (`cutaway-demo:3steps`); empty for an untagged image.
    public var names: [String]
    /// Top first, all `lower`.
    public var layers: [OverlayLayer]
    /// The engine's store the image was read from.
    public var storeRoot: String
    /// containerd's namespace of the image record; nil for Docker and podman.
    public var engineNamespace: String?
    /// containerd: the digest its name points to (a manifest or an index), as `ctr images ls` shows it.
    public var targetDigest: String?
    /// An image as read from an engine's store.
    public init(engine: Container.Engine, id: String, names: [String], layers: [OverlayLayer], storeRoot: String,
                engineNamespace: String? = nil, targetDigest: String? = nil) {
        self.engine = engine; self.id = id; self.names = names; self.layers = layers; self.storeRoot = storeRoot
        self.engineNamespace = engineNamespace; self.targetDigest = targetDigest
    }
}

extension EngineLayerInfo {
    /// The layer was named by an engine's record but resolves outside its store, so it was
    /// not read (its note says why).
    public var isRefused: Bool { note?.hasPrefix("refused") == true }
}

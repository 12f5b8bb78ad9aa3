/// A container as a container engine records it on disk, tied to the live kernel objects
/// (its PID 1, its namespaces) where it is running.
public struct Container: Sendable, Hashable, Codable {
    public enum Engine: String, Sendable, Codable, CaseIterable { case docker, podman, containerd }

    public var engine: Engine
    public var id: String
    public var name: String
    /// The image name (e.g. `cutaway-demo:3steps`), where recorded.
    public var image: String?
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
    public var workDir: String?
    /// Host paths the engine bind-mounts into the container (before pivot_root).
    public var bindMounts: [BindMount]
    /// The namespaces of its PID 1 (filled from the snapshot when running).
    public var namespaces: [NamespaceType: UInt64]

    public init(engine: Engine, id: String, name: String, image: String? = nil, imageID: String? = nil, pid: Int32? = nil,
                storeRoot: String, layers: [OverlayLayer] = [], mergedDir: String? = nil, workDir: String? = nil,
                bindMounts: [BindMount] = [], namespaces: [NamespaceType: UInt64] = [:]) {
        self.engine = engine; self.id = id; self.name = name; self.image = image; self.imageID = imageID; self.pid = pid
        self.storeRoot = storeRoot; self.layers = layers; self.mergedDir = mergedDir; self.workDir = workDir
        self.bindMounts = bindMounts; self.namespaces = namespaces
    }

    public var shortID: String { String(id.prefix(12)) }
}

/// `-v SOURCE:DESTINATION`: a host path bind-mounted into the container.
public struct BindMount: Sendable, Hashable, Codable {
    public var source: String
    public var destination: String
    public var readOnly: Bool
    public init(source: String, destination: String, readOnly: Bool) { self.source = source; self.destination = destination; self.readOnly = readOnly }
}

/// An image: a stack of read-only layers, one per file-changing build step.
public struct EngineImage: Sendable, Hashable, Codable {
    public var engine: Container.Engine
    public var id: String
    public var names: [String]
    /// Top first, all `lower`.
    public var layers: [OverlayLayer]
    public var storeRoot: String
    public init(engine: Container.Engine, id: String, names: [String], layers: [OverlayLayer], storeRoot: String) {
        self.engine = engine; self.id = id; self.names = names; self.layers = layers; self.storeRoot = storeRoot
    }
}

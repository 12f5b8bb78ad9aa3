import CutawayModel

/// `"container"` in `cutaway layers CONTAINER --json`.
public struct ContainerJSON: Encodable {
    /// The container written.
    public var container: Container
    /// The snapshot its namespaces, root mount and inner pid are looked up in.
    public var index: SnapshotIndex

    /// The JSON of `container`, described from `index`.
    public init(container: Container, index: SnapshotIndex) { self.container = container; self.index = index }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(container.engine, forKey: "engine")
        try c.encode(container.id, forKey: "id")
        try c.encode(container.name, forKey: "name")
        try c.encodeOrNull(container.image, forKey: "image")
        try c.encodeOrNull(container.imageID, forKey: "imageID")
        try c.encodeOrNull(container.pid, forKey: "pid")
        try c.encodeOrNull(container.mergedDir, forKey: "mergedDir")
        try c.encode(container.bindMounts, forKey: "bindMounts")
        try c.encode(container.namespaces, forKey: "namespaces")
        let reader = index.snapshot.reader.namespaces
        try c.encode(NamespaceType.allCases.filter { container.namespaces[$0] != nil && container.namespaces[$0] == reader[$0] }, forKey: "sharedWithHost")
        try c.encode(container.namespaces[.mnt].flatMap { index.mountTable($0)?.rootOverlay } != nil, forKey: "rootIsOverlay")
        try c.encodeOrNull(container.pid.flatMap { index.process($0)?.innermostPID }, forKey: "pidInside")
        try c.encodeOrNull(container.engineNamespace, forKey: "engineNamespace")
        try c.encodeOrNull(container.pod, forKey: "pod")
        try c.encode(container.role, forKey: "role")
        try c.encodeOrNull(container.podContainerName, forKey: "podContainerName")
        try c.encodeOrNull(container.storeOwner, forKey: "storeOwner")
    }
}

/// One OverlayFS mount as its super options describe it (Documentation/filesystems/overlayfs.rst):
/// the layers top-down, the work directory and the switches.
public struct OverlayStack: Sendable, Hashable, Codable {
    /// The mount namespace whose mount table has the overlay mount.
    public var mountNamespace: UInt64
    /// The overlay mount's id in that table (mountinfo field 1).
    public var mountID: Int
    /// The merged directory (the overlay's mount point), relative to the reader's root.
    public var mergedDir: ByteString
    /// Top first: the upper layer (if any), the lower layers (`lowerdir=A:B`: A is on top),
    /// then the data-only layers.
    public var layers: [OverlayLayer]
    /// `workdir=`: the empty directory on the upper layer's file system that overlayfs uses to
    /// prepare files before moving them up; nil for a read-only overlay (no upper layer).
    public var workDir: ByteString?
    /// Every other option, as `key` or `key=value` (e.g. `redirect_dir=on`, `userxattr`, `uuid=on`).
    public var switches: [String]
    /// Layers were given one per `lowerdir+=` option (new mount API, Linux 6.8+).
    public var usesLayerAppendOptions: Bool

    /// A stack with these layers and options, as parsed from one overlay mount.
    public init(mountNamespace: UInt64, mountID: Int, mergedDir: ByteString, layers: [OverlayLayer], workDir: ByteString?,
                switches: [String], usesLayerAppendOptions: Bool) {
        self.mountNamespace = mountNamespace; self.mountID = mountID; self.mergedDir = mergedDir; self.layers = layers
        self.workDir = workDir; self.switches = switches; self.usesLayerAppendOptions = usesLayerAppendOptions
    }

    /// With `userxattr` the markers are `user.overlay.*`, otherwise `trusted.overlay.*`.
    public var usesUserXattrs: Bool { switches.contains("userxattr") }

    /// The upper (read-write) layer; nil for a read-only overlay.
    public var upper: OverlayLayer? { layers.first { $0.role == .upper } }

    /// Whether the kernel follows `overlay.metacopy` files of this stack to their data below:
    /// `metacopy=on` (or the module's default, `/sys/module/overlay/parameters/metacopy`, when
    /// the options do not say), or data-only layers, whose metacopy files are followed either
    /// way (fs/overlayfs/namei.c, ovl_lookup). Otherwise a metacopy marker only makes lookup
    /// refuse the name (EPERM), and readers need not look for it on every file.
    public func followsMetacopy(moduleDefault: Bool) -> Bool {
        if layers.contains(where: { $0.role == .data }) || switches.contains("metacopy=on") { return true }
        return !switches.contains("metacopy=off") && moduleDefault
    }
}

/// One layer of an overlay stack.
public struct OverlayLayer: Sendable, Hashable, Codable {
    /// What a layer is to the overlay: the one written to, one read, or one that only holds data.
    public enum Role: String, Sendable, Codable {
        /// `upperdir`: read-write; every write through the merged dir lands here.
        case upper
        /// `lowerdir`: read-only.
        case lower
        /// Data-only lower layer (after `::` or `datadir+=`): never visible by name, only as
        /// the data of a metacopy file.
        case data
    }

    /// Upper, lower or data-only.
    public var role: Role
    /// The path as the mount options give it, decoded and unescaped.
    public var path: ByteString
    /// The absolute host path, when `path` is absolute or could be resolved (e.g. Docker's
    /// `l/SHORTID` links); nil when relative to a working directory nobody recorded.
    public var resolvedPath: ByteString?
    /// Filled in when a container engine's records name the layer.
    public var engine: EngineLayerInfo?

    /// A layer at `path` with this role.
    public init(role: Role, path: ByteString, resolvedPath: ByteString? = nil, engine: EngineLayerInfo? = nil) {
        self.role = role; self.path = path; self.resolvedPath = resolvedPath; self.engine = engine
    }

    /// True when the mount options gave the path relative to the mounter's working directory.
    public var isRelative: Bool { path.bytes.first != UInt8(ascii: "/") }
}

/// What a container engine knows about a layer.
public struct EngineLayerInfo: Sendable, Hashable, Codable {
    /// The engine's layer id (Docker: the layer's chain id or cache id; podman: the layer id).
    public var layerID: String
    /// The content digest of the layer (`diff_id`), where known.
    public var diffID: String?
    /// The image-history step that created the layer, e.g. `RUN /bin/sh -c rm /one.txt`.
    public var createdBy: String?
    /// Bytes, as the engine recorded them.
    public var size: Int64?
    /// e.g. "container layer", "init layer", "image layer 2 of 4".
    public var note: String?

    /// What an engine's record says about one layer.
    public init(layerID: String, diffID: String? = nil, createdBy: String? = nil, size: Int64? = nil, note: String? = nil) {
        self.layerID = layerID; self.diffID = diffID; self.createdBy = createdBy; self.size = size; self.note = note
    }
}

extension OverlayStack {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        mountNamespace = try c.decode(UInt64.self, "mountNamespace")
        mountID = try c.decode(Int.self, "mountId")
        mergedDir = try c.decodeBytes(named: "mergedDir")
        layers = try c.decode([OverlayLayer].self, "layers")
        workDir = try c.decodeBytesIfPresent(named: "workDir")
        switches = try c.decode([String].self, "switches")
        usesLayerAppendOptions = try c.decode(Bool.self, "usesLayerAppendOptions")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(mountNamespace, forKey: "mountNamespace")
        try c.encode(mountID, forKey: "mountId")
        try c.encode(mergedDir, named: "mergedDir")
        try c.encode(layers, forKey: "layers")
        try c.encodeOrNull(workDir, named: "workDir")
        try c.encode(switches, forKey: "switches")
        try c.encode(usesLayerAppendOptions, forKey: "usesLayerAppendOptions")
    }
}

extension OverlayLayer {
    /// JSON: `role`, `path` (the absolute host path where known, else as given), `givenPath`
    /// (as the mount options spell it), `relative`, `engine`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        role = try c.decode(Role.self, "role")
        path = try c.decodeBytes(named: "givenPath")
        let relative = try c.decode(Bool.self, "relative")
        resolvedPath = relative ? nil : try c.decodeBytes(named: "path")
        engine = try c.decodeIfPresent(EngineLayerInfo.self, "engine")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(role, forKey: "role")
        try c.encode(resolvedPath ?? path, named: "path")
        try c.encode(path, named: "givenPath")
        try c.encode(resolvedPath == nil, forKey: "relative")
        try c.encodeOrNull(engine, forKey: "engine")
    }
}

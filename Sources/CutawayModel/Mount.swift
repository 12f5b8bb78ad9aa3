/// One line of `/proc/PID/mountinfo`, decoded (proc_pid_mountinfo(5)):
///
///     36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue
///     (1)(2)(3)   (4)   (5)         (6)       (7)      (8) (9)   (10)      (11)
///
/// Byte fields are decoded from the kernel's octal escapes (`\040` space, `\011` tab,
/// `\012` newline, `\134` backslash, `\054` comma in super options).
public struct Mount: Sendable, Hashable, Codable {
    /// (1) mount ID; unique per namespace at one time, reused after unmount.
    public var id: Int
    /// (2) ID of the parent mount; the root mount names itself or a mount outside the reader's root.
    public var parentID: Int
    /// (3) st_dev of the filesystem.
    public var major: UInt32
    /// (3) the minor half of st_dev.
    public var minor: UInt32
    /// (4) the directory of the filesystem that forms this mount's root: not `/` for bind mounts
    /// (findmnt's FSROOT). May end in `//deleted`.
    public var root: ByteString
    /// (5) where it is mounted, relative to the reader's root.
    public var mountPoint: ByteString
    /// (6) per-mount options (`rw,nosuid,relatime`).
    public var mountOptions: String
    /// (7) `shared:N`: member of peer group N.
    public var shared: Int?
    /// (7) `master:N`: slave of peer group N.
    public var master: Int?
    /// (7) `propagate_from:N`: receives from group N, the nearest dominant group visible from the root.
    public var propagateFrom: Int?
    /// (7) `unbindable`.
    public var unbindable: Bool
    /// (7) optional fields cutaway does not know, kept verbatim.
    public var otherOptionalFields: [String]
    /// (9) filesystem type, `type.subtype` for FUSE.
    public var fsType: ByteString
    /// (10) filesystem-specific source, possibly empty.
    public var source: ByteString
    /// (11) super-block options, one element per option, each decoded (a comma inside a value
    /// such as an overlay layer path stays inside its element).
    public var superOptions: [ByteString]

    /// A mount with these fields (optional fields absent by default).
    public init(id: Int, parentID: Int, major: UInt32, minor: UInt32, root: ByteString, mountPoint: ByteString,
                mountOptions: String, shared: Int? = nil, master: Int? = nil, propagateFrom: Int? = nil,
                unbindable: Bool = false, otherOptionalFields: [String] = [], fsType: ByteString, source: ByteString,
                superOptions: [ByteString]) {
        self.id = id; self.parentID = parentID; self.major = major; self.minor = minor; self.root = root
        self.mountPoint = mountPoint; self.mountOptions = mountOptions; self.shared = shared; self.master = master
        self.propagateFrom = propagateFrom; self.unbindable = unbindable; self.otherOptionalFields = otherOptionalFields
        self.fsType = fsType; self.source = source; self.superOptions = superOptions
    }

    /// Field (3) as mountinfo prints it: `MAJOR:MINOR`.
    public var majorMinor: String { "\(major):\(minor)" }

    /// The super options joined with commas, as one decoded string.
    public var superOptionsString: ByteString {
        ByteString(superOptions.enumerated().flatMap { $0.offset == 0 ? $0.element.bytes : [UInt8(ascii: ",")] + $0.element.bytes })
    }

    /// Propagation in words, like findmnt's PROPAGATION column: `shared`, `private`, `private,slave`,
    /// `shared,slave`, with `,unbindable` when so.
    public var propagationWords: String {
        var words: [String] = [shared != nil ? "shared" : "private"]
        if master != nil { words.append("slave") }
        if unbindable { words.append("unbindable") }
        return words.joined(separator: ",")
    }

    /// Propagation with the peer-group numbers: `shared:3 master:1`, `private`, `unbindable`.
    public var propagationTags: String {
        var tags: [String] = []
        if let shared { tags.append("shared:\(shared)") }
        if let master { tags.append("master:\(master)") }
        if let propagateFrom { tags.append("propagate_from:\(propagateFrom)") }
        if unbindable { tags.append("unbindable") }
        return tags.isEmpty ? "private" : tags.joined(separator: " ")
    }

    /// Whether this is an nsfs bind mount of a namespace file (e.g. `/run/netns/NAME`).
    public var isNamespaceFile: Bool { fsType == "nsfs" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        id = try c.decode(Int.self, "id")
        parentID = try c.decode(Int.self, "parentId")
        let mm = try c.decode(String.self, "majorMinor").split(separator: ":")
        guard mm.count == 2, let major = UInt32(mm[0]), let minor = UInt32(mm[1]) else {
            throw DecodingError.dataCorruptedError(forKey: AnyCodingKey("majorMinor"), in: c, debugDescription: "expected MAJOR:MINOR")
        }
        self.major = major; self.minor = minor
        root = try c.decodeBytes(named: "root")
        mountPoint = try c.decodeBytes(named: "mountPoint")
        mountOptions = try c.decode(String.self, "mountOptions")
        shared = try c.decodeIfPresent(Int.self, "shared")
        master = try c.decodeIfPresent(Int.self, "master")
        propagateFrom = try c.decodeIfPresent(Int.self, "propagateFrom")
        unbindable = try c.decode(Bool.self, "unbindable")
        otherOptionalFields = try c.decodeIfPresent([String].self, "otherOptionalFields") ?? []
        fsType = try c.decodeBytes(named: "fsType")
        source = try c.decodeBytes(named: "source")
        superOptions = try c.decodeBytesArray(named: "superOptionList")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(id, forKey: "id")
        try c.encode(parentID, forKey: "parentId")
        try c.encode(majorMinor, forKey: "majorMinor")
        try c.encode(root, named: "root")
        try c.encode(mountPoint, named: "mountPoint")
        try c.encode(mountOptions, forKey: "mountOptions")
        try c.encode(fsType, named: "fsType")
        try c.encode(source, named: "source")
        try c.encode(superOptionsString, named: "superOptions")
        try c.encode(superOptions, named: "superOptionList")
        try c.encodeOrNull(shared, forKey: "shared")
        try c.encodeOrNull(master, forKey: "master")
        try c.encodeOrNull(propagateFrom, forKey: "propagateFrom")
        try c.encode(unbindable, forKey: "unbindable")
        try c.encode(propagationWords, forKey: "propagation")
        try c.encode(otherOptionalFields, forKey: "otherOptionalFields")
    }
}

/// The mount table of one mount namespace, read once from one member process.
public struct MountTable: Sendable, Hashable, Codable {
    /// Inode of the mount namespace.
    public var mountNamespace: UInt64
    /// The process whose `/proc/PID/mountinfo` was read (paths are relative to its root).
    public var readFrom: Int32
    /// Mounts in the kernel's order.
    public var mounts: [Mount]

    /// The table of mount namespace `mountNamespace`, read through process `readFrom`.
    public init(mountNamespace: UInt64, readFrom: Int32, mounts: [Mount]) {
        self.mountNamespace = mountNamespace; self.readFrom = readFrom; self.mounts = mounts
    }
}

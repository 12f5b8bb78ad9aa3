/// What is inside one IPC namespace (ipc_namespaces(7)): its System V objects, as
/// `/proc/sysvipc/{shm,sem,msg}` list them (proc(5), sysvipc(7)), and its POSIX message
/// queues (mq_overview(7)).
public struct IPCNamespace: Sendable, Hashable, Codable {
    /// The nsfs inode of the IPC namespace.
    public var namespace: UInt64
    public var sharedMemory: [SharedMemorySegment]
    public var semaphoreSets: [SemaphoreSet]
    public var messageQueues: [MessageQueue]
    /// Queue names (without the leading `/` of mq_open(3)), sorted; nil when no mount of
    /// this namespace's mqueue file system could be found (`visibility` says why).
    public var posixMessageQueues: [ByteString]?

    public init(namespace: UInt64, sharedMemory: [SharedMemorySegment] = [], semaphoreSets: [SemaphoreSet] = [],
                messageQueues: [MessageQueue] = [], posixMessageQueues: [ByteString]? = nil) {
        self.namespace = namespace; self.sharedMemory = sharedMemory; self.semaphoreSets = semaphoreSets
        self.messageQueues = messageQueues; self.posixMessageQueues = posixMessageQueues
    }

    public var isEmpty: Bool {
        sharedMemory.isEmpty && semaphoreSets.isEmpty && messageQueues.isEmpty && (posixMessageQueues ?? []).isEmpty
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        namespace = try c.decode(UInt64.self, "namespace")
        sharedMemory = try c.decode([SharedMemorySegment].self, "sharedMemory")
        semaphoreSets = try c.decode([SemaphoreSet].self, "semaphoreSets")
        messageQueues = try c.decode([MessageQueue].self, "messageQueues")
        posixMessageQueues = try c.contains("posixMessageQueues") && !c.decodeNil(forKey: "posixMessageQueues")
            ? c.decodeBytesArray(named: "posixMessageQueues") : nil
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(namespace, forKey: "namespace")
        try c.encode(sharedMemory, forKey: "sharedMemory")
        try c.encode(semaphoreSets, forKey: "semaphoreSets")
        try c.encode(messageQueues, forKey: "messageQueues")
        if let posixMessageQueues { try c.encode(posixMessageQueues, named: "posixMessageQueues") } else { try c.encodeNil(forKey: "posixMessageQueues") }
    }
}

/// A System V shared memory segment (shmget(2)), a line of `/proc/sysvipc/shm`.
public struct SharedMemorySegment: Sendable, Hashable, Codable {
    /// The IPC key (0 = IPC_PRIVATE), as the kernel prints it (a signed 32-bit number).
    public var key: Int64
    public var id: Int64
    public var bytes: UInt64
    public var ownerUID: UInt32
    /// Number of current attaches (nattch).
    public var attached: UInt64
    public init(key: Int64, id: Int64, bytes: UInt64, ownerUID: UInt32, attached: UInt64) {
        self.key = key; self.id = id; self.bytes = bytes; self.ownerUID = ownerUID; self.attached = attached
    }
}

/// A System V semaphore set (semget(2)), a line of `/proc/sysvipc/sem`.
public struct SemaphoreSet: Sendable, Hashable, Codable {
    public var key: Int64
    public var id: Int64
    public var semaphores: UInt64
    public var ownerUID: UInt32
    public init(key: Int64, id: Int64, semaphores: UInt64, ownerUID: UInt32) {
        self.key = key; self.id = id; self.semaphores = semaphores; self.ownerUID = ownerUID
    }
}

/// A System V message queue (msgget(2)), a line of `/proc/sysvipc/msg`.
public struct MessageQueue: Sendable, Hashable, Codable {
    public var key: Int64
    public var id: Int64
    /// Messages waiting (qnum).
    public var messages: UInt64
    /// Bytes waiting (cbytes).
    public var bytes: UInt64
    public var ownerUID: UInt32
    public init(key: Int64, id: Int64, messages: UInt64, bytes: UInt64, ownerUID: UInt32) {
        self.key = key; self.id = id; self.messages = messages; self.bytes = bytes; self.ownerUID = ownerUID
    }
}

/// A namespace whose contents (or part of them) could not be read, and why.
public struct UnreadNamespace: Sendable, Hashable, Codable {
    public var namespace: UInt64
    public var reason: String
    public init(namespace: UInt64, reason: String) { self.namespace = namespace; self.reason = reason }
}

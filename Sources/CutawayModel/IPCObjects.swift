/// What is inside one IPC namespace (ipc_namespaces(7)): its System V objects, as
/// `/proc/sysvipc/{shm,sem,msg}` list them (proc(5), sysvipc(7)), and its POSIX message
/// queues (mq_overview(7)).
public struct IPCNamespace: Sendable, Hashable, Codable {
    /// The nsfs inode of the IPC namespace.
    public var namespace: UInt64
    /// Shared memory segments (`/proc/sysvipc/shm`), in the kernel's order.
    public var sharedMemory: [SharedMemorySegment]
    /// Semaphore sets (`/proc/sysvipc/sem`), in the kernel's order.
    public var semaphoreSets: [SemaphoreSet]
    /// System V message queues (`/proc/sysvipc/msg`), in the kernel's order.
    public var messageQueues: [MessageQueue]
    /// Queue names (without the leading `/` of mq_open(3)), sorted; nil when no mount of
    /// this namespace's mqueue file system could be found (`visibility` says why).
    public var posixMessageQueues: [ByteString]?

    /// What was read in the IPC namespace with inode `namespace`.
    public init(namespace: UInt64, sharedMemory: [SharedMemorySegment] = [], semaphoreSets: [SemaphoreSet] = [],
                messageQueues: [MessageQueue] = [], posixMessageQueues: [ByteString]? = nil) {
        self.namespace = namespace; self.sharedMemory = sharedMemory; self.semaphoreSets = semaphoreSets
        self.messageQueues = messageQueues; self.posixMessageQueues = posixMessageQueues
    }

    /// True when the namespace holds no System V object and no known POSIX message queue.
    public var isEmpty: Bool {
        sharedMemory.isEmpty && semaphoreSets.isEmpty && messageQueues.isEmpty && (posixMessageQueues ?? []).isEmpty
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        namespace = try c.decode(UInt64.self, "namespace")
        sharedMemory = try c.decode([SharedMemorySegment].self, "sharedMemory")
        semaphoreSets = try c.decode([SemaphoreSet].self, "semaphoreSets")
        messageQueues = try c.decode([MessageQueue].self, "messageQueues")
        posixMessageQueues = try c.decodeBytesArrayIfPresent(named: "posixMessageQueues")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(namespace, forKey: "namespace")
        try c.encode(sharedMemory, forKey: "sharedMemory")
        try c.encode(semaphoreSets, forKey: "semaphoreSets")
        try c.encode(messageQueues, forKey: "messageQueues")
        try c.encodeOrNull(posixMessageQueues, named: "posixMessageQueues")
    }
}

/// A System V shared memory segment (shmget(2)), a line of `/proc/sysvipc/shm`.
public struct SharedMemorySegment: Sendable, Hashable, Codable {
    /// The IPC key (0 = IPC_PRIVATE), as the kernel prints it (a signed 32-bit number).
    public var key: Int64
    /// The segment's id (`shmid`, what shmat(2) takes).
    public var id: Int64
    /// Its size in bytes (`size`).
    public var bytes: UInt64
    /// The owner's uid (`uid`), as the reader's user namespace sees it.
    public var ownerUID: UInt32
    /// Number of current attaches (nattch).
    public var attached: UInt64
    /// A segment as one line of `/proc/sysvipc/shm` gives it.
    public init(key: Int64, id: Int64, bytes: UInt64, ownerUID: UInt32, attached: UInt64) {
        self.key = key; self.id = id; self.bytes = bytes; self.ownerUID = ownerUID; self.attached = attached
    }
}

/// A System V semaphore set (semget(2)), a line of `/proc/sysvipc/sem`.
public struct SemaphoreSet: Sendable, Hashable, Codable {
    /// The IPC key (0 = IPC_PRIVATE).
    public var key: Int64
    /// The set's id (`semid`, what semop(2) takes).
    public var id: Int64
    /// Semaphores in the set (`nsems`).
    public var semaphores: UInt64
    /// The owner's uid (`uid`), as the reader's user namespace sees it.
    public var ownerUID: UInt32
    /// A set as one line of `/proc/sysvipc/sem` gives it.
    public init(key: Int64, id: Int64, semaphores: UInt64, ownerUID: UInt32) {
        self.key = key; self.id = id; self.semaphores = semaphores; self.ownerUID = ownerUID
    }
}

/// A System V message queue (msgget(2)), a line of `/proc/sysvipc/msg`.
public struct MessageQueue: Sendable, Hashable, Codable {
    /// The IPC key (0 = IPC_PRIVATE).
    public var key: Int64
    /// The queue's id (`msqid`, what msgsnd(2) takes).
    public var id: Int64
    /// Messages waiting (qnum).
    public var messages: UInt64
    /// Bytes waiting (cbytes).
    public var bytes: UInt64
    /// The owner's uid (`uid`), as the reader's user namespace sees it.
    public var ownerUID: UInt32
    /// A queue as one line of `/proc/sysvipc/msg` gives it.
    public init(key: Int64, id: Int64, messages: UInt64, bytes: UInt64, ownerUID: UInt32) {
        self.key = key; self.id = id; self.messages = messages; self.bytes = bytes; self.ownerUID = ownerUID
    }
}

/// A namespace whose contents (or part of them) could not be read, and why.
public struct UnreadNamespace: Sendable, Hashable, Codable {
    /// The nsfs inode of the namespace.
    public var namespace: UInt64
    /// Why it could not be read, in a few words (e.g. `setns: Operation not permitted`).
    public var reason: String
    /// Namespace `namespace` could not be read because of `reason`.
    public init(namespace: UInt64, reason: String) { self.namespace = namespace; self.reason = reason }
}

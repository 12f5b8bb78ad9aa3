/// One process as read from `/proc/PID/{status,stat,comm,cmdline,ns/*}` (proc_pid_status(5),
/// proc_pid_stat(5)). Pids are as seen from the reader's pid namespace ("host pids").
public struct ProcessRecord: Sendable, Hashable, Codable {
    /// The process id in the reader's pid namespace.
    public var pid: Int32
    /// The parent's pid (status `PPid:`), in the reader's pid namespace; 0 when the parent is
    /// outside it.
    public var ppid: Int32
    /// `/proc/PID/comm`: the kernel's 15-byte task name.
    public var command: ByteString
    /// `/proc/PID/cmdline`, split at NUL; empty for kernel threads and zombies.
    public var commandLine: [ByteString]
    /// Real, effective, saved and filesystem uid (status `Uid:`), in the reader's user namespace.
    public var uids: [UInt32]
    /// Real, effective, saved and filesystem gid (status `Gid:`), in the reader's user namespace.
    public var gids: [UInt32]
    /// `NSpid:` — this pid in every pid namespace from the reader's down to the process's own.
    public var nsPID: [Int32]
    /// `NStgid:` — likewise for the thread group id.
    public var nsTGID: [Int32]
    /// Start time in clock ticks after boot (proc_pid_stat(5) field 22).
    public var startTime: UInt64
    /// The namespace inode of each type this process is in (readable links only).
    public var namespaces: [NamespaceType: UInt64]
    /// `/proc/PID/ns/pid_for_children`, where set and different from `namespaces[.pid]`
    /// (after unshare(CLONE_NEWPID), before the first child).
    public var pidForChildren: UInt64?
    /// `/proc/PID/ns/time_for_children`, where set and different from `namespaces[.time]`.
    public var timeForChildren: UInt64?
    /// Threads whose namespaces differ from the process's main thread.
    public var threads: [ThreadRecord]

    /// A process with these fields (everything but the pid empty by default).
    public init(pid: Int32, ppid: Int32 = 0, command: ByteString = "", commandLine: [ByteString] = [], uids: [UInt32] = [],
                gids: [UInt32] = [], nsPID: [Int32] = [], nsTGID: [Int32] = [], startTime: UInt64 = 0,
                namespaces: [NamespaceType: UInt64] = [:], pidForChildren: UInt64? = nil, timeForChildren: UInt64? = nil,
                threads: [ThreadRecord] = []) {
        self.pid = pid; self.ppid = ppid; self.command = command; self.commandLine = commandLine; self.uids = uids
        self.gids = gids; self.nsPID = nsPID; self.nsTGID = nsTGID; self.startTime = startTime; self.namespaces = namespaces
        self.pidForChildren = pidForChildren; self.timeForChildren = timeForChildren; self.threads = threads
    }

    /// The pid this process has inside its own pid namespace (last NSpid entry).
    public var innermostPID: Int32 { nsPID.last ?? pid }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyCodingKey.self)
        pid = try c.decode(Int32.self, "pid")
        ppid = try c.decode(Int32.self, "ppid")
        command = try c.decodeBytes(named: "command")
        commandLine = try c.decodeBytesArray(named: "commandLine")
        uids = try c.decode([UInt32].self, "uids")
        gids = try c.decode([UInt32].self, "gids")
        nsPID = try c.decode([Int32].self, "nsPID")
        nsTGID = try c.decode([Int32].self, "nsTGID")
        startTime = try c.decode(UInt64.self, "startTime")
        namespaces = try c.decode([NamespaceType: UInt64].self, "namespaces")
        pidForChildren = try c.decodeIfPresent(UInt64.self, "pidForChildren")
        timeForChildren = try c.decodeIfPresent(UInt64.self, "timeForChildren")
        threads = try c.decode([ThreadRecord].self, "threads")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        try c.encode(pid, forKey: "pid")
        try c.encode(ppid, forKey: "ppid")
        try c.encode(command, named: "command")
        try c.encode(commandLine, named: "commandLine")
        try c.encode(uids, forKey: "uids")
        try c.encode(gids, forKey: "gids")
        try c.encode(nsPID, forKey: "nsPID")
        try c.encode(nsTGID, forKey: "nsTGID")
        try c.encode(startTime, forKey: "startTime")
        try c.encode(namespaces, forKey: "namespaces")
        try c.encodeOrNull(pidForChildren, forKey: "pidForChildren")
        try c.encodeOrNull(timeForChildren, forKey: "timeForChildren")
        try c.encode(threads, forKey: "threads")
    }
}

/// A thread (`/proc/PID/task/TID`) whose namespaces differ from its process's main thread.
public struct ThreadRecord: Sendable, Hashable, Codable {
    /// The thread id in the reader's pid namespace.
    public var tid: Int32
    /// The namespace inode of each type this thread is in.
    public var namespaces: [NamespaceType: UInt64]
    /// Thread `tid` in these namespaces.
    public init(tid: Int32, namespaces: [NamespaceType: UInt64]) { self.tid = tid; self.namespaces = namespaces }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxSyscalls
import CutawayModel

/// Reads one IPC namespace from inside (on a ``NamespaceThread``): its System V objects from
/// `/proc/sysvipc/{shm,sem,msg}`, which show the IPC namespace of the thread that opens them
/// (proc(5), sysvipc(7)), and which existing mqueue mount shows its POSIX message queues.
enum IPCNamespaceReader {
    struct Result: Sendable {
        var sharedMemory: [SharedMemorySegment] = []
        var semaphoreSets: [SemaphoreSet] = []
        var messageQueues: [MessageQueue] = []
        var diagnostics: [Diagnostic] = []
        /// The index (into the candidates) of the mqueue mount that belongs to this namespace.
        var mqueueMount: Int?
        var problems: [String] = []
    }

    static let maximumFileBytes = 64 << 20

    /// Run on a thread inside the namespace. `candidates` are indexes into `mounts` of the
    /// mounts with queues in them, most likely first: a mount belongs to this namespace when
    /// one of its queues, opened here read-only with mq_open(3), is on the same superblock.
    /// (Opening a queue neither creates nor changes it; an empty mount cannot be tied this way.)
    static func read(mounts: [MqueueMount], candidates: [Int]) -> Result {
        var r = Result()
        func file(_ name: String) -> [UInt8]? {
            let path = "/proc/sysvipc/\(name)"
            switch boundedRead(path) {
            case .success(let bytes): return bytes
            case .failure(let e): r.problems.append(e.description); return nil
            }
        }
        if let shm = file("shm") { let p = SysVIPCParser.sharedMemory(shm); r.sharedMemory = p.objects; r.diagnostics += p.diagnostics }
        if let sem = file("sem") { let p = SysVIPCParser.semaphoreSets(sem); r.semaphoreSets = p.objects; r.diagnostics += p.diagnostics }
        if let msg = file("msg") { let p = SysVIPCParser.messageQueues(msg); r.messageQueues = p.objects; r.diagnostics += p.diagnostics }
        for i in candidates {
            // Two names, in case one queue is unlinked between the listing and now.
            for name in (mounts[i].names ?? []).prefix(2) {
                let path = [UInt8(ascii: "/")] + name.bytes + [0]
                let fd = path.withUnsafeBufferPointer { b in b.withMemoryRebound(to: CChar.self) { cutaway_mq_open_existing($0.baseAddress!) } }
                guard fd >= 0 else { continue }
                var st = stat()
                let same = fstat(fd, &st) == 0 && UInt64(st.st_dev) == mounts[i].device
                close(fd)
                if same { r.mqueueMount = i }
                break
            }
            if r.mqueueMount != nil { break }
        }
        return r
    }

    /// Reads a proc file to the end, at most ``maximumFileBytes``.
    static func boundedRead(_ path: String) -> Swift.Result<[UInt8], NamespaceReadError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.errno("open \(path)", errno)) }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while out.count < maximumFileBytes {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return .failure(.errno("read \(path)", errno)) }
            if n == 0 { return .success(out) }
            out.append(contentsOf: chunk[0..<n])
        }
        return .failure(.init("\(path) is larger than \(maximumFileBytes >> 20) MiB; not read"))
    }
}

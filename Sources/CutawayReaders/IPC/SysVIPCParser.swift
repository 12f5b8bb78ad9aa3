import CutawayModel

/// Parses `/proc/sysvipc/shm`, `/proc/sysvipc/sem` and `/proc/sysvipc/msg` (proc(5)): a
/// header line naming the columns, then one line per object. Columns are found by their
/// header names, so a kernel that adds columns (shm's `rss`, `swap`) parses the same. A line
/// that lacks a needed column or number is skipped and reported.
public enum SysVIPCParser {
    /// The objects of one file, and what was wrong with the lines that were skipped.
    public struct Parsed<T> {
        /// One object per good line, in the file's order.
        public var objects: [T]
        /// One per skipped line (or a missing header).
        public var diagnostics: [Diagnostic]
    }

    /// The segments of `/proc/sysvipc/shm` (shmget(2)).
    public static func sharedMemory(_ data: [UInt8], file: String = "/proc/sysvipc/shm") -> Parsed<SharedMemorySegment> {
        rows(data, file: file, needed: ["key", "shmid", "size", "uid", "nattch"]) { v in
            guard let key = Int64(v[0]), let id = Int64(v[1]), let size = UInt64(v[2]), let uid = UInt32(v[3]), let n = UInt64(v[4]) else { return nil }
            return SharedMemorySegment(key: key, id: id, bytes: size, ownerUID: uid, attached: n)
        }
    }

    /// The sets of `/proc/sysvipc/sem` (semget(2)).
    public static func semaphoreSets(_ data: [UInt8], file: String = "/proc/sysvipc/sem") -> Parsed<SemaphoreSet> {
        rows(data, file: file, needed: ["key", "semid", "nsems", "uid"]) { v in
            guard let key = Int64(v[0]), let id = Int64(v[1]), let n = UInt64(v[2]), let uid = UInt32(v[3]) else { return nil }
            return SemaphoreSet(key: key, id: id, semaphores: n, ownerUID: uid)
        }
    }

    /// The queues of `/proc/sysvipc/msg` (msgget(2)).
    public static func messageQueues(_ data: [UInt8], file: String = "/proc/sysvipc/msg") -> Parsed<MessageQueue> {
        rows(data, file: file, needed: ["key", "msqid", "qnum", "cbytes", "uid"]) { v in
            guard let key = Int64(v[0]), let id = Int64(v[1]), let q = UInt64(v[2]), let b = UInt64(v[3]), let uid = UInt32(v[4]) else { return nil }
            return MessageQueue(key: key, id: id, messages: q, bytes: b, ownerUID: uid)
        }
    }

    private static func rows<T>(_ data: [UInt8], file: String, needed: [String], _ make: ([String]) -> T?) -> Parsed<T> {
        var lines = ByteScanning.split(data[...], on: ByteScanning.newline).map { ByteScanning.words($0).map { String(decoding: $0, as: UTF8.self) } }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first else { return Parsed(objects: [], diagnostics: []) }
        let columns = needed.map { header.firstIndex(of: $0) }
        guard !columns.contains(nil) else {
            let missing = zip(needed, columns).filter { $0.1 == nil }.map(\.0)
            return Parsed(objects: [], diagnostics: [Diagnostic(file: file, line: 1, message: "header has no column \(missing.joined(separator: ", "))")])
        }
        var objects: [T] = [], diagnostics: [Diagnostic] = []
        for (n, words) in lines.enumerated().dropFirst() where !words.isEmpty {
            let values = columns.compactMap { $0 }.map { $0 < words.count ? words[$0] : "" }
            if let object = make(values) { objects.append(object) } else {
                diagnostics.append(Diagnostic(file: file, line: n + 1, message: "not a \(needed.joined(separator: "/")) line"))
            }
        }
        return Parsed(objects: objects, diagnostics: diagnostics)
    }
}

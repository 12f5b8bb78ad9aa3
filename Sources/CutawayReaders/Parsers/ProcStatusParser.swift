import CutawayModel

/// The fields cutaway needs from `/proc/PID/status` (proc_pid_status(5)).
public struct ProcStatus: Sendable, Equatable {
    public var tgid: Int32?
    public var pid: Int32?
    public var ppid: Int32?
    /// Real, effective, saved set, filesystem.
    public var uids: [UInt32] = []
    public var gids: [UInt32] = []
    /// `NSpid:`: outermost (reader's) pid namespace first, the process's own last.
    public var nsPID: [Int32] = []
    public var nsTGID: [Int32] = []
}

/// Parses `Key:\tvalue` lines; unknown keys are ignored, so newer kernels' fields do no harm.
public enum ProcStatusParser {
    public static func parse(_ data: [UInt8]) -> ProcStatus {
        var s = ProcStatus()
        for line in ByteScanning.lines(data) {
            guard let colon = line.firstIndex(of: ByteScanning.colon) else { continue }
            let key = line[line.startIndex..<colon]
            let value = line[(colon + 1)...]
            func ints<T: FixedWidthInteger>(_: T.Type) -> [T] { ByteScanning.words(value).compactMap { ByteScanning.decimal($0, as: T.self) } }
            switch String(decoding: key, as: UTF8.self) {
            case "Tgid": s.tgid = ints(Int32.self).first
            case "Pid": s.pid = ints(Int32.self).first
            case "PPid": s.ppid = ints(Int32.self).first
            case "Uid": s.uids = ints(UInt32.self)
            case "Gid": s.gids = ints(UInt32.self)
            case "NSpid": s.nsPID = ints(Int32.self)
            case "NStgid": s.nsTGID = ints(Int32.self)
            default: continue
            }
        }
        return s
    }
}

/// `/proc/PID/stat` (proc_pid_stat(5)): the command is in parentheses and may itself contain
/// `)` and spaces, so fields are counted after the *last* `)`.
public enum ProcStatParser {
    /// Field 22, `starttime`, in clock ticks after boot.
    public static func startTime(_ data: [UInt8]) -> UInt64? {
        guard let close = data.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = ByteScanning.words(data[(close + 1)...])
        // fields[0] is field 3 (state); field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return ByteScanning.decimal(fields[19], as: UInt64.self)
    }
}

/// The target of a namespace link (`/proc/PID/ns/*`, an fd, or an nsfs mount's root):
/// `TYPE:[INODE]`, e.g. `net:[4026531833]`.
public enum NamespaceLinkParser {
    public static func parse(_ bytes: some Collection<UInt8>) -> (type: NamespaceType, inode: UInt64)? {
        let b = Array(bytes)
        guard let colon = b.firstIndex(of: ByteScanning.colon), colon + 2 < b.count,
              b[colon + 1] == UInt8(ascii: "["), b.last == UInt8(ascii: "]"),
              let type = NamespaceType(rawValue: String(decoding: b[..<colon], as: UTF8.self)),
              let inode = ByteScanning.decimal(b[(colon + 2)..<(b.count - 1)], as: UInt64.self) else { return nil }
        return (type, inode)
    }
}

import CutawayModel

/// The fields cutaway needs from `/proc/PID/status` (proc_pid_status(5)).
public struct ProcStatus: Sendable, Equatable {
    /// `Tgid:`: the thread group id (the process id), in the reader's pid namespace.
    public var tgid: Int32?
    /// `Pid:`: the thread id, in the reader's pid namespace.
    public var pid: Int32?
    /// `PPid:`: the parent's pid; 0 when the parent is outside the reader's pid namespace.
    public var ppid: Int32?
    /// `Uid:`: real, effective, saved set, filesystem.
    public var uids: [UInt32] = []
    /// `Gid:`: real, effective, saved set, filesystem.
    public var gids: [UInt32] = []
    /// `NSpid:`: outermost (reader's) pid namespace first, the process's own last.
    public var nsPID: [Int32] = []
    /// `NStgid:`: the thread group id in the same namespaces, in the same order.
    public var nsTGID: [Int32] = []
}

/// What is wrong with one line of `/proc/PID/status`.
public enum ProcStatusError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not `Key:\tvalue`.
    case missingColon(text: String)
    /// A field cutaway uses whose value is not a list of numbers.
    case badNumber(field: String, text: String)
    /// `Uid:`/`Gid:` must list 4 ids (real, effective, saved set, filesystem); `Pid:` one.
    case wrongCount(field: String, count: Int, expected: Int)

    public var description: String {
        switch self {
        case .missingColon(let t): "not 'Key: value': \(t)"
        case .badNumber(let f, let t): "\(f) is not a number: \(t)"
        case .wrongCount(let f, let n, let e): "\(f) has \(n) value\(n == 1 ? "" : "s"), expected \(e)"
        }
    }
}

/// Parses `Key:\tvalue` lines; unknown keys are ignored, so newer kernels' fields do no harm.
/// A malformed line of a field cutaway uses (or a line with no colon) becomes a diagnostic
/// `FILE line N: what is wrong`, like mountinfo and uid_map; every good field is kept.
public enum ProcStatusParser {
    /// The fields of `data`, diagnostics dropped.
    public static func parse(_ data: [UInt8]) -> ProcStatus { parse(data, file: "status").status }

    /// The fields of `data`, and a diagnostic (naming `file`) per malformed line.
    public static func parse(_ data: [UInt8], file: String) -> (status: ProcStatus, diagnostics: [Diagnostic]) {
        var s = ProcStatus()
        var diagnostics: [Diagnostic] = []
        for (n, line) in ByteScanning.lines(data).enumerated() where !line.isEmpty {
            do throws(ProcStatusError) {
                try parseLine(line, into: &s)
            } catch {
                diagnostics.append(Diagnostic(file: file, line: n + 1, message: error.description))
            }
        }
        return (s, diagnostics)
    }

    static func parseLine(_ line: ArraySlice<UInt8>, into s: inout ProcStatus) throws(ProcStatusError) {
        guard let colon = line.firstIndex(of: ByteScanning.colon) else { throw .missingColon(text: ByteScanning.quoted(line)) }
        let key = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
        let value = line[(colon + 1)...]
        func ints<T: FixedWidthInteger>(_: T.Type, count expected: Int? = nil) throws(ProcStatusError) -> [T] {
            var out: [T] = []
            for word in ByteScanning.words(value) {
                guard let n = ByteScanning.decimal(word, as: T.self) else { throw .badNumber(field: key, text: ByteScanning.quoted(word)) }
                out.append(n)
            }
            if let expected, out.count != expected { throw .wrongCount(field: key, count: out.count, expected: expected) }
            return out
        }
        switch key {
        case "Tgid": s.tgid = try ints(Int32.self, count: 1).first
        case "Pid": s.pid = try ints(Int32.self, count: 1).first
        case "PPid": s.ppid = try ints(Int32.self, count: 1).first
        case "Uid": s.uids = try ints(UInt32.self, count: 4)
        case "Gid": s.gids = try ints(UInt32.self, count: 4)
        case "NSpid": s.nsPID = try ints(Int32.self)
        case "NStgid": s.nsTGID = try ints(Int32.self)
        default: return
        }
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

    /// Field 2, `comm`, without its parentheses: the same bytes as `/proc/PID/comm` without
    /// the newline (both are the kernel's proc_task_name, unescaped). The name may hold `)`
    /// and blanks: it runs from the first `(` to the last `)`.
    public static func command(_ data: [UInt8]) -> [UInt8]? {
        guard let open = data.firstIndex(of: UInt8(ascii: "(")), let close = data.lastIndex(of: UInt8(ascii: ")")), open < close else { return nil }
        return Array(data[(open + 1)..<close])
    }
}

/// The target of a namespace link (`/proc/PID/ns/*`, an fd, or an nsfs mount's root):
/// `TYPE:[INODE]`, e.g. `net:[4026531833]`.
public enum NamespaceLinkParser {
    /// The type and inode of a link target; nil for anything else (an fd that is not a namespace).
    public static func parse(_ bytes: some Collection<UInt8>) -> (type: NamespaceType, inode: UInt64)? {
        if let parsed = bytes.withContiguousStorageIfAvailable({ parse(buffer: $0) }) { return parsed }
        return Array(bytes).withUnsafeBufferPointer { parse(buffer: $0) }
    }

    /// The same on bytes in place (a link target read into a stack buffer): no copy, and the
    /// type is matched by its bytes, not through a `String`.
    public static func parse(buffer b: UnsafeBufferPointer<UInt8>) -> (type: NamespaceType, inode: UInt64)? {
        guard let colon = b.firstIndex(of: ByteScanning.colon), colon + 2 < b.count,
              b[colon + 1] == UInt8(ascii: "["), b.last == UInt8(ascii: "]"),
              let type = NamespaceType.allCases.first(where: { $0.rawValue.utf8.elementsEqual(b[..<colon]) }),
              let inode = ByteScanning.decimal(b[(colon + 2)..<(b.count - 1)], as: UInt64.self) else { return nil }
        return (type, inode)
    }
}

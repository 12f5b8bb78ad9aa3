import SystemPackage

/// Why a file under the proc root could not be read, in the terms a scan needs.
public enum ProcReadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// ENOENT / ESRCH: the process or thread exited (or the file does not exist).
    case gone
    /// EACCES / EPERM: the ptrace access check of proc(5) refused it.
    case permissionDenied
    /// EINVAL: e.g. mountinfo of a zombie.
    case invalid
    case other(errno: Int32)

    public init(errno: Errno) {
        switch errno {
        case .noSuchFileOrDirectory, .noSuchProcess: self = .gone
        case .permissionDenied, .notPermitted: self = .permissionDenied
        case .invalidArgument: self = .invalid
        default: self = .other(errno: errno.rawValue)
        }
    }

    public var description: String {
        switch self {
        case .gone: "no such process or file"
        case .permissionDenied: "permission denied"
        case .invalid: "invalid argument (zombie process?)"
        case .other(let e): Errno(rawValue: e).description
        }
    }

    /// Stable names for captures (`cutaway capture` records refused reads so replays refuse too).
    public var captureName: String {
        switch self {
        case .gone: "gone"
        case .permissionDenied: "permissionDenied"
        case .invalid: "invalid"
        case .other(let e): "errno:\(e)"
        }
    }

    public init?(captureName: String) {
        switch captureName {
        case "gone": self = .gone
        case "permissionDenied": self = .permissionDenied
        case "invalid": self = .invalid
        default:
            guard captureName.hasPrefix("errno:"), let e = Int32(captureName.dropFirst(6)) else { return nil }
            self = .other(errno: e)
        }
    }
}

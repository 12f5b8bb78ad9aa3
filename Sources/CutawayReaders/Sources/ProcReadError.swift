import CutawaySystem
import SystemPackage

/// Why a file under the proc root could not be read, in the terms a scan needs.
public enum ProcReadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// ENOENT / ESRCH: the process or thread exited (or the file does not exist).
    case gone
    /// EACCES / EPERM: the ptrace access check of proc(5) refused it.
    case permissionDenied
    /// EINVAL: e.g. mountinfo of a zombie.
    case invalid
    /// Not a regular file where one was expected (a capture whose `mountinfo` is a FIFO or a
    /// device, planted to hang or flood the reader): not opened for reading.
    case notRegularFile(kind: String)
    /// Larger than the read limit: not read, so that memory stays bounded.
    case tooLarge(limit: Int)
    /// ELOOP / EXDEV: a symlink, or a path leading out of the root it is read beneath.
    case outsideRoot
    /// Any other errno.
    case other(errno: Int32)

    /// The case an errno of open(2), read(2) or readlink(2) stands for.
    public init(errno: Errno) {
        switch errno {
        case .noSuchFileOrDirectory, .noSuchProcess: self = .gone
        case .permissionDenied, .notPermitted: self = .permissionDenied
        case .invalidArgument: self = .invalid
        case .tooManySymbolicLinkLevels, .improperLink: self = .outsideRoot
        default: self = .other(errno: errno.rawValue)
        }
    }

    /// The case a bounded regular-file read's error stands for.
    public init(_ error: SafeReadError) {
        switch error {
        case .system(let e): self.init(errno: e)
        case .notRegularFile: self = .notRegularFile(kind: error.description)
        case .tooLarge(let limit): self = .tooLarge(limit: limit)
        }
    }

    public var description: String {
        switch self {
        case .gone: "no such process or file"
        case .permissionDenied: "permission denied"
        case .invalid: "invalid argument (zombie process?)"
        case .notRegularFile(let kind): kind
        case .tooLarge(let limit): SafeReadError.tooLarge(limit: limit).description
        case .outsideRoot: "a symbolic link or a path out of the directory read; not followed"
        case .other(let e): Errno(rawValue: e).description
        }
    }

    /// A refusal for safety (a FIFO, device or link where a file should be, a file too
    /// large), as opposed to the kernel's "gone" or "not allowed": worth a diagnostic.
    public var isRefusal: Bool {
        switch self {
        case .notRegularFile, .tooLarge, .outsideRoot: true
        default: false
        }
    }

    /// Stable names for captures (`cutaway capture` records refused reads so replays refuse too).
    public var captureName: String {
        switch self {
        case .gone: "gone"
        case .permissionDenied: "permissionDenied"
        case .invalid: "invalid"
        case .notRegularFile: "notRegularFile"
        case .tooLarge(let limit): "tooLarge:\(limit)"
        case .outsideRoot: "outsideRoot"
        case .other(let e): "errno:\(e)"
        }
    }

    /// The error a capture's manifest recorded by ``captureName``; nil for a name it does not know.
    public init?(captureName: String) {
        switch captureName {
        case "gone": self = .gone
        case "permissionDenied": self = .permissionDenied
        case "invalid": self = .invalid
        case "notRegularFile": self = .notRegularFile(kind: "not a regular file")
        case "outsideRoot": self = .outsideRoot
        default:
            if captureName.hasPrefix("tooLarge:"), let limit = Int(captureName.dropFirst(9)) {
                self = .tooLarge(limit: limit)
                return
            }
            guard captureName.hasPrefix("errno:"), let e = Int32(captureName.dropFirst(6)) else { return nil }
            self = .other(errno: e)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxSyscalls
import SystemPackage

/// A pipe(2) whose two ends are close-on-exec from the start (pipe2(2) with `O_CLOEXEC`):
/// a child gets an end only by being handed it, never by inheriting it.
public struct PipePair: Sendable {
    /// The end to read from.
    public let readEnd: FileDescriptor
    /// The end to write to.
    public let writeEnd: FileDescriptor

    /// A new pipe; throws the errno of pipe2(2) (EMFILE, ENFILE).
    public init() throws(Errno) {
        var fds: [Int32] = [0, 0]
        guard cutaway_pipe_cloexec(&fds) == 0 else { throw Errno(rawValue: errno) }
        readEnd = FileDescriptor(rawValue: fds[0]); writeEnd = FileDescriptor(rawValue: fds[1])
    }
}

/// A child process started with posix_spawn(3): a program by its path, never a shell, with
/// the descriptors it is handed and nothing else of this process's (every descriptor cutaway
/// opens is close-on-exec).
public struct ChildProcess: Sendable {
    /// The child's process id.
    public let pid: pid_t

    /// Every signal number, 1 to 64, for `defaultSignals`: the set sigfillset(3) makes (glibc's
    /// sigaddset(3) refuses the two it reserves for itself, as sigfillset leaves them out).
    public static let allSignals = Array(Int32(1)...64)

    /// Starts `path` with `arguments` (argv, `argv[0]` included) and `environment`
    /// (`NAME=value` entries; nil: this process's environment). `descriptors` maps each of the
    /// child's descriptor numbers to the descriptor of this process it is a copy of
    /// (posix_spawn_file_actions_adddup2(3)). The child starts with no signal blocked and
    /// `defaultSignals` at their default action (posix_spawnattr_setsigdefault(3); ``allSignals``
    /// for every one), whatever this process ignores or handles; with `newProcessGroup`, in a
    /// process group of its own (posix_spawnattr_setpgroup(3)), so that the terminal's Ctrl-C
    /// reaches this process and not the child.
    public static func spawn(_ path: String, arguments: [String], environment: [String]? = nil,
                             descriptors: [(child: Int32, parent: FileDescriptor)],
                             defaultSignals: [Int32], newProcessGroup: Bool = false) throws(Errno) -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (child, parent) in descriptors { posix_spawn_file_actions_adddup2(&actions, parent.rawValue, child) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for signal in defaultSignals { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if newProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup($0) } + [nil] }
        defer { envp?.forEach { free($0) } }
        var pid: pid_t = 0
        let status = envp.map { posix_spawn(&pid, path, &actions, &attributes, argv, $0) }
            ?? posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard status == 0 else { throw Errno(rawValue: status) }
        return ChildProcess(pid: pid)
    }

    /// How a child ended, as waitpid(2) tells it.
    public enum Termination: Sendable, Equatable {
        /// It called exit(3) (or returned from main) with this status.
        case exited(Int32)
        /// A signal ended it.
        case killed(signal: Int32)
    }

    /// Waits for this child by its pid (waitpid(2), again after EINTR) and says how it ended.
    public func wait() -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .killed(signal: signal)
    }
}

import CLinuxSyscalls
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C, SIGTERM or SIGHUP arrived while a lesson ran; its sandbox has been ended.
public struct LessonInterrupted: Error, CustomStringConvertible {
    /// The signal number (SIGINT, SIGTERM or SIGHUP).
    public var signal: Int32
    public var description: String { "lesson interrupted by signal \(signal); its sandbox is gone (nothing was left behind)" }
}

/// The self-pipe that carries SIGINT, SIGTERM and SIGHUP to the lesson runner: the handler
/// (in C, `signal_pipe.c`) only writes the signal number into the pipe; every blocking wait
/// of the runner polls the read end too, and ends the sandbox in ordinary code.
final class SignalPipe {
    let readEnd: Int32
    private let writeEnd: Int32

    init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw LessonSandbox.Failure(description: "pipe: \(String(cString: strerror(errno)))") }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        readEnd = fds[0]; writeEnd = fds[1]
        guard cutaway_signal_pipe_install(writeEnd) == 0 else {
            close(readEnd); close(writeEnd)
            throw LessonSandbox.Failure(description: "sigaction: \(String(cString: strerror(errno)))")
        }
    }

    /// Default signal actions back, both ends closed.
    func remove() {
        _ = cutaway_signal_pipe_remove()
        close(readEnd); close(writeEnd)
    }

    /// A signal that arrived and was not yet handled, if any.
    func pending() -> Int32? {
        var byte: UInt8 = 0
        return read(readEnd, &byte, 1) == 1 ? Int32(byte) : nil
    }

    /// Waits until `fd` is readable; throws if a signal arrives first.
    func waitReadable(_ fd: Int32) throws(LessonInterrupted) {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)]
        while true {
            if let s = pending() { throw LessonInterrupted(signal: s) }
            let n = poll(&fds, 2, -1)
            if n < 0 { if errno == EINTR { continue } else { return } }
            if fds[1].revents != 0 { continue }
            if fds[0].revents != 0 { return }
        }
    }
}

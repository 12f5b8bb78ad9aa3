#if canImport(Glibc)
import Glibc
#endif
import CutawaySystem
import Foundation

/// The throwaway world a lesson runs in: one bash that is PID 1 of its own pid namespace,
/// with its own mount (private propagation), IPC, UTS (hostname `lesson-sandbox`) and network
/// namespaces, and a tmpfs at `$LAB`, started as
///
///     unshare --mount --propagation private --pid --fork --mount-proc --ipc --uts --net -- bash
///
/// It is not a container: the shell runs as root on the real file system (only `$LAB` is a
/// fresh tmpfs), so what a lesson's commands write outside `$LAB` is written on the host. It
/// gets a minimal environment (`PATH`, `HOME`, `LC_ALL=C.UTF-8`, `TERM=dumb`, and `LAB`,
/// `OUT`, `CUTAWAY_BIN`), nothing of the caller's.
///
/// The runner feeds the shell through its stdin and holds the write end of a second pipe,
/// the *lifeline*, whose read end a watchdog inside the sandbox waits on. When the runner
/// goes away in any way (done, Ctrl-C, even SIGKILL) both pipes close: the watchdog kills
/// every process of the sandbox (`kill -KILL -1`), the shell reads end-of-file and exits, and
/// as PID 1 it takes the pid namespace down; `unshare`, its parent, reaps it. So every process
/// the lesson started dies and is reaped, and with them go its mounts and namespaces. (Killing
/// `unshare` first would orphan the shell to the host's init and leave a zombie that pins the
/// pid namespace until init reaps it.) Only the empty `$LAB` directory can remain after a
/// SIGKILL, and the next run removes such leftovers. Signals reach the runner through a
/// ``SignalPipe``; every wait here polls it, so Ctrl-C ends the sandbox in ordinary code.
final class LessonSandbox {
    static let labPrefix = "cutaway-lesson-"

    let lab: String
    let pid: pid_t
    private let toShell: Int32
    private let fromShell: Int32
    private let lifeline: Int32
    private let signals: SignalPipe
    private var buffer: [UInt8] = []
    private var finished = false
    private let token = "@@CUTAWAY-\(UUID().uuidString.prefix(8))@@"

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Removes `/tmp/cutaway-lesson-<pid>-*` directories whose runner is gone: empty
    /// root-owned directories only (rmdir never follows a link and fails on a non-empty one).
    static func sweepLeftovers() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? [] where name.hasPrefix(labPrefix) {
            guard let owner = Int32(name.dropFirst(labPrefix.count).prefix { $0.isNumber }), owner > 0, owner != getpid(),
                  kill(owner, 0) != 0, errno == ESRCH else { continue }
            var st = stat()
            guard lstat("/tmp/" + name, &st) == 0, st.st_mode & S_IFMT == S_IFDIR, st.st_uid == getuid() else { continue }
            rmdir("/tmp/" + name)
        }
    }

    /// The lesson's environment: nothing of the caller's but what is named here.
    static func environment(lab: String, outputDirectory: String, cutawayBinary: String) -> [String] {
        ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LC_ALL=C.UTF-8",
         "TERM=dumb", "LAB=\(lab)", "OUT=\(outputDirectory)", "CUTAWAY_BIN=\(cutawayBinary)"]
    }

    init(cutawayBinary: String, outputDirectory: String, signals: SignalPipe) throws {
        self.signals = signals
        Self.sweepLeftovers()
        // A fresh directory nobody else can have planted (mkdtemp creates it, mode 0700).
        var template = Array("/tmp/\(Self.labPrefix)\(getpid())-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure(description: "cannot create a directory in /tmp: \(String(cString: strerror(errno)))") }
        lab = String(cString: made)
        // Close-on-exec from the start (pipe2): only the sandbox gets these, as 0, 1, 2 and 3.
        let inPipe: PipePair, outPipe: PipePair, lifePipe: PipePair
        do {
            inPipe = try PipePair()
            do { outPipe = try PipePair() } catch { Self.closeAll(inPipe); throw error }
            do { lifePipe = try PipePair() } catch { Self.closeAll(inPipe, outPipe); throw error }
        } catch {
            rmdir(lab)
            throw Failure(description: "pipe: \(error)")
        }
        let args = ["/usr/bin/unshare", "--mount", "--propagation", "private", "--pid", "--fork",
                    "--mount-proc", "--ipc", "--uts", "--net", "--", "/bin/bash", "--noprofile", "--norc"]
        let child: ChildProcess
        do {
            // Its own process group: Ctrl-C reaches the runner, which then ends the sandbox itself.
            child = try ChildProcess.spawn(
                args[0], arguments: args,
                environment: Self.environment(lab: lab, outputDirectory: outputDirectory, cutawayBinary: cutawayBinary),
                descriptors: [(0, inPipe.readEnd), (1, outPipe.writeEnd), (2, outPipe.writeEnd), (3, lifePipe.readEnd)],
                defaultSignals: ChildProcess.allSignals, newProcessGroup: true)
        } catch {
            Self.closeAll(inPipe, outPipe, lifePipe)
            rmdir(lab)
            throw Failure(description: "cannot start the lesson sandbox (/usr/bin/unshare from util-linux, /bin/bash): \(error)")
        }
        try? inPipe.readEnd.close(); try? outPipe.writeEnd.close(); try? lifePipe.readEnd.close()
        pid = child.pid
        toShell = inPipe.writeEnd.rawValue
        fromShell = outPipe.readEnd.rawValue
        lifeline = lifePipe.writeEnd.rawValue
        let setup = """
        ( exec 0</dev/null 1>/dev/null 2>&1; cat <&3; kill -KILL -1 ) &
        exec 3<&-
        set +e
        mount -t tmpfs cutaway-lesson "$LAB" || exit 97
        mount --make-private "$LAB"
        hostname lesson-sandbox
        cutaway() { "$CUTAWAY_BIN" "$@"; }
        cd "$LAB"
        """
        var ignored = ""
        let status: Int32
        do { status = try execute(setup) { ignored += $0 } } catch { finish(); throw error }
        guard status == 0 else {
            finish()
            throw Failure(description: "the lesson sandbox did not start (status \(status)): \(ignored)")
        }
    }

    /// Closes both ends of each pipe (a sandbox that could not start).
    private static func closeAll(_ pipes: PipePair...) {
        for p in pipes { try? p.readEnd.close(); try? p.writeEnd.close() }
    }

    /// Runs a script in the lesson's shell (its variables and background jobs persist),
    /// streaming its output line by line; returns its exit status. Throws when a signal
    /// arrives meanwhile (the caller then ends the sandbox with ``finish()``).
    @discardableResult
    func execute(_ script: String, output: (String) -> Void) throws(LessonInterrupted) -> Int32 {
        let wrapped = "{\n\(script)\n} 2>&1 </dev/null\nprintf '\\n\(token) %d\\n' \"$?\"\n"
        let bytes = Array(wrapped.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(toShell, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { if let s = signals.pending() { throw LessonInterrupted(signal: s) }; continue }
            if n <= 0 { return -1 }
            offset += n
        }
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let newline = buffer.firstIndex(of: 0x0a) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                if line.hasPrefix(token) { return Int32(line.dropFirst(token.count).trimmingCharacters(in: .whitespaces)) ?? -1 }
                output(line)
                continue
            }
            try signals.waitReadable(fromShell)
            let n = read(fromShell, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                if !buffer.isEmpty { output(String(decoding: buffer, as: UTF8.self)); buffer.removeAll() }
                return -1
            }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    /// Ends the sandbox: everything in it dies and is reaped; its mounts and namespaces go with it.
    func finish() {
        guard !finished else { return }
        finished = true
        close(lifeline); close(toShell); close(fromShell)
        var status: Int32 = 0
        var waited = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid || (r < 0 && errno != EINTR) { break }
            if waited == 100 { kill(pid, SIGKILL) } // last resort: something ignored the end of its input
            usleep(50_000)
            waited += 1
        }
        rmdir(lab)
    }
}

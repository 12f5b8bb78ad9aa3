#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxSyscalls
import CutawayModel

/// Runs work inside a network or IPC namespace on a short-lived thread of its own.
///
/// setns(2) with CLONE_NEWNET or CLONE_NEWIPC moves only the calling thread, and works in a
/// multi-threaded process (unlike CLONE_NEWNS and CLONE_NEWUSER). So cutaway starts a
/// dedicated pthread (never a thread of Swift's cooperative pool, which other tasks share),
/// enters the namespace there, does the work, and lets the thread end: no other thread of
/// cutaway ever changes namespace, and nothing is left behind. A netlink socket created on
/// that thread stays bound to the namespace (netlink(7)); `/proc/sysvipc/*` opened there
/// shows that IPC namespace (proc(5)).
///
/// When the thread is already in the namespace (the reader's own), it does not call setns,
/// so an unprivileged reader still sees its own namespaces.
enum NamespaceThread {
    /// CLONE_NEWNET or CLONE_NEWIPC, and the `/proc/thread-self/ns` name.
    enum Kind: Sendable {
        case network, ipc
        var flag: Int32 { self == .network ? CUTAWAY_CLONE_NEWNET : CUTAWAY_CLONE_NEWIPC }
        var linkName: String { self == .network ? "net" : "ipc" }
    }

    /// Enters `file`'s namespace (inode `inode`) on a new thread, runs `body` there and waits
    /// for the thread to end. The body is not run when the namespace cannot be entered.
    static func run<T>(in file: EnterableNamespace, inode: UInt64, kind: Kind, _ body: () -> T) -> Result<T, NamespaceReadError> {
        let fd = file.fd
        return withoutActuallyEscaping(body) { body in
            var outcome: Result<T, NamespaceReadError> = .failure(NamespaceReadError("the worker thread did not run"))
            let started = onNewThread {
                if currentInode(kind) != inode {
                    guard cutaway_setns(fd, kind.flag) == 0 else {
                        outcome = .failure(.errno("setns into \(kind.linkName):\(inode)", errno))
                        return
                    }
                    guard currentInode(kind) == inode else {
                        outcome = .failure(.init("setns into \(kind.linkName):\(inode) landed elsewhere"))
                        return
                    }
                }
                outcome = .success(body())
            }
            if let started { return .failure(started) }
            return outcome
        }
    }

    /// The inode of the calling thread's namespace of this kind.
    static func currentInode(_ kind: Kind) -> UInt64? {
        var st = stat()
        guard stat("/proc/thread-self/ns/\(kind.linkName)", &st) == 0 else { return nil }
        return UInt64(st.st_ino)
    }

    private final class Job {
        let work: () -> Void
        init(_ work: @escaping () -> Void) { self.work = work }
    }

    /// Runs `work` on a new joinable pthread and joins it. Returns an error if the thread
    /// could not be started (pthread_create(3)).
    private static func onNewThread(_ work: @escaping () -> Void) -> NamespaceReadError? {
        let job = Unmanaged.passRetained(Job(work)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let job = Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue()
            job.work()
            return nil
        }, job)
        guard rc == 0 else {
            Unmanaged<Job>.fromOpaque(job).release()
            return .errno("pthread_create", rc)
        }
        pthread_join(thread, nil)
        return nil
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxSyscalls
import CutawayModel

/// Runs work inside network or IPC namespaces on a small pool of threads of its own.
///
/// setns(2) with CLONE_NEWNET or CLONE_NEWIPC moves only the calling thread, and works in a
/// multi-threaded process (unlike CLONE_NEWNS and CLONE_NEWUSER). So cutaway starts a few
/// dedicated pthreads (never threads of Swift's cooperative pool or of Dispatch, which other
/// work shares), one per core; each takes the next namespace, enters it, does the work, and
/// goes on to the next, and the threads end when every namespace is done: no other thread of
/// cutaway ever changes namespace, and nothing is left behind. A netlink socket created on
/// such a thread stays bound to the namespace it was in (netlink(7)); `/proc/sysvipc/*`
/// opened there shows that IPC namespace (proc(5)).
///
/// When the thread is already in the namespace (the reader's own), it does not call setns,
/// so an unprivileged reader still sees its own namespaces. Results come back in job order,
/// whichever thread did the job.
enum NamespaceThread {
    /// Network or IPC, and the `/proc/thread-self/ns` name.
    enum Kind: Sendable {
        case network, ipc
        var type: NamespaceType { self == .network ? .net : .ipc }
        var linkName: String { type.rawValue }
    }

    /// One namespace to look inside: how to open it and what to do there.
    struct Job<T> {
        var kind: Kind
        var inode: UInt64
        /// Opens the namespace (on the worker thread, so the opens are spread too).
        var open: () -> Result<EnterableNamespace, NamespaceReadError>
        /// Runs on the worker thread once it is inside the namespace.
        var body: () -> T
    }

    /// The threads used: the cores this process may use, at most one per job.
    static func threadCount(jobs: Int) -> Int {
        max(1, min(jobs, ParallelMap.workers))
    }

    /// Runs every job on up to ``threadCount(jobs:)`` new threads and returns their results
    /// in job order. A job whose namespace cannot be opened or entered gives that error and
    /// its body is not run; the thread goes on with the next job (a failed setns leaves the
    /// thread where it was).
    static func run<T>(_ jobs: [Job<T>]) -> [Result<T, NamespaceReadError>] {
        guard !jobs.isEmpty else { return [] }
        let slots = UnsafeMutableBufferPointer<Result<T, NamespaceReadError>?>.allocate(capacity: jobs.count)
        slots.initialize(repeating: nil)
        defer { slots.deinitialize(); slots.deallocate() }
        let next = JobCounter()
        let out = UncheckedBox(slots)
        let threads = threadCount(jobs: jobs.count)
        withoutActuallyEscaping({ (i: Int, here: inout Whereabouts) in out.value[i] = perform(jobs[i], &here) }) { perform in
            let work = UncheckedBox(perform)
            var started: [pthread_t] = []
            var failure: NamespaceReadError?
            for _ in 0..<threads {
                switch startThread({
                    var here = Whereabouts()
                    while let i = next.take(below: jobs.count) { work.value(i, &here) }
                }) {
                case .success(let thread): started.append(thread)
                case .failure(let e): failure = e
                }
            }
            for thread in started { pthread_join(thread, nil) }
            // No thread could be started: every job that did not run says why.
            if started.isEmpty, let failure {
                for i in 0..<jobs.count where out.value[i] == nil { out.value[i] = .failure(failure) }
            }
        }
        return slots.map { $0 ?? .failure(NamespaceReadError("the worker thread did not run")) }
    }

    /// The namespaces a worker thread is in, as far as it knows: read from
    /// `/proc/thread-self/ns` the first time a kind is needed, then kept as the thread moves
    /// (only setns(2) on this thread moves it, and only into the namespace of the file given).
    struct Whereabouts {
        private var known: [Kind: UInt64?] = [:]

        /// The thread's namespace of this kind.
        mutating func inode(_ kind: Kind) -> UInt64? {
            if let inode = known[kind] { return inode }
            let inode = currentInode(kind)
            known[kind] = .some(inode)
            return inode
        }

        /// The thread is now in `inode`.
        mutating func entered(_ kind: Kind, _ inode: UInt64) { known[kind] = .some(inode) }
    }

    /// Opens and enters the job's namespace on the calling (worker) thread, then runs its body.
    /// The file was checked to be that namespace (nsfs, the job's inode) when it was opened
    /// (``EnterableNamespace``), so a setns(2) that succeeds has put the thread there.
    private static func perform<T>(_ job: Job<T>, _ here: inout Whereabouts) -> Result<T, NamespaceReadError> {
        let file: EnterableNamespace
        switch job.open() {
        case .success(let f): file = f
        case .failure(let e): return .failure(e)
        }
        if here.inode(job.kind) != job.inode {
            guard cutaway_setns(file.fd, job.kind.type.cloneFlag) == 0 else {
                return .failure(.errno("setns into \(job.kind.linkName):\(job.inode)", errno))
            }
            here.entered(job.kind, job.inode)
        }
        return .success(job.body())
    }

    /// The inode of the calling thread's namespace of this kind.
    static func currentInode(_ kind: Kind) -> UInt64? {
        var st = stat()
        guard stat("/proc/thread-self/ns/\(kind.linkName)", &st) == 0 else { return nil }
        return UInt64(st.st_ino)
    }

    private final class Thunk {
        let work: () -> Void
        init(_ work: @escaping () -> Void) { self.work = work }
    }

    /// Starts `work` on a new joinable pthread (pthread_create(3)).
    private static func startThread(_ work: @escaping () -> Void) -> Result<pthread_t, NamespaceReadError> {
        let thunk = Unmanaged.passRetained(Thunk(work)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            Unmanaged<Thunk>.fromOpaque(raw!).takeRetainedValue().work()
            return nil
        }, thunk)
        guard rc == 0 else {
            Unmanaged<Thunk>.fromOpaque(thunk).release()
            return .failure(.errno("pthread_create", rc))
        }
        return .success(thread)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxSyscalls
import CutawayModel
import CutawaySystem
import SystemPackage

/// Answers "who is the parent / owner of this namespace" for a ``ProcSource``.
public protocol NamespaceInspector: AnyObject {
    /// The facts of namespace `type:[inode]`, reached through `path` (relative to the proc root),
    /// and of every ancestor and owner found on the way.
    func inspect(path: String, type: NamespaceType, inode: UInt64) -> NamespaceInspection
    /// Everything learned so far (recorded into captures).
    var knownFacts: [NamespaceFacts] { get }
}

/// The live answer, through the nsfs ioctls of ioctl_ns(2) on a namespace file under the
/// proc root (`PID/ns/TYPE`, `PID/fd/N`, `PID/root/run/netns/NAME`), opened by
/// ``NamespaceFile/open(_:)``: `O_PATH` first, checked to be on nsfs, only then re-opened for
/// the ioctls. An fd swapped for a FIFO or a device between readlink and open is never opened
/// for I/O (no hang, no driver called); it reads as gone.
/// Opening a namespace file does not enter it: the calling process's namespaces never change.
///
/// - NS_GET_PARENT / NS_GET_USERNS fail with EPERM at the top of what the reader may see
///   (the initial namespace, or the reader's own user namespace): that is the end of the
///   chain, not an error.
/// - Ancestors that no process is in any more are found by following the returned fds.
/// - Each namespace is asked once (memoized by type and inode).
/// - The files of the user and pid namespaces asked last stay open (a few, see
///   ``heldLimit``): NS_GET_USERNS and NS_GET_PARENT only ever return those two types, and
///   nsfs keeps a namespace's dentry only while a file holds it, so with the file held the
///   next namespace that asks for the same owner or parent reuses it instead of building a
///   new dentry and inode and freeing them again on close (most of the cost of the ioctls).
///   Namespaces are asked in the order processes showed them, a container's together, so
///   the owner they share is among the last held. Few, because a process's fd table that
///   outgrows its 64 first slots while threads share it waits for an RCU grace period
///   (expand_fdtable in fs/file.c), which costs more than the dentries saved.
public final class LiveNamespaceInspector: NamespaceInspector {
    private let procRoot: FilePath
    private var memo = [SnapshotIndex.NamespaceKey: NamespaceFacts](minimumCapacity: 1024)
    /// Descriptors of user and pid namespaces kept open, with when each was last wanted;
    /// closed by deinit.
    private var held: [(key: SnapshotIndex.NamespaceKey, fd: Int32, used: Int)] = []
    private var clock = 0
    /// How many namespace files an inspector keeps open at most.
    public static let heldLimit = 12

    /// An inspector of namespace files under `procRoot`.
    public init(procRoot: FilePath = "/proc") { self.procRoot = procRoot }

    deinit { for h in held { close(h.fd) } }

    /// Done with `fd`, the file of namespace `key`: a user or pid namespace asked for the first
    /// time is kept open (closing the one wanted longest ago when ``heldLimit`` are open);
    /// anything else is closed.
    private func release(_ fd: Int32, key: SnapshotIndex.NamespaceKey, new: Bool) {
        clock += 1
        guard new, key.type.isHierarchical else {
            if let i = held.firstIndex(where: { $0.key == key }) { held[i].used = clock }
            close(fd)
            return
        }
        if held.count == Self.heldLimit, let oldest = held.indices.min(by: { held[$0].used < held[$1].used }) {
            close(held[oldest].fd)
            held.remove(at: oldest)
        }
        held.append((key, fd, clock))
    }

    public var knownFacts: [NamespaceFacts] { Array(memo.values) }

    public func inspect(path: String, type: NamespaceType, inode: UInt64) -> NamespaceInspection {
        inspect(type: type, inode: inode) { () throws(NamespaceFileError) in try open(path) }
    }

    /// Like ``inspect(path:type:inode:)``, through the member link `name` (`net`, `pid`, …) of
    /// a process's `ns` directory open on `directory` (a descriptor of `/proc/PID/ns` under
    /// this inspector's proc root): the open looks up one name instead of the whole path.
    /// `path` is the same link from the proc root, used if the nsfs device is unknown.
    func inspect(link name: String, in directory: Int32, path: String, type: NamespaceType, inode: UInt64) -> NamespaceInspection {
        guard let device = nsfsDevice else { return inspect(path: path, type: type, inode: inode) }
        return inspect(type: type, inode: inode) { () throws(NamespaceFileError) in
            let fd = openat(directory, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
            return try Self.checked(fd, device: device)
        }
    }

    private func inspect(type: NamespaceType, inode: UInt64, open: () throws(NamespaceFileError) -> (fd: Int32, inode: UInt64?)) -> NamespaceInspection {
        if let known = memo[.init(type, inode)] { return NamespaceInspection(subject: known) }
        let opened: (fd: Int32, inode: UInt64?)
        do { opened = try open() } catch {
            switch error {
            case .system(let e): return NamespaceInspection(subject: nil, openError: ProcReadError(errno: e))
            case .notANamespace: return NamespaceInspection(subject: nil, openError: .gone)
            }
        }
        let fd = opened.fd
        // The link can change between readlink and open (setns): describe what was opened.
        let actual = opened.inode ?? inode
        let new = memo[.init(type, actual)] == nil
        var discovered: [NamespaceFacts] = []
        let facts = describe(fd: fd, type: type, inode: actual, discovered: &discovered)
        release(fd, key: .init(type, actual), new: new)
        guard actual == inode else {
            return NamespaceInspection(subject: nil, discovered: discovered + [facts], openError: .gone)
        }
        return NamespaceInspection(subject: facts, discovered: discovered)
    }

    /// The st_dev of nsfs (every namespace file is on its one superblock), learned from the
    /// reader's own `self/ns/net` when the proc root is procfs; nil otherwise.
    private lazy var nsfsDevice: UInt64? = {
        let fd = procRoot.withPlatformString { Glibc.open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard FileSystemType.of(FileDescriptor(rawValue: fd)) == .proc,
              let own = try? NamespaceFile.open(procRoot.appending("self/ns/net")) else { return nil }
        defer { try? own.close() }
        var st = stat()
        return fstat(own.rawValue, &st) == 0 ? UInt64(st.st_dev) : nil
    }()

    /// Opens the namespace file at `path` (under the proc root) for the ioctls; returns the
    /// descriptor and, when the open already learned it, the namespace's inode.
    ///
    /// A member link, `PID/ns/TYPE` or `PID/task/TID/ns/TYPE`, on procfs can only resolve to
    /// an nsfs file (the kernel's proc_ns_get_link gives nothing else, never a FIFO or a
    /// device), so it is opened read-only at once and then checked to be on nsfs by its
    /// st_dev: one open instead of ``NamespaceFile/open(_:)``'s `O_PATH` open, fstatfs and
    /// re-open. Anything else (an fd, a bind mount) goes through ``NamespaceFile/open(_:)``.
    private func open(_ path: String) throws(NamespaceFileError) -> (fd: Int32, inode: UInt64?) {
        guard Self.isMemberLink(path), let device = nsfsDevice else {
            let fd = try NamespaceFile.open(procRoot.appending(path)).rawValue
            return (fd, Self.inode(of: fd))
        }
        let fd = procRoot.appending(path).withPlatformString { Glibc.open($0, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) }
        return try Self.checked(fd, device: device)
    }

    /// The descriptor `fd` just opened from a member link, with its inode, if it is on nsfs
    /// (st_dev is `device`); closed and refused otherwise.
    private static func checked(_ fd: Int32, device: UInt64) throws(NamespaceFileError) -> (fd: Int32, inode: UInt64?) {
        guard fd >= 0 else { throw .system(Errno(rawValue: errno)) }
        var st = stat()
        guard fstat(fd, &st) == 0, UInt64(st.st_dev) == device else { close(fd); throw .notANamespace }
        return (fd, UInt64(st.st_ino))
    }

    /// `PID/ns/NAME` or `PID/task/TID/ns/NAME`.
    static func isMemberLink(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        func number(_ s: Substring) -> Bool { !s.isEmpty && s.allSatisfy { ("0"..."9").contains($0) } }
        func name(_ s: Substring) -> Bool { !s.isEmpty && s.allSatisfy { ("a"..."z").contains($0) || $0 == "_" } }
        switch parts.count {
        case 3: return number(parts[0]) && parts[1] == "ns" && name(parts[2])
        case 5: return number(parts[0]) && parts[1] == "task" && number(parts[2]) && parts[3] == "ns" && name(parts[4])
        default: return false
        }
    }

    static func inode(of fd: Int32) -> UInt64? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return UInt64(st.st_ino)
    }

    private func describe(fd: Int32, type: NamespaceType, inode: UInt64, discovered: inout [NamespaceFacts]) -> NamespaceFacts {
        let key = SnapshotIndex.NamespaceKey(type, inode)
        if let known = memo[key] { return known }
        var facts = NamespaceFacts(type: type, inode: inode)
        memo[key] = facts // breaks any loop while ancestors are asked

        var id: UInt64 = 0
        if cutaway_ns_get_id(fd, &id) == 0 { facts.id = id }

        if type.isHierarchical {
            let parentFD = cutaway_ns_get_parent(fd)
            if parentFD >= 0 {
                var new = false
                if let p = Self.inode(of: parentFD) {
                    facts.parent = p
                    new = memo[.init(type, p)] == nil
                    if new { discovered.append(describe(fd: parentFD, type: type, inode: p, discovered: &discovered)) }
                }
                release(parentFD, key: .init(type, facts.parent ?? 0), new: new)
            } else if let problem = Self.problem(errno, asking: "parent") {
                facts.problems.append(problem)
            }
        }
        let ownerFD = cutaway_ns_get_userns(fd)
        if ownerFD >= 0 {
            var new = false
            if let o = Self.inode(of: ownerFD) {
                facts.owner = o
                new = memo[.init(.user, o)] == nil
                if new { discovered.append(describe(fd: ownerFD, type: .user, inode: o, discovered: &discovered)) }
            }
            release(ownerFD, key: .init(.user, facts.owner ?? 0), new: new)
        } else if let problem = Self.problem(errno, asking: "owner") {
            facts.problems.append(problem)
        }
        if type == .user {
            var uid: UInt32 = 0
            if cutaway_ns_get_owner_uid(fd, &uid) == 0 { facts.ownerUID = uid }
        }
        memo[key] = facts
        return facts
    }

    /// nil for "no answer by design" (EPERM: top of the visible hierarchy), a sentence otherwise.
    private static func problem(_ code: Int32, asking what: String) -> String? {
        switch code {
        case EPERM: nil
        case ENOTTY, ENOSYS: "\(what): this kernel has no nsfs ioctls (Linux 4.9+ needed)"
        default: "\(what): \(Errno(rawValue: code))"
        }
    }

    /// Probes the interfaces on the reader's own pid namespace: (hierarchy, ids).
    static func probe(procRoot: FilePath) -> (hierarchy: Bool, ids: Bool) {
        guard let file = try? NamespaceFile.open(procRoot.appending("self/ns/pid")) else { return (false, false) }
        defer { try? file.close() }
        let fd = file.rawValue
        let p = cutaway_ns_get_parent(fd)
        let hierarchy = p >= 0 || errno == EPERM
        if p >= 0 { close(p) }
        var id: UInt64 = 0
        return (hierarchy, cutaway_ns_get_id(fd, &id) == 0)
    }
}

/// A capture's answer: the facts recorded by the live inspector when the capture was made.
public final class CapturedNamespaceInspector: NamespaceInspector {
    private let table: [SnapshotIndex.NamespaceKey: NamespaceFacts]

    /// An inspector that answers from `facts` (a capture's manifest).
    public init(facts: [NamespaceFacts]) {
        var t: [SnapshotIndex.NamespaceKey: NamespaceFacts] = [:]
        for f in facts { t[.init(f.type, f.inode)] = f }
        table = t
    }

    public var knownFacts: [NamespaceFacts] { Array(table.values) }

    public func inspect(path: String, type: NamespaceType, inode: UInt64) -> NamespaceInspection {
        guard let subject = table[.init(type, inode)] else { return NamespaceInspection(subject: nil, openError: .gone) }
        var discovered: [NamespaceFacts] = []
        var seen: Set<SnapshotIndex.NamespaceKey> = [.init(type, inode)]
        var queue = [subject]
        while let f = queue.popLast() {
            var next: [SnapshotIndex.NamespaceKey] = []
            if let p = f.parent { next.append(.init(f.type, p)) }
            if let o = f.owner { next.append(.init(.user, o)) }
            for k in next where seen.insert(k).inserted {
                if let g = table[k] { discovered.append(g); queue.append(g) }
            }
        }
        return NamespaceInspection(subject: subject, discovered: discovered)
    }
}

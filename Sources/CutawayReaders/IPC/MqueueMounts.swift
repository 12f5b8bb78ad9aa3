#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxSyscalls
import CutawayModel
import CutawaySystem
import SystemPackage

/// The mounts of the mqueue file system already present in the mount tables of a snapshot,
/// listed through `/proc/PID/root` (mq_overview(7): each IPC namespace has one mqueue
/// superblock; every mount made in that IPC namespace shows the same queues). cutaway never
/// mounts one.
struct MqueueMount: Sendable {
    var mountNamespace: UInt64
    var pid: Int32
    var mountPoint: ByteString
    /// st_dev of the superblock (mountinfo's MAJOR:MINOR).
    var device: UInt64
    /// The queue names, sorted; nil when the directory could not be listed.
    var names: [ByteString]?
    var problem: String?

    var shown: String { "\(mountPoint) in mnt:\(mountNamespace)" }

    static let maximumEntries = 100_000

    /// One entry per mqueue superblock (a superblock mounted in several places is listed once).
    static func find(in tables: [MountTable], procRoot: String) -> [MqueueMount] {
        var seen: Set<UInt64> = []
        var out: [MqueueMount] = []
        for table in tables {
            for m in table.mounts where m.fsType.bytes == Array("mqueue".utf8) {
                guard let device = deviceNumber(m.majorMinor), seen.insert(device).inserted else { continue }
                var mount = MqueueMount(mountNamespace: table.mountNamespace, pid: table.readFrom, mountPoint: m.mountPoint, device: device)
                switch list(mount, procRoot: procRoot) {
                case .success(let names): mount.names = names
                case .failure(let e): mount.problem = e.description; seen.remove(device)
                }
                out.append(mount)
            }
        }
        return out
    }

    /// `0:23` -> makedev(0, 23), as glibc's gnu_dev_makedev encodes it.
    static func deviceNumber(_ majorMinor: String) -> UInt64? {
        let parts = majorMinor.split(separator: ":")
        guard parts.count == 2, let major = UInt64(parts[0]), let minor = UInt64(parts[1]) else { return nil }
        return ((major & 0xffff_f000) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffff_ff00) << 12) | (minor & 0xff)
    }

    private static func list(_ m: MqueueMount, procRoot: String) -> Result<[ByteString], NamespaceReadError> {
        let pathFD: Int32
        switch RootedPath.open(pid: m.pid, path: m.mountPoint.bytes, directory: true, procRoot: procRoot) {
        case .success(let fd): pathFD = fd
        case .failure(let e): return .failure(e)
        }
        defer { close(pathFD) }
        guard FileSystemType.of(FileDescriptor(rawValue: pathFD)) == .mqueue else { return .failure(.init("\(m.shown) is no longer an mqueue mount")) }
        var st = stat()
        guard fstat(pathFD, &st) == 0, UInt64(st.st_dev) == m.device else { return .failure(.init("\(m.shown) is now another mount")) }
        let fd = open("/proc/self/fd/\(pathFD)", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.errno("open \(m.shown)", errno)) }
        guard let dir = fdopendir(fd) else { close(fd); return .failure(.errno("list \(m.shown)", errno)) }
        defer { closedir(dir) }
        var names: [ByteString] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name == [46] || name == [46, 46] { continue }
            names.append(ByteString(name))
            if names.count >= maximumEntries { break }
        }
        return .success(names.sorted())
    }
}

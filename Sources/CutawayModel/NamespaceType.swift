/// The eight namespace types of namespaces(7), named as in `/proc/PID/ns/TYPE`.
public enum NamespaceType: String, Codable, CaseIterable, Sendable, Comparable, CodingKeyRepresentable {
    /// The name of the type's link in `/proc/PID/ns` (namespaces(7)).
    case cgroup, ipc, mnt, net, pid, time, user, uts

    /// Only pid and user namespaces form a parent hierarchy (NS_GET_PARENT).
    public var isHierarchical: Bool { self == .pid || self == .user }

    /// The order lsns and cutaway list types in.
    public static func < (lhs: NamespaceType, rhs: NamespaceType) -> Bool { lhs.rank < rhs.rank }

    /// The type's place in that order: user, pid, mnt, net, ipc, uts, cgroup, time.
    @inline(__always) var rank: Int {
        switch self {
        case .user: 0
        case .pid: 1
        case .mnt: 2
        case .net: 3
        case .ipc: 4
        case .uts: 5
        case .cgroup: 6
        case .time: 7
        }
    }

    /// Equal cases (the raw-value default compares the strings).
    public static func == (lhs: NamespaceType, rhs: NamespaceType) -> Bool { lhs.rank == rhs.rank }

    /// Hashes the case (the raw-value default hashes the string), for the scans' tables
    /// keyed by namespace.
    public func hash(into hasher: inout Hasher) { hasher.combine(rank) }

    /// A one-line reminder of what the type isolates (namespaces(7)).
    public var isolates: String {
        switch self {
        case .cgroup: "cgroup root directory"
        case .ipc: "System V IPC, POSIX message queues"
        case .mnt: "mount points"
        case .net: "network devices, stacks, ports, firewall"
        case .pid: "process IDs"
        case .time: "boot and monotonic clocks"
        case .user: "user and group IDs"
        case .uts: "hostname and NIS domain name"
        }
    }

    /// The type's `CLONE_NEW*` flag (clone(2), setns(2); values from linux/sched.h): what
    /// `setns(fd, nstype)` is given to check that `fd` is a namespace of this type.
    public var cloneFlag: Int32 {
        switch self {
        case .cgroup: 0x0200_0000
        case .ipc: 0x0800_0000
        case .mnt: 0x0002_0000
        case .net: 0x4000_0000
        case .pid: 0x2000_0000
        case .time: 0x0000_0080
        case .user: 0x1000_0000
        case .uts: 0x0400_0000
        }
    }
}

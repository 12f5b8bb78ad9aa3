import CutawayModel

/// What a container is made of: image layers + its own
/// upper layer -> merged dir -> the root of its own mount namespace (pivot_root), host paths
/// bind-mounted in, fresh namespaces (and those it shares with the host), its PID 1.
public enum ContainerReport {
    /// A container's bind mounts (root not `/`), split into host paths on real filesystems and
    /// the engine's masks and views of kernel filesystems (/proc/..., /sys/fs/cgroup/...).
    public static func bindMounts(in table: MountTable) -> (hostPaths: [Mount], kernelFilesystems: [Mount]) {
        let kernelFS: Set<ByteString> = ["proc", "sysfs", "cgroup", "cgroup2", "tmpfs", "devpts", "mqueue", "devtmpfs"]
        let binds = table.mounts.filter { $0.root != "/" && $0.fsType != "overlay" && $0.mountPoint != "/" }
        return (binds.filter { !kernelFS.contains($0.fsType) }, binds.filter { kernelFS.contains($0.fsType) })
    }

    /// One line naming the container: engine, role, name and short id (or containerd's
    /// `NAMESPACE/ID`), its pod, image and store owner, escaped for terminals.
    public static func title(_ c: Container) -> String {
        var s = "\(c.engine.rawValue) " + (c.role == .sandbox ? "pod sandbox" : "container") + " "
        s += c.name == c.id ? (c.engineNamespace.map { $0 + "/" } ?? "") + c.id : "\(c.name) (\(c.shortID))"
        if let pod = c.pod { s += ", " + (c.role == .sandbox ? "" : "container \(c.podContainerName ?? "?") of ") + "pod \(pod.namespace)/\(pod.name)" }
        if let image = c.image { s += ", image \(image)" }
        if let owner = c.storeOwner { s += " [\(owner)]" }
        return TerminalText.escape(s)
    }

    /// What the running container is made of, in text: its root mount and overlay layers, its
    /// bind mounts, its namespaces (own or the host's) and its PID 1; for a stopped container,
    /// one sentence saying so.
    public static func anatomy(_ c: Container, index: SnapshotIndex) -> String {
        var out = ""
        guard let pid = c.pid, let p = index.process(pid) else {
            return "The container is not running: no process has its overlay as root. Its layers are read from \(TerminalText.escape(c.storeRoot)).\n"
        }
        let mnt = p.namespaces[.mnt]
        if let mnt, let table = index.mountTable(mnt), let root = table.rootMount {
            if table.rootOverlay != nil {
                out += "Its merged dir\(c.mergedDir.map { " \(TerminalText.escape($0))" } ?? "") is the container's / : the root mount of its mount namespace mnt:\(mnt) (the engine pivot_root'ed into it).\n"
            } else {
                out += "Its root (/) in mnt:\(mnt) is a \(root.fsType) mount, not an overlay.\n"
            }
            let (hostPaths, kernelMounts) = bindMounts(in: table)
            if !hostPaths.isEmpty {
                out += "Host paths bind-mounted in before pivot_root (filesystem:path on the host -> path inside):\n"
                for b in hostPaths { out += "  \(b.source):\(b.root) -> \(b.mountPoint)\(b.mountOptions.hasPrefix("ro") ? " (read-only)" : "")\n" }
            }
            let masks = kernelMounts.count
            if masks > 0 {
                out += "  and \(Count.of(masks, "bind mount")) of kernel filesystems (masked /proc entries, its cgroup directories): `cutaway mounts --pid \(pid)` lists them\n"
            }
        } else {
            for b in c.bindMounts { out += "  engine record: \(TerminalText.escape(b.source)) -> \(TerminalText.escape(b.destination))\(b.readOnly ? " (read-only)" : "")\n" }
        }
        let inner = p.innermostPID
        out += "Its PID 1 is host PID \(pid) (\(p.command))" + (inner == 1 ? "; inside, it sees itself as PID 1.\n" : "; inside, it is PID \(inner).\n")
        let reader = index.snapshot.reader.namespaces
        let own = NamespaceType.allCases.sorted().filter { t in p.namespaces[t] != nil && p.namespaces[t] != reader[t] }
        let shared = NamespaceType.allCases.sorted().filter { t in p.namespaces[t] != nil && p.namespaces[t] == reader[t] }
        out += "Namespaces of its own: " + (own.isEmpty ? "none" : own.map { "\($0.rawValue):\(p.namespaces[$0]!)" }.joined(separator: " ")) + "\n"
        if let net = p.namespaces[.net], let contents = index.snapshot.network(net) {
            out += net == reader[.net]
                ? "It uses the host's network namespace net:\(net) (no network isolation).\n"
                : "Its network namespace net:\(net) has: " + NetworkReport.deviceSummary(contents, index: index).joined(separator: ", ") + "\n"
        }
        if !shared.isEmpty {
            out += "Shared with the host: " + shared.map(\.rawValue).joined(separator: " ") + "\n"
            if shared.contains(.user) {
                out += "No user namespace of its own: root in the container IS root on the host (uid 0 = uid 0).\n"
            }
        }
        return out
    }

    /// The snapshot's containers, pods first (sandbox, then containers, with what they share),
    /// then the containers outside any pod; for `report.txt`.
    public static func section(_ snapshot: Snapshot) -> String {
        guard !snapshot.containers.isEmpty else { return "" }
        var out = "\n== Containers and pods\n\n"
        func line(_ c: Container) -> String {
            let state = c.pid.map { "PID 1 = host PID \($0)" } ?? "not running"
            return "\(title(c)); \(Count.of(c.layers.count, "layer")); \(state)\n"
        }
        for pod in Pod.group(snapshot.containers) {
            out += "pod \(pod.ref.namespace)/\(pod.ref.name) (sandbox \(pod.ref.sandboxID.prefix(12)))\n"
            if let sandbox = pod.sandbox {
                out += "  sandbox: " + line(sandbox)
                let reader = snapshot.reader.namespaces
                let shared = NamespaceType.allCases.sorted().filter { t in
                    guard let ns = sandbox.namespaces[t], ns != reader[t] else { return false }
                    return pod.containers.contains { $0.namespaces[t] == ns }
                }
                if !shared.isEmpty { out += "  shared by its containers: " + shared.map { "\($0.rawValue):\(sandbox.namespaces[$0]!)" }.joined(separator: " ") + "\n" }
            } else {
                out += "  sandbox: not found\n"
            }
            for c in pod.containers { out += "  " + line(c) }
        }
        for c in snapshot.containers where c.pod == nil { out += line(c) }
        return out
    }
}

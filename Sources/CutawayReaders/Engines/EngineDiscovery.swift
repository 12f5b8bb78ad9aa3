import CutawayModel
import Foundation

/// Everything the container engines on this host have on disk, tied to the live processes.
public struct EngineInventory: Sendable {
    public var containers: [Container]
    public var images: [EngineImage]
    /// The stores that were read, e.g. `docker /var/lib/docker`.
    public var stores: [String]
}

/// Finds the engines' stores and reads them: the default places, the places named on the
/// daemons' command lines (`dockerd --data-root`, `--exec-root`; podman's `--root`), the
/// places overlay mounts point into, and any root the user names. The engines need not run.
public enum EngineDiscovery {
    public static func discover(snapshot: Snapshot, extraRoots: [String] = []) -> EngineInventory {
        var dockerRoots: [String] = ["/var/lib/docker"]
        var podmanRoots: [String] = ["/var/lib/containers/storage", "/root/.local/share/containers/storage"]
        podmanRoots += StoreFiles.list("/home").map { "/home/\($0)/.local/share/containers/storage" }
        var containerdStates: [String] = ["/run/containerd", "/var/run/docker/containerd/daemon"]

        for p in snapshot.processes {
            let args = p.commandLine.map(\.lossyString)
            func value(_ flag: String) -> String? {
                if let i = args.firstIndex(of: flag), i + 1 < args.count { return args[i + 1] }
                return args.first { $0.hasPrefix(flag + "=") }.map { String($0.dropFirst(flag.count + 1)) }
            }
            switch args.first.map({ ($0 as NSString).lastPathComponent }) {
            case "dockerd":
                if let d = value("--data-root") ?? value("-g") { dockerRoots.append(d) }
                containerdStates.append((value("--exec-root") ?? "/var/run/docker") + "/containerd/daemon")
            case "containerd":
                if let s = value("--state") { containerdStates.append(s) }
            case "podman", "conmon":
                if let r = value("--root") { podmanRoots.append(r) }
                if let b = value("-b") ?? value("--bundle"), let r = b.range(of: "/overlay-containers/") { podmanRoots.append(String(b[..<r.lowerBound])) }
            default: break
            }
        }
        // Overlay mounts point into the stores: …/overlay2/<id>/merged (Docker), …/overlay/<id>/merged (podman).
        for table in snapshot.mountTables {
            for m in table.mounts where m.fsType == "overlay" {
                for option in m.superOptions.map(\.lossyString) where option.hasPrefix("upperdir=") || option.hasPrefix("lowerdir") {
                    for marker in ["/overlay2/", "/overlay/"] {
                        guard let r = option.range(of: marker) else { continue }
                        let prefix = String(option[option.index(after: option.firstIndex(of: "=")!)..<r.lowerBound])
                            .split(separator: ":").last.map(String.init) ?? ""
                        guard prefix.hasPrefix("/") else { continue }
                        if marker == "/overlay2/" { dockerRoots.append(prefix) } else { podmanRoots.append(prefix) }
                    }
                }
            }
        }
        for r in extraRoots {
            if DockerStore(root: r).exists { dockerRoots.append(r) }
            if PodmanStore(root: r).exists { podmanRoots.append(r) }
            containerdStates.append(r)
        }

        var containers: [Container] = []
        var images: [EngineImage] = []
        var stores: [String] = []
        for root in unique(dockerRoots) where DockerStore(root: root).exists {
            let store = DockerStore(root: root)
            stores.append("docker \(root)")
            containers += store.containers()
            images += store.images()
        }
        for root in unique(podmanRoots) where PodmanStore(root: root).exists {
            let store = PodmanStore(root: root)
            stores.append("podman \(root)")
            containers += store.containers()
            images += store.images()
        }
        let known = Set(containers.map(\.id))
        for state in unique(containerdStates) where StoreFiles.isDirectory(state + "/io.containerd.runtime.v2.task") {
            stores.append("containerd \(state)")
            // Docker's containers are containerd tasks too (namespace "moby"): keep one record.
            containers += ContainerdTasks(stateRoot: state).containers().filter { !known.contains($0.id) }
        }
        link(&containers, to: snapshot)
        return EngineInventory(containers: containers, images: images, stores: stores)
    }

    private static func unique(_ paths: [String]) -> [String] {
        var seen = Set<String>()
        return paths.compactMap { p in
            let key = StoreFiles.real(p) ?? p
            return seen.insert(key).inserted ? key : nil
        }
    }

    /// Finds each container's PID 1 (the engine's record, or the process whose root mount is
    /// the container's overlay), copies its namespaces, and for containerd tasks takes the
    /// layers from that overlay.
    static func link(_ containers: inout [Container], to snapshot: Snapshot) {
        let index = SnapshotIndex(snapshot)
        // Mount namespaces whose root mount is an overlay, keyed by the real path of its upper dir.
        var rootOverlayByUpper: [String: (table: MountTable, stack: OverlayStack)] = [:]
        for table in snapshot.mountTables {
            guard let root = table.mounts.last(where: { $0.mountPoint == "/" }), root.fsType == "overlay",
                  let stack = try? OverlayOptionsParser.stack(of: root, in: table.mountNamespace) else { continue }
            let key = stack.upper.flatMap { $0.resolvedPath?.utf8String }.flatMap { StoreFiles.real($0) ?? $0 }
                ?? stack.layers.first?.resolvedPath?.utf8String ?? ""
            rootOverlayByUpper[key] = (table, stack)
        }
        for i in containers.indices {
            var c = containers[i]
            if c.pid == nil, let upper = c.layers.first(where: { $0.role == .upper })?.resolvedPath?.utf8String,
               let hit = rootOverlayByUpper[StoreFiles.real(upper) ?? upper],
               let ns = index.namespace(.mnt, hit.table.mountNamespace) {
                // PID 1 of the container: the member that is pid 1 in its own pid namespace, else the oldest.
                let members = ns.pids.compactMap { index.process($0) }
                c.pid = (members.first { $0.innermostPID == 1 } ?? index.leader(of: ns))?.pid
            }
            if let pid = c.pid, let p = index.process(pid) {
                c.namespaces = p.namespaces
                if c.engine == .containerd, c.layers.isEmpty, let mnt = p.namespaces[.mnt], let table = index.mountTable(mnt),
                   let root = table.mounts.last(where: { $0.mountPoint == "/" }), root.fsType == "overlay",
                   let stack = try? OverlayOptionsParser.stack(of: root, in: mnt) {
                    c.layers = stack.layers.map { l in
                        var l = l
                        if let path = l.resolvedPath?.utf8String, let n = ContainerdTasks.snapshotNumber(of: path) {
                            l.engine = EngineLayerInfo(layerID: "snapshot \(n)", note: l.role == .upper ? "container layer (read-write)" : "image layer")
                        }
                        return l
                    }
                    c.mergedDir = nil
                }
            } else if c.pid != nil {
                c.pid = nil // recorded, but no such process now
            }
            containers[i] = c
        }
    }

    /// Resolves a relative layer path the way the engine that mounted it would (Docker's `l/SHORT`).
    public static func resolver(for inventory: EngineInventory) -> (ByteString) -> ByteString? {
        resolver(dockerRoots: inventory.containers.filter { $0.engine == .docker }.map(\.storeRoot) + inventory.images.filter { $0.engine == .docker }.map(\.storeRoot))
    }

    /// The same, for Docker stores already known.
    public static func resolver(dockerRoots: [String]) -> (ByteString) -> ByteString? {
        let roots = Set(dockerRoots)
        return { path in roots.lazy.compactMap { DockerStore(root: $0).resolve(relativeLayer: path) }.first }
    }
}

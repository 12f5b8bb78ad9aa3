import CutawayModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Everything the container engines on this host have on disk, tied to the live processes.
public struct EngineInventory: Sendable {
    /// Every container of every store read, running ones tied to their PID 1 and namespaces.
    public var containers: [Container]
    /// Every image of every store read.
    public var images: [EngineImage]
    /// The stores that were read, e.g. `docker /var/lib/docker`.
    public var stores: [String]
    /// What was not read and why: stores announced by unverified processes or owned by
    /// someone else, records that resolve outside their store, oversized files.
    public var notes: [String]

    /// An inventory with these parts.
    public init(containers: [Container] = [], images: [EngineImage] = [], stores: [String] = [], notes: [String] = []) {
        self.containers = containers; self.images = images; self.stores = stores; self.notes = notes
    }
}

/// Finds the engines' stores and reads them. The engines need not run.
///
/// Which stores are trusted, and why (cutaway runs as root where other users own files):
/// - a store is read only beneath its root (``StoreRoot``): a layer, link or file that
///   resolves outside it is refused with a note;
/// - the default places (`/var/lib/docker`, `/var/lib/containers/storage`,
///   `/var/lib/containerd` + `/run/containerd`, and `/etc/containerd/config.toml`'s `root`
///   and `state`) are read when root owns them and nobody else can write them;
/// - a rootless user's podman store (`~/.local/share/containers/storage` under `/home/USER`)
///   is read when that user owns it, and everything from it is labelled as that user's;
/// - a store named on a daemon's command line (`dockerd --data-root`/`--exec-root`,
///   `containerd --root`/`--state`/`--config FILE`, podman's `--root`, conmon's bundle) counts
///   only when that process runs as root (real and effective uid 0) from a root-owned
///   executable that nobody else can write, whose name is the engine's (`dockerd`,
///   `containerd`, `podman`, `conmon`); any other such store is not read, and a note says so;
/// - a store that overlay mounts point into counts only when root owns it;
/// - `--engine-root DIR` is read because the user named it, labelled when root does not own it.
public enum EngineDiscovery {
    /// Where a candidate store came from; decides whether it may be read.
    enum Origin: Equatable {
        case defaultPlace
        case rootlessHome(user: String, uid: UInt32)
        case commandLine(String)
        case unverifiedCommandLine(String)
        case overlayMount
        case named
    }

    struct Candidate { var path: String; var origin: Origin }

    /// A containerd instance: its root and state, either of which may be unknown.
    struct ContainerdCandidate { var root: Candidate?; var state: Candidate? }

    /// Finds the stores by the rules above (the running processes of `snapshot` name some;
    /// `extraRoots` are `--engine-root` directories), reads the trusted ones and ties their
    /// containers to the snapshot's processes; `verify` says why a process that names a store is
    /// not trusted, or nil when it is.
    public static func discover(snapshot: Snapshot, extraRoots: [String] = [],
                                verify: (ProcessRecord, Set<String>) -> String? = { EngineProcessCheck.unverifiedReason($0, names: $1) }) -> EngineInventory {
        var docker: [Candidate] = [Candidate(path: "/var/lib/docker", origin: .defaultPlace)]
        var podman: [Candidate] = [Candidate(path: "/var/lib/containers/storage", origin: .defaultPlace),
                                   Candidate(path: "/root/.local/share/containers/storage", origin: .defaultPlace)]
        for user in (try? FileManager.default.contentsOfDirectory(atPath: "/home"))?.sorted() ?? [] {
            var st = stat()
            guard lstat("/home/" + user, &st) == 0, st.st_mode & S_IFMT == S_IFDIR, st.st_uid != 0 else { continue }
            podman.append(Candidate(path: "/home/\(user)/.local/share/containers/storage", origin: .rootlessHome(user: user, uid: st.st_uid)))
        }
        var containerd: [ContainerdCandidate] = []
        let defaults = EngineProcessCheck.rootOwnedConfig("/etc/containerd/config.toml") ?? ContainerdConfig()
        containerd.append(ContainerdCandidate(root: Candidate(path: defaults.root ?? "/var/lib/containerd", origin: .defaultPlace),
                                              state: Candidate(path: defaults.state ?? "/run/containerd", origin: .defaultPlace)))
        containerd.append(ContainerdCandidate(root: Candidate(path: "/var/lib/docker/containerd/daemon", origin: .defaultPlace),
                                              state: Candidate(path: "/var/run/docker/containerd/daemon", origin: .defaultPlace)))
        var notes: [String] = []

        for p in snapshot.processes {
            let args = p.commandLine.map(\.lossyString)
            guard let first = args.first else { continue }
            let program = (first as NSString).lastPathComponent
            guard ["dockerd", "containerd", "podman", "conmon"].contains(program) else { continue }
            func value(_ flags: String...) -> String? {
                for flag in flags {
                    if let i = args.firstIndex(of: flag), i + 1 < args.count { return args[i + 1] }
                    if let v = args.first(where: { $0.hasPrefix(flag + "=") }) { return String(v.dropFirst(flag.count + 1)) }
                }
                return nil
            }
            let who = "pid \(p.pid) (\(program))"
            let reason = verify(p, [program])
            let origin: Origin = reason.map { .unverifiedCommandLine("\(who): \($0)") } ?? .commandLine(who)
            func absolute(_ path: String?, _ flag: String) -> String? {
                guard let path else { return nil }
                guard path.hasPrefix("/") else { notes.append("not read: \(who) names \(flag) \(path), a path relative to its working directory"); return nil }
                return path
            }
            switch program {
            case "dockerd":
                if let d = absolute(value("--data-root", "-g"), "--data-root") {
                    docker.append(Candidate(path: d, origin: origin))
                    containerd.append(ContainerdCandidate(root: Candidate(path: d + "/containerd/daemon", origin: origin), state: nil))
                }
                if let e = absolute(value("--exec-root"), "--exec-root") {
                    containerd.append(ContainerdCandidate(root: nil, state: Candidate(path: e + "/containerd/daemon", origin: origin)))
                }
            case "containerd":
                var config = ContainerdConfig()
                if let file = absolute(value("--config", "-c"), "--config") {
                    if reason == nil {
                        if let c = EngineProcessCheck.rootOwnedConfig(file) { config = c } else {
                            notes.append("not read: \(who)'s config \(file) is not a root-owned file that only root can write")
                        }
                    }
                }
                let root = absolute(value("--root"), "--root") ?? config.root
                let state = absolute(value("--state"), "--state") ?? config.state
                if root != nil || state != nil {
                    containerd.append(ContainerdCandidate(root: root.map { Candidate(path: $0, origin: origin) },
                                                          state: state.map { Candidate(path: $0, origin: origin) }))
                }
            default: // podman, conmon
                if let r = absolute(value("--root"), "--root") { podman.append(Candidate(path: r, origin: origin)) }
                if let b = value("-b", "--bundle"), b.hasPrefix("/"), let r = b.range(of: "/overlay-containers/") {
                    podman.append(Candidate(path: String(b[..<r.lowerBound]), origin: origin))
                }
            }
        }
        // Overlay mounts point into the stores: …/overlay2/<id>/… (Docker), …/overlay/<id>/… (podman),
        // …/io.containerd.snapshotter.v1.overlayfs/snapshots/<n>/fs (containerd).
        for table in snapshot.mountTables {
            for case (_, .success(let stack)) in OverlayReader.stacks(in: table) {
                for path in stack.layers.map(\.path.lossyString) where path.hasPrefix("/") {
                    for marker in ["/overlay2/", "/overlay/", "/" + ContainerdStore.overlayfs + "/"] {
                        guard let r = path.range(of: marker), r.lowerBound > path.startIndex else { continue }
                        let candidate = Candidate(path: String(path[..<r.lowerBound]), origin: .overlayMount)
                        switch marker {
                        case "/overlay2/": docker.append(candidate)
                        case "/overlay/": podman.append(candidate)
                        default: containerd.append(ContainerdCandidate(root: candidate, state: nil))
                        }
                        break
                    }
                }
            }
        }
        for r in extraRoots {
            let named = Candidate(path: r, origin: .named)
            docker.append(named); podman.append(named)
            containerd.append(ContainerdCandidate(root: named, state: named))
        }

        var inventory = EngineInventory()
        var readPaths = Set<String>()
        read(DockerStore.self, from: unique(docker), into: &inventory, seen: &readPaths, notes: &notes)
        read(PodmanStore.self, from: unique(podman), into: &inventory, seen: &readPaths, notes: &notes)
        // Docker's containers are containerd tasks too (namespace "moby"): keep one record.
        var known = Set(inventory.containers.map(\.id))
        for c in containerd {
            let root = c.root.flatMap { admit($0, notes: &notes, looksLike: ContainerdStore.looksLikeRoot) }
            let state = c.state.flatMap { admit($0, notes: &notes, looksLike: ContainerdStore.looksLikeState) }
            let rootKey = root.map { "containerd root " + (StoreFiles.real($0.0.path) ?? $0.0.path) }
            let stateKey = state.map { "containerd state " + (StoreFiles.real($0.0.path) ?? $0.0.path) }
            let newRoot = rootKey.map { readPaths.insert($0).inserted } ?? false
            let newState = stateKey.map { readPaths.insert($0).inserted } ?? false
            guard newRoot || newState else { continue }
            let store = ContainerdStore(root: newRoot ? root?.0 : nil, state: state?.0, owner: root?.1 ?? state?.1)
            let what = [newRoot ? root.map { "root \($0.0.path)" } : nil, state.map { "state \($0.0.path)" }].compactMap { $0 }
            inventory.stores.append("containerd " + what.joined(separator: ", "))
            let (containers, images) = store.read(notes: &notes)
            let fresh = containers.filter { !known.contains($0.id) }
            known.formUnion(fresh.map(\.id))
            inventory.containers += fresh
            inventory.images += images
        }
        inventory.notes = Array(NSOrderedSet(array: notes)).compactMap { $0 as? String }
        link(&inventory.containers, to: snapshot)
        return inventory
    }

    /// Reads every admitted store of one layer-store engine (Docker's overlay2, podman's
    /// containers-storage) among `candidates` into `inventory`, each store once.
    static func read<S: EngineStore>(_: S.Type, from candidates: [Candidate], into inventory: inout EngineInventory,
                                     seen: inout Set<String>, notes: inout [String]) {
        for c in candidates {
            guard let (store, owner) = admit(c, notes: &notes, looksLike: S.looksLike),
                  seen.insert("\(S.engine.rawValue) " + store.path).inserted else { continue }
            let s = S(store: store, owner: owner)
            inventory.stores.append("\(S.engine.rawValue) \(store.path)" + (owner.map { " (\($0))" } ?? ""))
            inventory.containers += s.containers(notes: &notes)
            inventory.images += s.images(notes: &notes)
        }
    }

    /// Opens a candidate store and decides whether it may be read (see ``EngineDiscovery``).
    static func admit(_ c: Candidate, notes: inout [String], looksLike: (StoreRoot) -> Bool) -> (StoreRoot, String?)? {
        guard let store = StoreRoot.open(c.path), looksLike(store) else { return nil }
        switch c.origin {
        case .unverifiedCommandLine(let why):
            notes.append("unverified store \(c.path), not read: announced by \(why)")
            return nil
        case .named:
            return (store, store.isRootOwned ? nil : "owned by uid \(store.ownerUID); read because --engine-root names it")
        case .rootlessHome(let user, let uid):
            if store.ownerUID == uid && store.mode & 0o022 == 0 { return (store, "user \(user)'s rootless store (uid \(uid))") }
            if store.isRootOwned { return (store, nil) }
        case .defaultPlace, .commandLine, .overlayMount:
            if store.isRootOwned { return (store, nil) }
        }
        notes.append("not read: store \(c.path) is owned by uid \(store.ownerUID)\(store.mode & 0o022 != 0 ? " and writable by others" : ""); only stores that root owns and only root can write are trusted")
        return nil
    }

    /// Each path once (by its real path). The first origin wins, so a default place or a
    /// user's home is not re-labelled by a later, weaker origin; but a path the user names
    /// (`--engine-root`) replaces any origin, and any origin replaces an unverified process's.
    static func unique(_ candidates: [Candidate]) -> [Candidate] {
        var slot: [String: Int] = [:]
        var out: [Candidate] = []
        for c in candidates {
            let key = StoreFiles.real(c.path) ?? c.path
            if let i = slot[key] {
                if case .unverifiedCommandLine = out[i].origin { out[i].origin = c.origin }
                if c.origin == .named { out[i].origin = .named }
            } else {
                slot[key] = out.count
                out.append(c)
            }
        }
        return out
    }

    /// Finds each container's PID 1 (the engine's record, or the process whose root mount is
    /// the container's overlay), copies its namespaces, and for containerd tasks known only
    /// from their state directory takes the layers from that overlay.
    static func link(_ containers: inout [Container], to snapshot: Snapshot) {
        let index = SnapshotIndex(snapshot)
        // Mount namespaces whose root mount is an overlay, keyed by the real path of its upper dir.
        var rootOverlayByUpper: [String: (table: MountTable, stack: OverlayStack)] = [:]
        for table in snapshot.mountTables {
            guard let stack = table.rootOverlayStack else { continue }
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
            // A pid from containerd's task directory counts only if that process's root is the
            // container's overlay (a stale init.pid may name another process now).
            if c.engine == .containerd, let pid = c.pid, let upper = c.layers.first(where: { $0.role == .upper })?.resolvedPath?.utf8String,
               let stack = index.process(pid)?.namespaces[.mnt].flatMap({ index.mountTable($0) })?.rootOverlayStack,
               let live = stack.upper?.resolvedPath?.utf8String, (StoreFiles.real(live) ?? live) != (StoreFiles.real(upper) ?? upper) {
                c.pid = nil
            }
            if let pid = c.pid, let p = index.process(pid) {
                c.namespaces = p.namespaces
                if c.engine == .containerd, c.layers.isEmpty, let stack = p.namespaces[.mnt].flatMap({ index.mountTable($0) })?.rootOverlayStack {
                    c.layers = stack.layers.map { l in
                        var l = l
                        if let path = l.resolvedPath?.utf8String, let n = ContainerdStore.snapshotNumber(of: path) {
                            l.engine = EngineLayerInfo(layerID: "snapshot \(n)", note: l.role == .upper ? "container layer (read-write)" : "image layer")
                        }
                        return l
                    }
                    c.mergedDir = nil
                }
            } else if c.pid != nil {
                c.pid = nil // recorded, but no such process now
                c.mergedDir = c.engine == .containerd ? nil : c.mergedDir
            }
            containers[i] = c
        }
    }

    /// Resolves a relative layer path the way the engine that mounted it would (Docker's `l/SHORT`).
    public static func resolver(for inventory: EngineInventory) -> (ByteString) -> ByteString? {
        resolver(dockerRoots: inventory.containers.filter { $0.engine == .docker }.map(\.storeRoot) + inventory.images.filter { $0.engine == .docker }.map(\.storeRoot))
    }

    /// The same, for Docker stores already known (opened again, and only if root owns them).
    public static func resolver(dockerRoots: [String]) -> (ByteString) -> ByteString? {
        let stores = Set(dockerRoots).sorted().compactMap { StoreRoot.open($0) }.filter { $0.isRootOwned }.map { DockerStore(store: $0) }
        return { path in stores.lazy.compactMap { $0.resolve(relativeLayer: path) }.first }
    }
}

/// Whether a process that names a store on its command line is the engine it claims to be.
public enum EngineProcessCheck {
    /// nil when `p` runs as root (real and effective uid 0) from a root-owned regular file
    /// that nobody else can write and whose name is one of `names`; otherwise why not.
    /// Reads the live `/proc/PID/exe` (the executable the kernel runs, even if renamed since).
    public static func unverifiedReason(_ p: ProcessRecord, names: Set<String>) -> String? {
        guard p.uids.count >= 2, p.uids[0] == 0, p.uids[1] == 0 else {
            return "it runs as uid \(p.uids.first.map(String.init) ?? "?"), not root"
        }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/\(p.pid)/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return "its executable cannot be read (/proc/\(p.pid)/exe)" }
        let exe = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard !exe.hasSuffix(" (deleted)") else { return "its executable \(exe) has been deleted" }
        var st = stat()
        guard stat("/proc/\(p.pid)/exe", &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return "its executable \(exe) cannot be checked" }
        guard st.st_uid == 0, st.st_mode & 0o022 == 0 else {
            return "its executable \(exe) is owned by uid \(st.st_uid)\(st.st_mode & 0o022 != 0 ? " and writable by others" : "")"
        }
        guard names.contains((exe as NSString).lastPathComponent) else { return "its executable is \(exe), not the engine's" }
        return nil
    }

    /// A containerd config file's root and state, when root owns the file and nobody else can write it.
    static func rootOwnedConfig(_ path: String) -> ContainerdConfig? {
        let dir = (path as NSString).deletingLastPathComponent, name = (path as NSString).lastPathComponent
        guard let store = StoreRoot.open(dir.isEmpty ? "/" : dir), case .success(let f) = store.openBeneath(name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK) else { return nil }
        defer { close(f) }
        var st = stat()
        guard fstat(f, &st) == 0, st.st_uid == 0, st.st_mode & 0o022 == 0,
              case .success(let bytes) = StoreRoot.readRegular(f, name: path, limit: 1 << 20) else { return nil }
        return ContainerdConfig(toml: String(decoding: bytes, as: UTF8.self))
    }
}

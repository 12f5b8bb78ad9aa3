import CutawayModel
import Foundation

/// Why `cutaway layers` has nothing to show for its TARGET or `--pid`, and what to do instead.
public struct LayersFinderError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Resolves what `cutaway layers` was asked for (an overlay mount point, a container, an
/// image, or a process) to the overlay stacks to show, their layers read.
public enum LayersFinder {
    /// A plain overlay mounted at `target` (a path) in the reader's own mount namespace on
    /// the live host: read from its own mountinfo alone, without scanning `/proc` or the
    /// engines' stores. nil when `target` is not a path or not such an overlay.
    public static func plainOverlay(at target: String) -> LayersFinding? {
        guard target.hasPrefix("/") || target.hasPrefix("."),
              let stack = OverlayReader.plainOverlay(mountedAt: MountPointPath.canonical(target)) else { return nil }
        return LayersFinding(stacks: [.init(inspection: OverlayReader.inspect(stack), subject: .mountPoint)])
    }

    /// The overlays of `pid`'s mount namespace, its root (`/`) first: the pivot_root target,
    /// a container's `/`.
    public static func find(pid: Int32, in snapshot: Snapshot) throws(LayersFinderError) -> LayersFinding {
        let index = SnapshotIndex(snapshot)
        guard let p = index.process(pid) else { throw .init("no process \(pid) (it may have exited; `cutaway namespaces` lists what is visible)") }
        guard let mnt = p.namespaces[.mnt], let table = index.mountTable(mnt) else {
            throw .init("the mount table of pid \(pid) could not be read (permission denied or a zombie; run as root)")
        }
        let found = try stacks(in: table)
        guard !found.isEmpty else { throw .init("pid \(pid) has no overlay mounts in its mount namespace mnt:\(mnt): its root is not an overlay") }
        let ordered = found.sorted { ($0.mergedDir == "/" ? 0 : 1) < ($1.mergedDir == "/" ? 0 : 1) }
        return LayersFinding(stacks: ordered.map { stack in
            .init(inspection: OverlayReader.inspect(stack),
                  subject: stack.mergedDir == "/" ? .processRoot(pid: pid, command: p.command) : .processMount(pid: pid))
        })
    }

    /// TARGET resolved by ``TargetResolver`` against the engines' stores (`live`: found on
    /// this host, plus `engineRoots`; otherwise the containers the snapshot records) and the
    /// overlay mounts of the reader's mount namespace. Layers are read from this machine's
    /// disk only when `live`: a capture or a saved snapshot may come from another machine,
    /// and its paths are not this one's. Each note about the stores goes to `note`.
    public static func find(target: String, in snapshot: Snapshot, live: Bool, engineRoots: [String],
                            note: (String) -> Void) throws(LayersFinderError) -> LayersFinding {
        let index = SnapshotIndex(snapshot)
        let inventory = live ? EngineDiscovery.discover(snapshot: snapshot, extraRoots: engineRoots)
                             : EngineInventory(containers: snapshot.containers)
        for n in inventory.notes { note(n) }
        let resolveRelative = EngineDiscovery.resolver(for: inventory)
        func inspect(_ stack: OverlayStack) -> OverlayInspection {
            live ? OverlayReader.inspect(stack, resolveRelative: resolveRelative)
                 : OverlayInspection(stack: stack, indexes: stack.layers.map { _ in nil })
        }
        guard let own = snapshot.reader.namespaces[.mnt], let table = index.mountTable(own) else {
            throw .init("cannot read cutaway's own mount table")
        }
        let hostStacks = try stacks(in: table)
        let resolved: ResolvedTarget
        do {
            resolved = try TargetResolver(containers: inventory.containers, images: inventory.images)
                .resolve(target, pathExists: { live && FileManager.default.fileExists(atPath: $0) })
        } catch .notFound {
            let searched = inventory.stores.isEmpty ? (live ? "no container engine store was found" : "the snapshot records no container")
                : "searched " + inventory.stores.joined(separator: ", ")
            throw .init("\(target) is neither an overlay mount point nor a container or image (\(searched)); give a path, a container id, name or POD/CONTAINER, an image, or --engine-root DIR")
        } catch { throw .init(error.description) }
        switch resolved {
        case .path(let path):
            let wanted = live ? MountPointPath.canonical(path) : ByteString(path)
            guard var stack = hostStacks.last(where: { $0.mergedDir == wanted }) else {
                throw .init("\(target) is not the mount point of an overlay mount; `cutaway mounts` lists the mounts (fstype overlay)")
            }
            if let c = inventory.containers.first(where: { $0.mergedDir.map(MountPointPath.canonical) == stack.mergedDir }) {
                OverlayReader.annotate(&stack, with: c)
            }
            return LayersFinding(stacks: [.init(inspection: inspect(stack), subject: .mountPoint)])
        case .container(let c):
            // The kernel's own stack where the overlay is mounted; the engine's records otherwise.
            var stack = c.mergedDir.flatMap { dir in hostStacks.last { $0.mergedDir == ByteString(dir) } }
                ?? c.pid.flatMap { index.process($0)?.namespaces[.mnt] }.flatMap { index.mountTable($0)?.rootOverlayStack }
                ?? OverlayStack(mountNamespace: 0, mountID: 0, mergedDir: ByteString(c.mergedDir ?? ""), layers: c.layers,
                                workDir: c.workDir.map { ByteString($0) }, switches: [], usesLayerAppendOptions: false)
            OverlayReader.annotate(&stack, with: c)
            return LayersFinding(stacks: [.init(inspection: inspect(stack), subject: .container)], container: (c, index))
        case .image(let image):
            let stack = OverlayStack(mountNamespace: 0, mountID: 0, mergedDir: "", layers: image.layers, workDir: nil, switches: [], usesLayerAppendOptions: false)
            return LayersFinding(stacks: [.init(inspection: inspect(stack), subject: .image)], image: image)
        }
    }

    /// Every overlay mount of `table` as a stack; a mount whose options cannot be parsed is an error.
    static func stacks(in table: MountTable) throws(LayersFinderError) -> [OverlayStack] {
        var out: [OverlayStack] = []
        for entry in OverlayReader.stacks(in: table) {
            switch entry.stack {
            case .success(let s): out.append(s)
            case .failure(let e): throw .init("overlay mount \(entry.mount.id) at \(entry.mount.mountPoint): \(e)")
            }
        }
        return out
    }
}

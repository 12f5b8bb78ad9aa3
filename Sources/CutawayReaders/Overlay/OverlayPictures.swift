import CutawayModel

extension OverlayReader {
    /// The overlay pictures of a live snapshot: one per overlay mount in the reader's mount
    /// namespace (a container's merged dir is named after the container), layers read now.
    /// Relative layer paths resolve through the stores of the snapshot's Docker containers.
    public static func pictures(for snapshot: Snapshot) -> [OverlayPicture] {
        guard let own = snapshot.reader.namespaces[.mnt], let table = SnapshotIndex(snapshot).mountTable(own) else { return [] }
        let resolve = EngineDiscovery.resolver(dockerRoots: snapshot.containers.filter { $0.engine == .docker }.map(\.storeRoot))
        var pictures: [OverlayPicture] = []
        for (mount, result) in stacks(in: table) {
            guard case .success(var stack) = result else { continue }
            let merged = mount.mountPoint.utf8String ?? mount.mountPoint.lossyString
            let container = snapshot.containers.first { c in c.mergedDir.map { (StoreFiles.real($0) ?? $0) == (StoreFiles.real(merged) ?? merged) } ?? false }
            if let container { annotate(&stack, with: container) }
            let title = container.map { "\($0.engine.rawValue) container \($0.name): its overlay stack" } ?? "Overlay mounted at \(mount.mountPoint)"
            pictures.append(OverlayPicture(name: container?.name ?? merged, title: title, inspection: inspect(stack, resolveRelative: resolve)))
        }
        return pictures
    }
}

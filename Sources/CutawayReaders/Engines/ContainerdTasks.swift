import CutawayModel
import Foundation

/// containerd's running tasks, from the runtime v2 state directories
/// (`<state>/io.containerd.runtime.v2.task/<namespace>/<id>/init.pid`); its overlayfs
/// snapshotter keeps layers in `io.containerd.snapshotter.v1.overlayfs/snapshots/<n>/fs`.
/// Snapshot *names* live in a bbolt database (`metadata.db`) that cutaway does not read: a
/// layer is named by its snapshot number, a container by its namespace and id.
public struct ContainerdTasks: Sendable {
    public let stateRoot: String
    public init(stateRoot: String) { self.stateRoot = stateRoot }

    public func containers() -> [Container] {
        let tasks = stateRoot + "/io.containerd.runtime.v2.task"
        var out: [Container] = []
        for namespace in StoreFiles.list(tasks).sorted() {
            for id in StoreFiles.list(tasks + "/" + namespace).sorted() {
                let dir = tasks + "/" + namespace + "/" + id
                let pid = StoreFiles.text(dir + "/init.pid").flatMap { Int32($0) }
                out.append(Container(engine: .containerd, id: id, name: "\(namespace)/\(String(id.prefix(12)))", pid: pid,
                                     storeRoot: stateRoot, mergedDir: dir + "/rootfs"))
            }
        }
        return out
    }

    /// `…/snapshots/<n>/fs` -> `n`.
    public static func snapshotNumber(of layerPath: String) -> String? {
        guard let r = layerPath.range(of: "io.containerd.snapshotter.v1.overlayfs/snapshots/") else { return nil }
        let rest = layerPath[r.upperBound...]
        guard let slash = rest.firstIndex(of: "/"), rest[slash...].hasPrefix("/fs") else { return nil }
        return String(rest[..<slash])
    }
}

import CutawayModel

/// `cutaway layers` as text: each stack of a ``LayersFinding`` titled by what it is, the
/// container's anatomy after its stack, and on request one path explained or every file.
public enum LayersFindingReport {
    /// What the stack is, in one line.
    public static func title(_ stack: LayersFinding.Stack, in finding: LayersFinding) -> String {
        let s = stack.inspection.stack
        switch stack.subject {
        case .mountPoint:
            return "Overlay mounted at \(s.mergedDir) (mount \(s.mountID) in mnt:\(s.mountNamespace))"
        case .processRoot(let pid, let command):
            return "The root (/) of pid \(pid) (\(command)) is an overlay: its mount namespace mnt:\(s.mountNamespace) pivoted into the merged dir (mount \(s.mountID))"
        case .processMount(let pid):
            return "Overlay mounted at \(s.mergedDir) in pid \(pid)'s mount namespace (mount \(s.mountID))"
        case .container:
            return finding.container.map { ContainerReport.title($0.container) } ?? "container"
        case .image:
            guard let image = finding.image else { return "image" }
            let unpacked = image.layers.isEmpty ? " (not unpacked for the overlay snapshotter: no layers on disk)" : ""
            return "\(image.engine.rawValue) image \(image.names.first ?? image.id) (\(image.id.trimmingPrefix("sha256:").prefix(12))): "
                + "\(image.layers.count) read-only layers, one per file-changing build step" + unpacked
        }
    }

    /// Every stack, the first followed by the container's anatomy when TARGET named one;
    /// `path` explained and (`files`) every path of the merged view listed, per stack.
    public static func render(_ finding: LayersFinding, path: ByteString?, files: Bool) -> String {
        var out = ""
        for (n, stack) in finding.stacks.enumerated() {
            if n > 0 { out += "\n" }
            out += LayersReport.render(stack.inspection, title: title(stack, in: finding))
            if n == 0, let (container, index) = finding.container { out += "\n" + ContainerReport.anatomy(container, index: index) }
            if let path { out += "\n" + LayersReport.explain(stack.inspection.explain(path), stack.inspection.stack) }
            if files { out += LayersReport.files(stack.inspection) }
        }
        return out
    }
}

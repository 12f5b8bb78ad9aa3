import CutawayModel

/// `cutaway layers … --format`: the diagrams of a ``LayersFinding``, each with the file name
/// it is written under. A container's stack is drawn twice: as the container's anatomy and
/// as its overlay stack.
public enum LayersFindingDiagrams {
    /// The diagrams of `finding`, each with the file name (without extension) it is written under.
    public static func dots(_ finding: LayersFinding) -> [(name: String, dot: String)] {
        var out: [(name: String, dot: String)] = []
        for (n, stack) in finding.stacks.enumerated() {
            let name = finding.container.map { "container-\($0.container.name)" } ?? "overlay-\(n)"
            let picture = OverlayPicture(name: name, title: LayersFindingReport.title(stack, in: finding), inspection: stack.inspection)
            if n == 0, let (container, index) = finding.container {
                out.append((name, ContainerDiagram.dot(container, picture: picture, index: index)))
                out.append(("overlay-\(container.name)", OverlayDiagram.dot(picture)))
            } else {
                out.append((name, OverlayDiagram.dot(picture)))
            }
        }
        return out
    }
}

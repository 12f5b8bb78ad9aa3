import CutawayModel

/// The overlay diagram a lesson draws (`cutaway lesson draw layers`): ``OverlayDiagram`` with
/// every path under the lesson's directory written as `$LAB/…`, so that the picture shows no
/// name of the machine it was drawn on.
public enum LessonLayersDiagram {
    /// The DOT of `inspection`, paths under `lab` relabelled, titled `title` (default:
    /// where it is mounted).
    public static func dot(_ inspection: OverlayInspection, lab: String, title: String?) -> String {
        func display(_ path: ByteString) -> ByteString {
            let p = path.description
            return p == lab ? "$LAB" : p.hasPrefix(lab + "/") ? ByteString("$LAB" + p.dropFirst(lab.count)) : path
        }
        var picture = OverlayPicture(name: "layers", title: title ?? "Overlay mounted at \(display(inspection.stack.mergedDir))", inspection: inspection)
        picture.stack.mergedDir = display(picture.stack.mergedDir)
        picture.stack.workDir = picture.stack.workDir.map(display)
        for i in picture.stack.layers.indices {
            picture.stack.layers[i].path = display(picture.stack.layers[i].path)
            picture.stack.layers[i].resolvedPath = picture.stack.layers[i].resolvedPath.map(display)
        }
        return OverlayDiagram.dot(picture)
    }
}

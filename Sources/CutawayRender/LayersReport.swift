import CutawayModel

/// `cutaway layers`: an overlay stack top-down, each layer with its real host path, and on
/// request every file with the layer it comes from, or one path explained.
public enum LayersReport {
    /// `layer I (ROLE PATH)` for layer `i` (0 = top) of `stack`, with the build step that made
    /// it where the engine recorded one.
    public static func layerName(_ i: Int, _ stack: OverlayStack) -> String {
        let l = stack.layers[i]
        var s = "layer \(i) (\(l.role.rawValue) \((l.resolvedPath ?? l.path).description))"
        if let step = l.engine?.createdBy { s += ", created by `\(TerminalText.escape(step))`" }
        return s
    }

    /// 12 characters of an engine id, keeping Docker's `-init` suffix.
    static func shortID(_ id: String) -> String {
        id.hasSuffix("-init") ? id.prefix(12) + "-init" : String(id.prefix(12))
    }

    /// The stack as a table, merged view first, then each layer top-down with its host path,
    /// file and byte counts and what the engine recorded, then the work directory, the lookup
    /// rule in a sentence and notes on layers that could not be read; `title` replaces the
    /// default first line (the mount point and mount id).
    public static func render(_ inspection: OverlayInspection, title: String? = nil) -> String {
        let stack = inspection.stack
        var out = (title ?? "Overlay mounted at \(stack.mergedDir) (mount \(stack.mountID) in mnt:\(stack.mountNamespace))") + "\n"
        if !stack.switches.isEmpty { out += "options: \(stack.switches.joined(separator: ", "))\n" }
        out += "\n"
        var t = TextTable(headers: ["#", "ROLE", "PATH", "FILES", "BYTES", "LAYER ID", "CREATED BY"], rightAligned: [0, 3, 4])
        t.add(["", "merged", stack.mergedDir.description, String(inspection.mergedFileCount), "", "", "what processes see: the union of the layers below"])
        for (i, layer) in stack.layers.enumerated() {
            let index = inspection.indexes[i]
            let path = (layer.resolvedPath ?? layer.path).description + (layer.resolvedPath == nil ? " (relative; not resolved)" : "")
            t.add([String(i), layer.role.rawValue, path, index.map { String($0.fileCount) } ?? "-", index.map { String($0.totalBytes) } ?? "-",
                   layer.engine.map { shortID($0.layerID) } ?? "", layer.engine?.createdBy ?? layer.engine?.note ?? ""])
        }
        if let work = stack.workDir { t.add(["", "work", work.description, "", "", "", "the kernel's scratch space for copy-up"]) }
        out += t.render()
        out += "\nLooking down from the top, the first layer that has a name wins; whiteouts and opaque directories hide what is below"
        out += stack.upper != nil ? ". Every write through the merged dir lands in the upper layer (0).\n" : ". There is no upper layer: the mount is read-only.\n"
        for (i, index) in inspection.indexes.enumerated() {
            if index == nil && stack.layers[i].resolvedPath == nil {
                out += "note: layer \(i) is given as a relative path (\(stack.layers[i].path)); its contents cannot be read without knowing the mounter's directory.\n"
            }
            for problem in index?.problems ?? [] { out += "note: layer \(i): cannot read \(problem)\n" }
        }
        return out
    }

    /// Every path of the merged view with the layer it comes from and the layers it hides, then
    /// what each layer adds, changes and deletes.
    public static func files(_ inspection: OverlayInspection) -> String {
        var t = TextTable(headers: ["PATH", "TYPE", "LAYER", "HIDES"])
        for e in inspection.resolution.entries where e.path != "/" {
            var hides = e.hidden.map(String.init).joined(separator: ",")
            if let d = e.dataLayer { hides += (hides.isEmpty ? "" : "; ") + "data from \(d)" }
            t.add([e.path.description, e.kind.rawValue, String(e.layer), hides])
        }
        var out = "\nMerged view (\(Count.of(inspection.resolution.entries.count - 1, "entry", "entries"))):\n" + t.render()
        let changes = inspection.resolution.changesOfEveryLayer()
        for i in inspection.stack.layers.indices where inspection.stack.layers[i].role != .data {
            let c = changes.indices.contains(i) ? changes[i] : OverlayResolution.LayerChanges()
            out += "\n\(layerName(i, inspection.stack)):\n"
            out += "  adds \(c.adds.count)" + list(c.adds) + "\n"
            out += "  changes (hides a lower copy) \(c.changes.count)" + list(c.changes) + "\n"
            out += "  deletes (whiteouts, opaque dirs) \(c.deletes.count)" + list(c.deletes) + "\n"
        }
        return out
    }

    private static func list(_ paths: [ByteString], limit: Int = 12) -> String {
        guard !paths.isEmpty else { return "" }
        let shown = paths.prefix(limit).map(\.description).joined(separator: " ")
        return ": " + shown + (paths.count > limit ? " … (+\(paths.count - limit))" : "")
    }

    /// One path explained in a sentence: which layer provides it and what it hides, or what hides it.
    public static func explain(_ e: PathExplanation, _ stack: OverlayStack) -> String {
        let name = { (i: Int) in layerName(i, stack) }
        let p = e.path.description
        switch e.verdict {
        case .provided(let layer, let kind, let dataLayer, let hides):
            var s = "\(p) (\(kind.rawValue)) comes from \(name(layer))."
            if let d = dataLayer { s += " It is a metacopy: its metadata is here, its data comes from \(name(d))." }
            if !hides.isEmpty { s += " It hides the cop\(hides.count == 1 ? "y" : "ies") in " + hides.map(name).joined(separator: ", ") + "." }
            return s + "\n"
        case .deleted(let layer, let xattr, let hides):
            var s = "\(p) is deleted by a whiteout (\(xattr ? "a zero-size file with the overlay.whiteout xattr" : "a character device 0/0")) in \(name(layer))."
            if !hides.isEmpty { s += " It hides " + hides.map(name).joined(separator: ", ") + "." }
            return s + "\n"
        case .hiddenByOpaqueDirectory(let dir, let layer, let present):
            return "\(p) is in \(present.map(name).joined(separator: ", ")), but \(dir) is an opaque directory in \(name(layer)): nothing below it shows.\n"
        case .hiddenByDeletedDirectory(let dir, let layer, let present):
            return "\(p) is in \(present.map(name).joined(separator: ", ")), but its directory \(dir) is deleted in \(name(layer)).\n"
        case .hiddenByFile(let path, let layer, let present):
            return "\(p) is in \(present.map(name).joined(separator: ", ")), but \(path) is not a directory in \(name(layer)), which hides it.\n"
        case .absent:
            return "\(p) is in no layer of this stack.\n"
        case .notVisible(let present):
            return "\(p) is in \(present.map(name).joined(separator: ", ")) but is not visible in the merged view.\n"
        }
    }
}

import Foundation

/// The parts of an OCI / Docker image configuration cutaway uses
/// (image-spec config.md): the layers' diff ids and the build history.
struct ImageConfig: Decodable {
    struct RootFS: Decodable { var diff_ids: [String]? }
    struct History: Decodable {
        var created_by: String?
        var comment: String?
        var empty_layer: Bool?
    }
    var rootfs: RootFS?
    var history: [History]?

    /// The config stored at `relative` beneath `store`, refused above ``StoreRoot/imageConfigLimit``
    /// bytes (a planted 1 GB config would otherwise cost 1 GB of memory); the refusal goes to `notes`.
    static func load(_ relative: String, in store: StoreRoot, notes: inout [String]) -> ImageConfig? {
        switch store.read(relative, limit: StoreRoot.imageConfigLimit) {
        case .success(let bytes): return try? JSONDecoder().decode(ImageConfig.self, from: Data(bytes))
        case .failure(let e):
            if e.isRefusal { notes.append("image config: \(e)") }
            return nil
        }
    }

    /// The history step that created each layer, bottom first: every history entry that is not
    /// an `empty_layer` made one layer, in order. Steps are given as the engine shows them
    /// (`/bin/sh -c rm /one.txt`); an import shows its comment or "imported".
    var layerSteps: [String] {
        (history ?? []).filter { $0.empty_layer != true }.map { h in
            if let c = h.created_by, !c.isEmpty { return c }
            if let c = h.comment, !c.isEmpty { return c }
            return "imported"
        }
    }
}

/// Path helpers (engine records themselves are read through ``StoreRoot``).
enum StoreFiles {
    /// The path with symlinks resolved, or nil if it does not exist.
    static func real(_ path: String) -> String? {
        guard let r = realpath(path, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }
}

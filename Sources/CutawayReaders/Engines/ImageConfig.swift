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

    static func load(_ path: String) -> ImageConfig? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(ImageConfig.self, from: data)
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

/// Small file helpers for the engines' on-disk records.
enum StoreFiles {
    static func text(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func json<T: Decodable>(_ type: T.Type, _ path: String) -> T? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(type, from: data)
    }

    static func list(_ dir: String) -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] }

    static func isDirectory(_ path: String) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &d) && d.boolValue
    }

    /// The path with symlinks resolved, or nil if it does not exist.
    static func real(_ path: String) -> String? {
        guard let r = realpath(path, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }
}

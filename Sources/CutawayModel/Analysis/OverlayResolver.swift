/// Computes the merged view of an overlay stack from its layers, the way the kernel's
/// lookup does (Documentation/filesystems/overlayfs.rst, fs/overlayfs/namei.c):
///
/// - looking down from the top layer, the first non-directory with a name wins;
/// - a whiteout (char device 0/0, or an xattr whiteout) hides the name in every layer below;
/// - directories merge down until one is opaque (`overlay.opaque=y`);
/// - a directory's `overlay.redirect` moves the lookup in lower layers to another path;
/// - a metacopy file takes its metadata from its layer and its data from the first lower
///   layer (data-only layers included) that has the file at its path or its redirect.
///
/// Data-only layers are never visible by name. Each layer index is consulted by hash lookup:
/// the cost is O(total entries).
public struct OverlayResolution: Sendable {
    public struct Entry: Sendable, Hashable {
        /// Absolute path inside the merged view.
        public var path: ByteString
        public var kind: LayerIndex.Entry.Kind
        /// Index (top first) of the layer that provides it (for a directory: the topmost one).
        public var layer: Int
        /// For a metacopy file: the layer its data comes from.
        public var dataLayer: Int?
        /// Layers whose copy of this path it hides (lower non-directories, directories below an
        /// opaque one). For merged directories: the other layers that contribute entries.
        public var hidden: [Int]
        /// For directories: every layer that contributes to it, top first.
        public var mergedFrom: [Int]
        /// Where it is inside its layer (differs from `path` below a redirected directory).
        public var sourcePath: ByteString
        /// For a metacopy file: where its data is inside `dataLayer`.
        public var dataPath: ByteString?
    }

    /// A name removed by a whiteout or cut off by an opaque directory.
    public struct Deletion: Sendable, Hashable {
        public enum Kind: String, Sendable { case whiteout, xattrWhiteout, opaqueDirectory }
        public var path: ByteString
        public var layer: Int
        public var kind: Kind
        /// Layers that still have the path (or, for an opaque directory, entries below it) but do not show.
        public var hides: [Int]

        public init(path: ByteString, layer: Int, kind: Kind, hides: [Int]) {
            self.path = path; self.layer = layer; self.kind = kind; self.hides = hides
        }
    }

    public var layerCount: Int
    /// Every visible path, sorted bytewise (so a directory comes right before its contents).
    public var entries: [Entry]
    public var deletions: [Deletion]

    /// What each layer contributes to the merged view.
    public struct LayerChanges: Sendable, Hashable {
        /// Paths that exist only from this layer up.
        public var adds: [ByteString] = []
        /// Paths this layer provides that hide a lower copy (copy-ups, edits).
        public var changes: [ByteString] = []
        /// Paths this layer deletes (whiteouts) or cuts off (opaque directories).
        public var deletes: [ByteString] = []
    }

    public func changes(ofLayer layer: Int) -> LayerChanges {
        var c = LayerChanges()
        for e in entries where e.layer == layer && e.path != "/" {
            if e.kind == .dir {
                if e.mergedFrom.count == 1 && e.hidden.isEmpty { c.adds.append(e.path) }
            } else if e.hidden.isEmpty {
                c.adds.append(e.path)
            } else {
                c.changes.append(e.path)
            }
        }
        for d in deletions where d.layer == layer { c.deletes.append(d.path) }
        return c
    }

    public func entry(_ path: ByteString) -> Entry? {
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].path < path { lo = mid + 1 } else { hi = mid }
        }
        return lo < entries.count && entries[lo].path == path ? entries[lo] : nil
    }
}

public enum OverlayResolver {
    /// - Parameters:
    ///   - layers: the layer indexes, top first, with their roles; nil for a layer that could not be read.
    public static func resolve(_ layers: [(role: OverlayLayer.Role, index: LayerIndex?)]) -> OverlayResolution {
        let visible = layers.indices.filter { layers[$0].role != .data }
        func lookup(_ layer: Int, _ path: ByteString) -> LayerIndex.Entry? { layers[layer].index?.entries[path] }
        // Lookup semantics: an xattr whiteout deletes the name whether or not its directory is
        // marked overlay.opaque=x (seen on 6.18: stat gives ENOENT). The mark only makes readdir
        // filter it; unmarked, the name still appears in listings but cannot be opened.
        func isWhiteout(_ layer: Int, _ path: ByteString, _ e: LayerIndex.Entry) -> Bool { e.kind == .whiteout }

        var entries: [OverlayResolution.Entry] = []
        var deletions: [OverlayResolution.Deletion] = []
        let rootContributors = visible.filter { lookup($0, "/")?.kind == .dir }
        guard let top = rootContributors.first else {
            return OverlayResolution(layerCount: layers.count, entries: [], deletions: [])
        }
        var rootStop = rootContributors.count
        if let k = rootContributors.firstIndex(where: { lookup($0, "/")!.opaque }) { rootStop = k + 1 }
        let rootLayers = Array(rootContributors[..<rootStop])
        entries.append(.init(path: "/", kind: .dir, layer: top, dataLayer: nil, hidden: [], mergedFrom: rootLayers, sourcePath: "/", dataPath: nil))

        // Directories still to expand: merged path and (layer, path in that layer), top first.
        var work: [(merged: ByteString, contributors: [(layer: Int, path: ByteString)])] = [("/", rootLayers.map { ($0, "/") })]
        while let dir = work.popLast() {
            var names = Set<ByteString>()
            for (l, p) in dir.contributors { names.formUnion(lookup(l, p)?.children ?? []) }
            for name in names.sorted() {
                let merged = dir.merged.appending(component: name)
                var queue = dir.contributors.map { (layer: $0.layer, path: $0.path.appending(component: name)) }
                var found: (kind: LayerIndex.Entry.Kind, layer: Int, path: ByteString)?
                var dataPath: ByteString?
                var dirParts: [(layer: Int, path: ByteString)] = []
                var hidden: [Int] = []
                var closed = false
                var deletion: OverlayResolution.Deletion?
                var dataLayer: Int?
                var k = 0
                while k < queue.count {
                    let (l, lp) = queue[k]
                    k += 1
                    guard let e = lookup(l, lp) else { continue }
                    if closed {
                        if isWhiteout(l, lp, e) { continue }
                        if deletion != nil { deletion!.hides.append(l) } else { hidden.append(l) }
                        continue
                    }
                    if isWhiteout(l, lp, e) {
                        closed = true
                        if found == nil {
                            deletion = .init(path: merged, layer: l, kind: e.xattrWhiteout ? .xattrWhiteout : .whiteout, hides: [])
                        }
                        continue
                    }
                    if let f = found {
                        if f.kind == .dir && e.kind == .dir {
                            dirParts.append((l, lp))
                            if e.opaque { closed = true }
                            if let r = e.redirect { redirect(&queue, after: k, from: l, to: r, at: lp, visible: visible) }
                        } else {
                            hidden.append(l)
                            closed = true
                        }
                        continue
                    }
                    found = (e.kind, l, lp)
                    if e.kind == .dir {
                        dirParts.append((l, lp))
                        if e.opaque { closed = true }
                        if let r = e.redirect { redirect(&queue, after: k, from: l, to: r, at: lp, visible: visible) }
                    } else {
                        closed = true
                        if e.metacopy {
                            let target = e.redirect.map { $0.bytes.first == UInt8(ascii: "/") ? $0 : lp.parentPath.appending(component: $0) } ?? lp
                            dataLayer = ((l + 1)..<layers.count).first { j in
                                if let d = lookup(j, target), d.kind == .file, !d.metacopy { return true }
                                return false
                            }
                            if dataLayer != nil { dataPath = target }
                        }
                    }
                }
                if let f = found {
                    entries.append(.init(path: merged, kind: f.kind, layer: f.layer, dataLayer: dataLayer,
                                         hidden: hidden, mergedFrom: f.kind == .dir ? dirParts.map(\.layer) : [],
                                         sourcePath: f.path, dataPath: dataPath))
                    if f.kind == .dir {
                        if let opaqueLayer = dirParts.last.flatMap({ lookup($0.layer, $0.path)!.opaque ? $0.layer : nil }), !hidden.isEmpty {
                            // Lower layers that had this directory: cut off. (The kernel also marks
                            // directories it creates opaque; those hide nothing and are no deletion.)
                            deletions.append(.init(path: merged, layer: opaqueLayer, kind: .opaqueDirectory, hides: hidden))
                        }
                        work.append((merged, dirParts))
                    }
                } else if let d = deletion {
                    deletions.append(d)
                }
            }
        }
        entries.sort { $0.path < $1.path }
        deletions.sort { ($0.path, $0.layer) < ($1.path, $1.layer) }
        return OverlayResolution(layerCount: layers.count, entries: entries, deletions: deletions)
    }

    /// After a directory with `overlay.redirect` at `layer`, lower layers are looked up at the
    /// redirect: an absolute path from every lower layer's root, or a sibling name.
    private static func redirect(_ queue: inout [(layer: Int, path: ByteString)], after k: Int, from layer: Int, to target: ByteString,
                                 at path: ByteString, visible: [Int]) {
        if target.bytes.first == UInt8(ascii: "/") {
            queue = Array(queue[..<k]) + visible.filter { $0 > layer }.map { ($0, target) }
        } else {
            for j in k..<queue.count { queue[j].path = queue[j].path.parentPath.appending(component: target) }
        }
    }
}

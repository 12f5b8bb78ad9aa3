import Dispatch
import Foundation

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
/// Data-only layers are never visible by name.
public struct OverlayResolution: Sendable {
    /// One visible path of the merged view.
    public struct Entry: Sendable, Hashable {
        /// Absolute path inside the merged view.
        public var path: ByteString
        /// What it is, in the layer that provides it.
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
        /// A character-device 0/0 whiteout, an xattr whiteout (`overlay.whiteout`), or an opaque
        /// directory (`overlay.opaque=y`).
        public enum Kind: String, Sendable {
            /// A character device 0/0 with the name.
            case whiteout
            /// A zero-size file with the `overlay.whiteout` xattr (Linux 6.7+).
            case xattrWhiteout
            /// A directory with `overlay.opaque=y`, cutting off what lower layers have below it.
            case opaqueDirectory
        }
        /// The path deleted or cut off (absolute, inside the merged view).
        public var path: ByteString
        /// The layer with the whiteout or opaque directory (0 = top).
        public var layer: Int
        /// How it was deleted.
        public var kind: Kind
        /// Layers that still have the path (or, for an opaque directory, entries below it) but do not show.
        public var hides: [Int]

        /// A deletion of `path` in `layer` that hides the copies in `hides`.
        public init(path: ByteString, layer: Int, kind: Kind, hides: [Int]) {
            self.path = path; self.layer = layer; self.kind = kind; self.hides = hides
        }
    }

    /// How many layers the stack has (data-only layers included).
    public var layerCount: Int
    /// Every visible path, sorted bytewise (so a directory comes right before its contents).
    public var entries: [Entry]
    /// The whiteouts and opaque directories of the visible layers, sorted bytewise by path (then by layer).
    public var deletions: [Deletion]

    /// What each layer contributes to the merged view.
    public struct LayerChanges: Sendable, Hashable {
        /// Paths that exist only from this layer up.
        public var adds: [ByteString] = []
        /// Paths this layer provides that hide a lower copy (copy-ups, edits).
        public var changes: [ByteString] = []
        /// Paths this layer deletes (whiteouts) or cuts off (opaque directories).
        public var deletes: [ByteString] = []

        /// Nothing added, changed or deleted yet.
        public init() {}
    }

    /// ``changes(ofLayer:)`` of every layer (by index), in one pass over the merged view
    /// (by index, so that no entry is copied on the way).
    public func changesOfEveryLayer() -> [LayerChanges] {
        var all = [LayerChanges](repeating: LayerChanges(), count: layerCount)
        for i in entries.indices {
            let layer = entries[i].layer
            guard all.indices.contains(layer), !Self.isRoot(entries[i].path) else { continue }
            if entries[i].kind == .dir {
                if entries[i].mergedFrom.count == 1 && entries[i].hidden.isEmpty { all[layer].adds.append(entries[i].path) }
            } else if entries[i].hidden.isEmpty {
                all[layer].adds.append(entries[i].path)
            } else {
                all[layer].changes.append(entries[i].path)
            }
        }
        for d in deletions where all.indices.contains(d.layer) { all[d.layer].deletes.append(d.path) }
        return all
    }

    /// `/`, without making a byte string to compare with.
    static func isRoot(_ path: ByteString) -> Bool { path.bytes.count == 1 && path.bytes[0] == UInt8(ascii: "/") }

    /// What layer `layer` (0 = top) adds, changes and deletes in the merged view (one entry of
    /// ``changesOfEveryLayer()``; nothing for a layer the stack does not have).
    public func changes(ofLayer layer: Int) -> LayerChanges {
        let all = changesOfEveryLayer()
        return all.indices.contains(layer) ? all[layer] : LayerChanges()
    }

    /// Visible non-directories (files, symlinks, others).
    public var fileCount: Int {
        var n = 0
        for i in entries.indices where entries[i].kind != .dir { n += 1 }
        return n
    }

    /// The visible entry at `path`, by binary search; nil when the merged view has no such path.
    public func entry(_ path: ByteString) -> Entry? {
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].path < path { lo = mid + 1 } else { hi = mid }
        }
        return lo < entries.count && entries[lo].path == path ? entries[lo] : nil
    }
}

/// The overlay lookup rules of ``OverlayResolution``, applied to a whole stack.
public enum OverlayResolver {
    /// - Parameters:
    ///   - layers: the layer indexes, top first, with their roles; nil for a layer that could not be read.
    ///
    /// Works one merged directory at a time, like overlayfs' readdir (fs/overlayfs/readdir.c):
    /// the sorted child lists of the layers that contribute to the directory are merged by
    /// name, and each name is then resolved down the layers. The cost is O(total entries ×
    /// contributing layers), with no table keyed by whole paths.
    public static func resolve(_ layers: [(role: OverlayLayer.Role, index: LayerIndex?)]) -> OverlayResolution {
        resolve(layers, recordingFiles: true).resolution
    }

    /// ``OverlayResolution/fileCount`` of the merged view, found the same way without
    /// recording the non-directories (no path made for them, nothing to sort): what a
    /// summary of the stack needs.
    public static func visibleFileCount(_ layers: [(role: OverlayLayer.Role, index: LayerIndex?)]) -> Int {
        let (resolution, uncounted) = resolve(layers, recordingFiles: false)
        return resolution.fileCount + uncounted
    }

    /// The resolution; with `recordingFiles` false, visible non-directories and deletions are
    /// only counted (the count is returned beside a resolution that lacks them).
    /// Stacks with at least `parallelThreshold` entries in their visible layers expand their
    /// top-level directories in parallel.
    static func resolve(_ layers: [(role: OverlayLayer.Role, index: LayerIndex?)], recordingFiles: Bool,
                        parallelThreshold: Int = 20_000) -> (resolution: OverlayResolution, files: Int) {
        let visible = layers.indices.filter { layers[$0].role != .data }
        let indexes = layers.map(\.index)
        // Lookup semantics: an xattr whiteout deletes the name whether or not its directory is
        // marked overlay.opaque=x (seen on 6.18: stat gives ENOENT). The mark only makes readdir
        // filter it; unmarked, the name still appears in listings but cannot be opened.
        @Sendable func isWhiteout(_ e: LayerIndex.Entry) -> Bool { e.kind == .whiteout }

        var acc = Accumulator()
        let totalNodes = visible.reduce(0) { $0 + (indexes[$1]?.nodes.count ?? 0) }
        let rootContributors = visible.filter { indexes[$0]?.root?.kind == .dir }
        guard let top = rootContributors.first else {
            return (OverlayResolution(layerCount: layers.count, entries: [], deletions: []), 0)
        }
        var rootStop = rootContributors.count
        if let k = rootContributors.firstIndex(where: { indexes[$0]!.root!.opaque }) { rootStop = k + 1 }
        let rootLayers = Array(rootContributors[..<rootStop])
        acc.entries.append(.init(path: "/", kind: .dir, layer: top, dataLayer: nil, hidden: [], mergedFrom: rootLayers, sourcePath: "/", dataPath: nil))

        // Directories still to expand: the merged path and, top first, the directories in the
        // layers that merge into it (with their paths inside their layers).
        let nodes: [[LayerIndex.Node]] = indexes.map { $0?.nodes ?? [] }
        var work: [WorkItem] = [("/", rootLayers.map { Part(layer: $0, node: 0, path: "/", samePath: true) })]

        /// Expands the directories of `work` (and those they hold, which join `work`) into
        /// `acc`, at most `limit` of them.
        @Sendable func drain(_ work: inout [WorkItem], into acc: inout Accumulator, limit: Int = .max) {
            var expanded = 0
            while expanded < limit, let dir = work.popLast() {
                expanded += 1
                let parts = dir.parts
                acc.heads.removeAll(keepingCapacity: true)
                for part in parts { acc.heads.append(indexes[part.layer]!.children(of: part.node)) }
                while true {
                    // The smallest next name, and which parts have it (one comparison per part).
                    var smallestPart = -1
                    acc.holders.removeAll(keepingCapacity: true)
                    for i in acc.heads.indices where !acc.heads[i].isEmpty {
                        let order = smallestPart < 0 ? -1 : ByteString.compare(nodes[parts[i].layer][acc.heads[i].lowerBound].name,
                                                                               nodes[parts[smallestPart].layer][acc.heads[smallestPart].lowerBound].name)
                        if order < 0 { smallestPart = i; acc.holders.removeAll(keepingCapacity: true) }
                        if order <= 0 { acc.holders.append(i) }
                    }
                    guard smallestPart >= 0 else { break }
                    let name = nodes[parts[smallestPart].layer][acc.heads[smallestPart].lowerBound].name
                    if acc.holders.count == 1 {
                        // One layer has the name (most names of an image): no lookup below it can
                        // change what it means unless it redirects or points to its data elsewhere.
                        let part = parts[smallestPart], node = acc.heads[smallestPart].lowerBound
                        let e = nodes[part.layer][node].entry
                        if !e.metacopy && !(e.kind == .dir && e.redirect != nil) {
                            acc.heads[smallestPart] = (node + 1)..<acc.heads[smallestPart].upperBound
                            if !recordingFiles && e.kind != .dir {
                                if !isWhiteout(e) { acc.unrecordedFiles += 1 }
                                continue
                            }
                            let merged = dir.merged.appending(component: name)
                            if isWhiteout(e) {
                                acc.deletions.append(.init(path: merged, layer: part.layer, kind: e.xattrWhiteout ? .xattrWhiteout : .whiteout, hides: []))
                                continue
                            }
                            let sourcePath = part.samePath ? merged : part.path.appending(component: name)
                            acc.entries.append(.init(path: merged, kind: e.kind, layer: part.layer, dataLayer: nil, hidden: [],
                                                 mergedFrom: e.kind == .dir ? [part.layer] : [], sourcePath: sourcePath, dataPath: nil))
                            if e.kind == .dir { work.append((merged, [Part(layer: part.layer, node: node, path: sourcePath, samePath: part.samePath)])) }
                            continue
                        }
                    }
                    acc.queue.removeAll(keepingCapacity: true)
                    var nextHolder = 0
                    for i in parts.indices {
                        var node = -1
                        if nextHolder < acc.holders.count && acc.holders[nextHolder] == i {
                            nextHolder += 1
                            node = acc.heads[i].lowerBound
                            acc.heads[i] = (node + 1)..<acc.heads[i].upperBound
                        }
                        acc.queue.append(Candidate(layer: parts[i].layer, parent: parts[i].node, node: node, part: i))
                    }
                    let merged = dir.merged.appending(component: name)

                    var found: (kind: LayerIndex.Entry.Kind, layer: Int, path: ByteString)?
                    var dataPath: ByteString?
                    var dirParts: [Part] = []
                    var hidden: [Int] = []
                    var closed = false
                    var deletion: OverlayResolution.Deletion?
                    var dataLayer: Int?
                    var k = 0
                    while k < acc.queue.count {
                        let c = acc.queue[k]
                        k += 1
                        guard c.node >= 0 else { continue }
                        let e = nodes[c.layer][c.node].entry
                        if closed {
                            if isWhiteout(e) { continue }
                            if deletion != nil { deletion!.hides.append(c.layer) } else { hidden.append(c.layer) }
                            continue
                        }
                        if isWhiteout(e) {
                            closed = true
                            if found == nil {
                                deletion = .init(path: merged, layer: c.layer, kind: e.xattrWhiteout ? .xattrWhiteout : .whiteout, hides: [])
                            }
                            continue
                        }
                        if let f = found {
                            if f.kind == .dir && e.kind == .dir {
                                dirParts.append(Part(layer: c.layer, node: c.node, path: c.path(merged: merged, name: name, parts: parts), samePath: c.keepsPath(parts)))
                                if e.opaque { closed = true }
                                if let r = e.redirect { redirect(&acc.queue, after: k, from: c.layer, to: r, visible: visible, indexes: indexes) }
                            } else {
                                hidden.append(c.layer)
                                closed = true
                            }
                            continue
                        }
                        let sourcePath = c.path(merged: merged, name: name, parts: parts)
                        found = (e.kind, c.layer, sourcePath)
                        if e.kind == .dir {
                            dirParts.append(Part(layer: c.layer, node: c.node, path: sourcePath, samePath: c.keepsPath(parts)))
                            if e.opaque { closed = true }
                            if let r = e.redirect { redirect(&acc.queue, after: k, from: c.layer, to: r, visible: visible, indexes: indexes) }
                        } else {
                            closed = true
                            if e.metacopy {
                                let target = e.redirect.map { $0.bytes.first == UInt8(ascii: "/") ? $0 : sourcePath.parentPath.appending(component: $0) } ?? sourcePath
                                dataLayer = ((c.layer + 1)..<layers.count).first { j in
                                    if let d = indexes[j]?.entry(at: target), d.kind == .file, !d.metacopy { return true }
                                    return false
                                }
                                if dataLayer != nil { dataPath = target }
                            }
                        }
                    }
                    if let f = found, !recordingFiles && f.kind != .dir {
                        acc.unrecordedFiles += 1
                    } else if let f = found {
                        acc.entries.append(.init(path: merged, kind: f.kind, layer: f.layer, dataLayer: dataLayer,
                                             hidden: hidden, mergedFrom: f.kind == .dir ? dirParts.map(\.layer) : [],
                                             sourcePath: f.path, dataPath: dataPath))
                        if f.kind == .dir {
                            if let last = dirParts.last, nodes[last.layer][last.node].entry.opaque, !hidden.isEmpty {
                                // Lower layers that had this directory: cut off. (The kernel also marks
                                // directories it creates opaque; those hide nothing and are no deletion.)
                                acc.deletions.append(.init(path: merged, layer: last.layer, kind: .opaqueDirectory, hides: hidden))
                            }
                            work.append((merged, dirParts))
                        }
                    } else if let d = deletion, recordingFiles {
                        acc.deletions.append(d)
                    }
                }
            }
        }

        // The root first, alone: its subdirectories are then independent of each other and,
        // for a large stack, are expanded in parallel (each into its own accumulator; the
        // entries are sorted by path below, so the order they were made in does not matter).
        if recordingFiles { acc.entries.reserveCapacity(totalNodes) }
        drain(&work, into: &acc, limit: 1)
        if totalNodes >= parallelThreshold && work.count > 1 {
            let items = work
            let results = Results(count: items.count)
            DispatchQueue.concurrentPerform(iterations: items.count) { i in
                var part = Accumulator()
                var work = [items[i]]
                drain(&work, into: &part)
                results.set(i, part)
            }
            for part in results.take() {
                acc.entries.append(contentsOf: part.entries)
                acc.deletions.append(contentsOf: part.deletions)
                acc.unrecordedFiles += part.unrecordedFiles
            }
        } else {
            drain(&work, into: &acc)
        }
        var entries = acc.entries, deletions = acc.deletions
        let unrecorded = acc.unrecordedFiles
        acc = Accumulator()
        entries.sort { ByteString.compare($0.path, $1.path) < 0 }
        deletions.sort { d1, d2 in
            let c = ByteString.compare(d1.path, d2.path)
            return c != 0 ? c < 0 : d1.layer < d2.layer
        }
        return (OverlayResolution(layerCount: layers.count, entries: entries, deletions: deletions), unrecorded)
    }

    /// A merged directory to expand: its path and its parts.
    private typealias WorkItem = (merged: ByteString, parts: [Part])

    /// What expanding directories makes, and the scratch space it reuses.
    private struct Accumulator: Sendable {
        var entries: [OverlayResolution.Entry] = []
        var deletions: [OverlayResolution.Deletion] = []
        var unrecordedFiles = 0
        var heads: [Range<Int>] = []
        var holders: [Int] = []
        var queue: [Candidate] = []
    }

    /// One accumulator per parallel expansion, each written once.
    private final class Results: @unchecked Sendable {
        private var slots: [Accumulator?]
        private let lock = NSLock()
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: Accumulator) { lock.lock(); slots[i] = value; lock.unlock() }
        func take() -> [Accumulator] { lock.lock(); defer { lock.unlock() }; return slots.map { $0 ?? Accumulator() } }
    }

    /// A directory of one layer that merges into a merged directory.
    private struct Part {
        var layer: Int
        var node: Int
        /// Its path inside its layer.
        var path: ByteString
        /// True while `path` equals the merged path (no redirect on the way down).
        var samePath: Bool
    }

    /// One layer's candidate for a name: the entry (`node`, -1 if absent) under that name in
    /// directory `parent` of the layer, which is `parts[part]` of the merged directory unless
    /// a redirect moved the lookup (then `redirectedDirectory`/`redirectedName` say where).
    private struct Candidate {
        var layer: Int
        var parent: Int
        var node: Int
        var part: Int
        var redirectedDirectory: ByteString? = nil
        var redirectedName: ByteString? = nil

        /// True while its path inside the layer equals the merged path.
        func keepsPath(_ parts: [Part]) -> Bool { redirectedDirectory == nil && redirectedName == nil && parts[part].samePath }

        /// Its path inside its layer.
        func path(merged: ByteString, name: ByteString, parts: [Part]) -> ByteString {
            if keepsPath(parts) { return merged }
            return (redirectedDirectory ?? parts[part].path).appending(component: redirectedName ?? name)
        }
    }

    /// After a directory with `overlay.redirect` at `layer`, lower layers are looked up at the
    /// redirect: an absolute path from every lower layer's root, or a sibling name.
    private static func redirect(_ queue: inout [Candidate], after k: Int, from layer: Int, to target: ByteString,
                                 visible: [Int], indexes: [LayerIndex?]) {
        if target.bytes.first == UInt8(ascii: "/") {
            let directory = target.parentPath
            let name = ByteString(target.bytes[(target.bytes.lastIndex(of: UInt8(ascii: "/"))! + 1)...])
            queue = Array(queue[..<k]) + visible.filter { $0 > layer }.map { j in
                let parent = indexes[j]?.node(at: directory)
                return Candidate(layer: j, parent: parent ?? -1, node: parent.flatMap { indexes[j]!.child(of: $0, named: name) } ?? -1,
                                 part: -1, redirectedDirectory: directory, redirectedName: name)
            }
        } else {
            for j in k..<queue.count {
                let layer = queue[j].layer, parent = queue[j].parent
                queue[j].redirectedName = target
                queue[j].node = parent >= 0 ? indexes[layer]!.child(of: parent, named: target) ?? -1 : -1
            }
        }
    }
}

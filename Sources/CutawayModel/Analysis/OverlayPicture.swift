/// What the overlay-stack diagram shows, small enough to keep in a snapshot: the stack and a
/// selection of paths (the "columns"), each with its state in every layer and in the merged
/// view. Paths that show the overlay rules at work come first: deletions, shadowed copies,
/// copy-ups and additions in the upper layer.
public struct OverlayPicture: Sendable, Hashable, Codable {
    /// The state of one path in one layer.
    public enum Cell: String, Sendable, Codable {
        /// The layer does not have the path.
        case absent
        /// The copy the merged view shows.
        case provides
        /// Present, but hidden by a layer above (shadowed copy).
        case hidden
        /// A whiteout: the layer deletes the path from every layer below.
        case whiteout
        /// An opaque directory (`overlay.opaque=y`): hides every layer's directory below it.
        case opaqueDirectory
        /// A directory that merges with the others.
        case directory
        /// Present inside a directory of this layer, but cut off by an opaque directory of the
        /// same path in a layer above (`Column.cutOffBy` says which): the merged view never shows it.
        case cutOff
    }

    /// The opaque directory that hides a column's lower copies: its path and the layer it is in.
    public struct OpaqueDirectory: Sendable, Hashable, Codable {
        /// The opaque directory's path inside the merged view.
        public var path: String
        /// The layer it is opaque in (0 = top).
        public var layer: Int

        /// Opaque directory `path` in layer `layer`.
        public init(path: String, layer: Int) { self.path = path; self.layer = layer }
    }

    /// One path of the picture with its state in every layer.
    public struct Column: Sendable, Hashable, Codable {
        /// The path inside the merged view, escaped for terminals.
        public var path: String
        /// Its state in each layer, top first.
        public var cells: [Cell]
        /// The layer the merged view takes it from; nil when deleted.
        public var mergedFrom: Int?
        /// `file`, `dir`, `symlink`, `other` or `whiteout` as the merged view has it (the layer
        /// entry kinds of ``LayerIndex/Entry/Kind``), or `deleted`.
        public var kind: String
        /// For an entry that only lower layers have inside an opaque directory: that directory.
        public var cutOffBy: OpaqueDirectory? = nil
    }

    /// Per opaque directory, at most this many of the lower entries it hides become columns.
    static let cutOffColumnsPerDirectory = 3

    /// A name for files: the container's name or the merged dir.
    public var name: String
    /// The diagram's title.
    public var title: String
    /// The stack drawn.
    public var stack: OverlayStack
    /// The paths drawn, most telling first.
    public var columns: [Column]
    /// Visible paths not drawn.
    public var morePaths: Int
    /// Per layer: files in it.
    public var fileCounts: [Int?]

    /// Chooses at most `maxColumns` paths of `inspection` for the diagram: deletions, shadowed
    /// copies, copy-ups, additions, and entries cut off by opaque directories.
    public init(name: String, title: String, inspection: OverlayInspection, maxColumns: Int = 12) {
        self.name = name
        self.title = title
        stack = inspection.stack
        fileCounts = inspection.indexes.map { $0?.fileCount }
        let r = inspection.resolution
        let count = inspection.stack.layers.count
        var candidates: [(priority: Int, column: Column)] = []
        for d in r.deletions {
            var cells = [Cell](repeating: .absent, count: count)
            cells[d.layer] = d.kind == .opaqueDirectory ? .opaqueDirectory : .whiteout
            for h in d.hides { cells[h] = .hidden }
            if d.kind == .opaqueDirectory { // drawn with its directory entry below, and what it hides
                candidates += Self.cutOff(by: d, indexes: inspection.indexes, layerCount: count).map { (0, $0) }
                continue
            }
            candidates.append((0, Column(path: d.path.description, cells: cells, mergedFrom: nil, kind: "deleted")))
        }
        for e in r.entries where e.path != "/" {
            var cells = [Cell](repeating: .absent, count: count)
            cells[e.layer] = e.kind == .dir ? .directory : .provides
            for h in e.hidden { cells[h] = .hidden }
            if e.kind == .dir {
                for l in e.mergedFrom where l != e.layer { cells[l] = .directory }
                if let o = r.deletions.first(where: { $0.path == e.path && $0.kind == .opaqueDirectory }) { cells[o.layer] = .opaqueDirectory }
            }
            let priority: Int
            if cells.contains(.opaqueDirectory) { priority = 0 }
            else if !e.hidden.isEmpty && e.kind != .dir { priority = 1 }
            else if e.kind == .dir { priority = 5 }
            else if e.layer == 0 && inspection.stack.layers.first?.role == .upper { priority = 2 }
            else { priority = 3 + (e.path.bytes.filter { $0 == UInt8(ascii: "/") }.count > 2 ? 1 : 0) }
            candidates.append((priority, Column(path: e.path.description, cells: cells, mergedFrom: e.layer, kind: e.kind.rawValue)))
        }
        // Spread the picture over the layers: per layer, its most telling paths first.
        let sorted = candidates.sorted { ($0.priority, $0.column.path) < ($1.priority, $1.column.path) }
        var chosen: [Column] = []
        var perLayer: [Int: Int] = [:]
        for pass in 0..<2 {
            for c in sorted where chosen.count < maxColumns && !chosen.contains(c.column) && c.priority < 5 {
                let layer = c.column.mergedFrom ?? c.column.cells.firstIndex(of: .whiteout) ?? c.column.cutOffBy?.layer ?? 0
                if pass == 0 && perLayer[layer, default: 0] >= 3 { continue }
                chosen.append(c.column)
                perLayer[layer, default: 0] += 1
            }
        }
        columns = chosen.sorted { $0.path < $1.path }
        morePaths = max(0, r.fileCount - columns.filter { $0.mergedFrom != nil && $0.kind != "dir" }.count)
    }

    /// The entries of the lower layers' directories at an opaque directory's path: they are
    /// still in their layers, but the merged view does not show them (overlayfs.rst, "whiteouts
    /// and opaque directories": an opaque directory does not merge with the directories below).
    /// One column per name, marked `cutOff` in every hidden layer that has it.
    static func cutOff(by d: OverlayResolution.Deletion, indexes: [LayerIndex?], layerCount: Int) -> [Column] {
        var columns: [String: Column] = [:]
        var order: [String] = []
        for h in d.hides {
            guard h < indexes.count, let index = indexes[h], let dir = index.node(at: d.path), index.nodes[dir].entry.kind == .dir else { continue }
            for child in index.children(of: dir) where index.nodes[child].entry.kind != .whiteout {
                let path = d.path.appending(component: index.nodes[child].name).description
                if columns[path] == nil {
                    guard order.count < cutOffColumnsPerDirectory else { continue }
                    order.append(path)
                    columns[path] = Column(path: path, cells: [Cell](repeating: .absent, count: layerCount), mergedFrom: nil,
                                           kind: index.nodes[child].entry.kind.rawValue,
                                           cutOffBy: OpaqueDirectory(path: d.path.description, layer: d.layer))
                }
                columns[path]!.cells[h] = .cutOff
            }
        }
        return order.map { columns[$0]! }
    }
}

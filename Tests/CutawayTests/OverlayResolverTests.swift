import CutawayModel
import Testing

/// The resolution rules on synthetic layers (no kernel needed); the kernel-oracle test checks
/// the same rules against real mounts.
@Suite struct OverlayResolverTests {
    typealias E = LayerIndex.Entry

    /// A layer from `path: entry` pairs; parent directories are filled in.
    func layer(_ items: [String: E]) -> LayerIndex {
        LayerIndex(entries: Dictionary(uniqueKeysWithValues: items.map { (ByteString($0.key), $0.value) }))
    }

    func resolve(_ layers: [(OverlayLayer.Role, LayerIndex)]) -> OverlayResolution {
        OverlayResolver.resolve(layers.map { (role: $0.0, index: $0.1) })
    }

    func visible(_ r: OverlayResolution) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: r.entries.filter { $0.path != "/" }.map { ($0.path.lossyString, $0.layer) })
    }

    @Test func theNotesExampleTopLowerWins() {
        // lowerdir=lower2:lower1 — /c/d.txt in both: lower2's copy shows.
        let r = resolve([(.lower, layer(["/c/d.txt": E(kind: .file)])), (.lower, layer(["/c/d.txt": E(kind: .file), "/c/e.txt": E(kind: .file)]))])
        #expect(visible(r) == ["/c": 0, "/c/d.txt": 0, "/c/e.txt": 1])
        #expect(r.entry("/c/d.txt")?.hidden == [1])
        #expect(r.entry("/c")?.mergedFrom == [0, 1])
        #expect(r.changes(ofLayer: 0).changes == ["/c/d.txt"] && r.changes(ofLayer: 1).adds == ["/c/e.txt"])
    }

    @Test func whiteoutHidesEveryLayerBelow() {
        let r = resolve([(.upper, layer(["/a": E(kind: .whiteout)])), (.lower, layer(["/a": E(kind: .file)])), (.lower, layer(["/a": E(kind: .dir), "/a/x": E(kind: .file)]))])
        #expect(visible(r).isEmpty)
        #expect(r.deletions.first?.kind == .whiteout && r.deletions.first?.hides == [1, 2])
        let e = PathExplanation(path: "/a/x", resolution: r, layers: [(.upper, nil), (.lower, nil), (.lower, nil)])
        #expect(e.verdict == .absent) // no indexes given: nothing is present
    }

    @Test func opaqueDirectoryStopsTheMerge() {
        let layers: [(OverlayLayer.Role, LayerIndex)] = [
            (.upper, layer(["/d": E(kind: .dir, opaque: true), "/d/new": E(kind: .file)])),
            (.lower, layer(["/d/old": E(kind: .file)])),
        ]
        let r = resolve(layers)
        #expect(visible(r) == ["/d": 0, "/d/new": 0])
        #expect(r.deletions == [.init(path: "/d", layer: 0, kind: .opaqueDirectory, hides: [1])])
        let e = PathExplanation(path: "/d/old", resolution: r, layers: layers.map { (role: $0.0, index: $0.1) })
        #expect(e.verdict == .hiddenByOpaqueDirectory(directory: "/d", layer: 0, presentIn: [1]))
    }

    @Test func fileOverDirectoryAndDirectoryOverFile() {
        let r = resolve([(.lower, layer(["/x": E(kind: .file), "/y/in": E(kind: .file)])), (.lower, layer(["/x/under": E(kind: .file), "/y": E(kind: .file)]))])
        #expect(visible(r) == ["/x": 0, "/y": 0, "/y/in": 0])
        #expect(r.entry("/x")?.hidden == [1] && r.entry("/y")?.hidden == [1])
    }

    /// Seen on 6.18: lookup treats the xattr whiteout as a whiteout even in an unmarked directory.
    @Test func xattrWhiteoutDeletesWithoutTheXMark() {
        let unmarked = layer(["/w": E(kind: .whiteout, xattrWhiteout: true)])
        let below = layer(["/w": E(kind: .file)])
        #expect(visible(resolve([(.lower, unmarked), (.lower, below)])).isEmpty)
        #expect(resolve([(.lower, unmarked), (.lower, below)]).deletions.first?.kind == .xattrWhiteout)
    }

    @Test func redirectedDirectoryReadsTheOldPathBelow() {
        // mv olddir renamed with redirect_dir=on: upper has /renamed (redirect "/olddir") and a whiteout for /olddir.
        let r = resolve([
            (.upper, layer(["/renamed": E(kind: .dir, redirect: "/olddir"), "/olddir": E(kind: .whiteout)])),
            (.lower, layer(["/olddir/f": E(kind: .file), "/renamed/ignored": E(kind: .file)])),
        ])
        #expect(visible(r) == ["/renamed": 0, "/renamed/f": 1])
        #expect(r.entry("/renamed/f")?.sourcePath == "/olddir/f")
        let relative = resolve([(.upper, layer(["/new": E(kind: .dir, redirect: "old")])), (.lower, layer(["/old/g": E(kind: .file)]))])
        #expect(visible(relative) == ["/new": 0, "/new/g": 1, "/old": 1, "/old/g": 1])
    }

    @Test func metacopyDataComesFromBelowIncludingDataOnlyLayers() {
        let r = resolve([
            (.upper, layer(["/m": E(kind: .file, metacopy: true)])),
            (.lower, layer(["/m": E(kind: .file), "/b": E(kind: .file, redirect: "/blobs/1", metacopy: true)])),
            (.data, layer(["/blobs/1": E(kind: .file), "/hidden-by-name": E(kind: .file)])),
        ])
        #expect(visible(r) == ["/m": 0, "/b": 1])
        #expect(r.entry("/m")?.dataLayer == 1 && r.entry("/b")?.dataLayer == 2 && r.entry("/b")?.dataPath == "/blobs/1")
    }

    @Test func unreadableLayerIsSkippedNotFatal() {
        let r = OverlayResolver.resolve([(role: .upper, index: nil), (role: .lower, index: layer(["/a": E(kind: .file)]))])
        #expect(visible(r) == ["/a": 1])
    }
}

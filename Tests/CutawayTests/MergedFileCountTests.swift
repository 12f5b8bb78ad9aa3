@testable import CutawayModel
import Testing

/// The summary's merged file count (``OverlayResolver/visibleFileCount(_:)``, which records no
/// paths) must equal the full resolution's, on stacks with every overlay rule in play.
@Suite struct MergedFileCountTests {
    /// A small deterministic generator (SplitMix64), so that a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func layer(_ g: inout Generator) -> LayerIndex {
        typealias E = LayerIndex.Entry
        var entries: [ByteString: E] = [:]
        let names = ["a", "b", "a-b", "a.c", "c"]
        func fill(_ dir: String, depth: Int) {
            for name in names where Int.random(in: 0..<3, using: &g) > 0 {
                let path = dir == "/" ? "/" + name : dir + "/" + name
                switch Int.random(in: 0..<10, using: &g) {
                case 0: entries[ByteString(path)] = E(kind: .whiteout)
                case 1: entries[ByteString(path)] = E(kind: .whiteout, xattrWhiteout: true)
                case 2: entries[ByteString(path)] = E(kind: .file, metacopy: Bool.random(using: &g))
                case 3: entries[ByteString(path)] = E(kind: .symlink)
                case 4...6 where depth < 3:
                    let redirect: ByteString? = switch Int.random(in: 0..<6, using: &g) {
                    case 0: ByteString("/" + names.randomElement(using: &g)!)
                    case 1: ByteString(names.randomElement(using: &g)!)
                    default: nil
                    }
                    entries[ByteString(path)] = E(kind: .dir, opaque: Int.random(in: 0..<5, using: &g) == 0, redirect: redirect)
                    fill(path, depth: depth + 1)
                default: entries[ByteString(path)] = E(kind: .file, size: 1)
                }
            }
        }
        fill("/", depth: 0)
        return LayerIndex(entries: entries)
    }

    @Test func theCountIsTheResolutionsOnRandomStacks() {
        var g = Generator(state: 10)
        for round in 0..<400 {
            let count = Int.random(in: 1...5, using: &g)
            var layers: [(role: OverlayLayer.Role, index: LayerIndex?)] = (0..<count).map { i in
                (role: i == 0 ? .upper : .lower, index: Int.random(in: 0..<8, using: &g) == 0 ? nil : Self.layer(&g))
            }
            if Bool.random(using: &g) { layers.append((role: .data, index: Self.layer(&g))) }
            let full = OverlayResolver.resolve(layers)
            #expect(OverlayResolver.visibleFileCount(layers) == full.fileCount, "round \(round)")
        }
    }

    @Test func anInspectionCountsWithoutAndWithItsResolution() {
        var g = Generator(state: 77)
        let stack = OverlayStack(mountNamespace: 1, mountID: 2, mergedDir: "/m",
                                 layers: [OverlayLayer(role: .upper, path: "/u"), OverlayLayer(role: .lower, path: "/l")],
                                 workDir: nil, switches: [], usesLayerAppendOptions: false)
        let a = OverlayInspection(stack: stack, indexes: [Self.layer(&g), Self.layer(&g)])
        let counted = a.mergedFileCount
        #expect(counted == a.resolution.fileCount)
        #expect(a.mergedFileCount == counted)
    }
}

extension MergedFileCountTests {
    /// Large stacks expand their top-level directories in parallel: the same entries and
    /// deletions, in the same order, as one directory after another.
    @Test func theParallelExpansionIsTheSerialOne() {
        var g = Generator(state: 2026)
        for round in 0..<200 {
            let count = Int.random(in: 1...4, using: &g)
            let layers: [(role: OverlayLayer.Role, index: LayerIndex?)] = (0..<count).map { i in
                (role: i == 0 ? .upper : .lower, index: Self.layer(&g))
            }
            let serial = OverlayResolver.resolve(layers, recordingFiles: true, parallelThreshold: .max)
            let parallel = OverlayResolver.resolve(layers, recordingFiles: true, parallelThreshold: 0)
            #expect(parallel.resolution.entries == serial.resolution.entries, "round \(round)")
            #expect(parallel.resolution.deletions == serial.resolution.deletions, "round \(round)")
            #expect(OverlayResolver.resolve(layers, recordingFiles: false, parallelThreshold: 0).files
                    == OverlayResolver.resolve(layers, recordingFiles: false, parallelThreshold: .max).files, "round \(round)")
        }
    }
}

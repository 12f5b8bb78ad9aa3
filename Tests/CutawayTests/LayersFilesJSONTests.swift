import CutawayModel
@testable import CutawayRender
import Foundation
import Testing

/// `cutaway layers --files --json` writes its merged-view entries and layer changes as bytes
/// (LayersFilesJSON.swift): they must be exactly what Foundation's `JSONEncoder` gives for
/// the same containers, for hostile names too (quotes, backslashes, controls, non-ASCII,
/// invalid UTF-8 with its Base64 sibling, terminal controls escaped as `\uXXXX`).
@Suite struct LayersFilesJSONTests {
    typealias E = LayerIndex.Entry

    /// An upper, two lowers and a data-only layer: whiteouts (both kinds), an opaque and a
    /// redirected directory, a metacopy file, copy-ups, names no terminal should see raw.
    func inspection() -> OverlayInspection {
        let invalid = ByteString(Array("/bad-".utf8) + [0xff, 0xfe])
        let upper = LayerIndex(entries: [
            "/a": E(kind: .dir), "/a/q\"uote\\d": E(kind: .file, size: 3), "/a/ctl\n\t\u{1b}x": E(kind: .symlink),
            "/a/é-ü": E(kind: .file), "/a/bidi\u{202e}txt": E(kind: .file), "/gone": E(kind: .whiteout),
            "/xgone": E(kind: .whiteout, xattrWhiteout: true), "/opaque": E(kind: .dir, opaque: true),
            "/opaque/new": E(kind: .file), "/meta": E(kind: .file, metacopy: true), "/moved": E(kind: .dir, redirect: "/old"),
            invalid: E(kind: .file), ByteString(Array("/dir-".utf8) + [0xc3]): E(kind: .dir),
        ])
        let lower = LayerIndex(entries: [
            "/a": E(kind: .dir), "/a/q\"uote\\d": E(kind: .file), "/a/keep": E(kind: .file), "/gone": E(kind: .file),
            "/xgone": E(kind: .dir), "/xgone/in": E(kind: .file), "/opaque": E(kind: .dir), "/opaque/old": E(kind: .file),
            "/old": E(kind: .dir), "/old/inside": E(kind: .file), invalid: E(kind: .file),
        ])
        let empty = LayerIndex(entries: [:])
        let data = LayerIndex(entries: ["/meta": E(kind: .file, size: 9)])
        let stack = OverlayStack(mountNamespace: 1, mountID: 2, mergedDir: "/m",
                                 layers: [OverlayLayer(role: .upper, path: "/u"), OverlayLayer(role: .lower, path: "/l1"),
                                          OverlayLayer(role: .lower, path: "/l2"), OverlayLayer(role: .data, path: "/d")],
                                 workDir: "/w", switches: [], usesLayerAppendOptions: false)
        return OverlayInspection(stack: stack, indexes: [upper, lower, empty, data])
    }

    func foundation<T: Encodable>(_ value: T) throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return JSONStreamEncoderTests().escapingTerminalControls([UInt8](try e.encode(value)))
    }

    @Test func filesJSONIsByteForByteFoundations() throws {
        let value = LayersJSON(inspection: inspection(), files: true, path: "/a/keep")
        let streamed = try JSONStreamEncoder().encode(value)
        let expected = try foundation(value)
        let text = String(decoding: streamed, as: UTF8.self)
        #expect(text.contains("\"pathBase64\" : ") && text.contains("\"addsBase64\" : "), "the invalid name needs its Base64 siblings")
        #expect(text.contains("\"hides\" : [\n\n"), "an empty list")
        if streamed != expected {
            let at = zip(streamed, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(streamed.count, expected.count)
            let context = { (b: [UInt8]) in String(decoding: b[max(0, at - 120)..<min(b.count, at + 120)], as: UTF8.self) }
            Issue.record("first difference at byte \(at):\n--- streamed\n\(context(streamed))\n--- JSONEncoder\n\(context(expected))")
        }
    }

    /// The document `cutaway layers --json` prints: members sorted at the top level, other
    /// overlays and an image beside them, a path explained.
    @Test func documentJSONIsByteForByteFoundations() throws {
        let other = LayersJSON(inspection: inspection(), files: false, path: nil)
        let image = ImageJSON(image: EngineImage(engine: .docker, id: "sha256:ab", names: ["x:1"], layers: [], storeRoot: "/s"))
        for document in [LayersDocumentJSON(overlay: LayersJSON(inspection: inspection(), files: true, path: "/gone"), otherOverlays: [other], image: image),
                         LayersDocumentJSON(overlay: LayersJSON(inspection: inspection(), files: false, path: nil), otherOverlays: []),
                         LayersDocumentJSON(overlay: nil, otherOverlays: [], image: image)] {
            let streamed = try JSONStreamEncoder().encode(document)
            let expected = try foundation(document)
            if streamed != expected {
                let at = zip(streamed, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(streamed.count, expected.count)
                Issue.record("first difference at byte \(at):\n\(String(decoding: streamed[max(0, at - 120)..<min(streamed.count, at + 120)], as: UTF8.self))")
            }
        }
    }

    @Test func layerChangesMatchTheOneLayerAtATimeAnswer() {
        let resolution = inspection().resolution
        let all = resolution.changesOfEveryLayer()
        for layer in 0..<resolution.layerCount { #expect(all[layer] == resolution.changes(ofLayer: layer)) }
    }

    @Test func anEmptyMergedViewIsAnEmptyList() throws {
        let stack = OverlayStack(mountNamespace: 1, mountID: 2, mergedDir: "/m", layers: [OverlayLayer(role: .upper, path: "/u")],
                                 workDir: nil, switches: [], usesLayerAppendOptions: false)
        let value = LayersJSON(inspection: OverlayInspection(stack: stack, indexes: [nil]), files: true, path: nil)
        #expect(try JSONStreamEncoder().encode(value) == (try foundation(value)))
    }
}

extension LayersFilesJSONTests {
    /// Written to a descriptor (where the writer passes bytes on as it goes and writes the
    /// top-level object itself) the document is the same as encoded in memory.
    @Test func theDocumentWrittenToADescriptorIsTheDocumentInMemory() throws {
        let image = ImageJSON(image: EngineImage(engine: .docker, id: "sha256:ab", names: ["x:1"], layers: [], storeRoot: "/s"))
        let document = LayersDocumentJSON(overlay: LayersJSON(inspection: inspection(), files: true, path: "/a/keep"),
                                          otherOverlays: [LayersJSON(inspection: inspection(), files: false, path: "/gone")], image: image)
        let expected = try JSONStreamEncoder().encode(document) + [0x0A]
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        #expect(expected.count < 60_000, "the pipe holds it all without a reader")
        try JSONStreamEncoder().write(document, to: fds[1])
        close(fds[1])
        var written: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(fds[0], &buffer, buffer.count)
            if n <= 0 { break }
            written += buffer[..<n]
        }
        let at = zip(written, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(written.count, expected.count)
        #expect(written == expected, "\(written.count) bytes written, \(expected.count) expected, first difference at byte \(at)")
    }
}

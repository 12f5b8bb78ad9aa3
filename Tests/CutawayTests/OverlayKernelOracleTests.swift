import CutawayModel
@testable import CutawayReaders
import Foundation
import Testing

extension LiveSystemTests {
    /// The kernel is the oracle: mount real stacks (Tests/Scripts/overlay-scenario.sh) and check
    /// cutaway's resolution against what the merged directories really show, file by file.
    @Suite(.serialized, .enabled(if: TestSupport.isRoot, "skipped: needs root to mount overlays (run `sudo swift test`)"))
    struct OverlayKernelOracleTests {
        func stacks(_ env: [String: String]) throws -> (Snapshot, [OverlayStack]) {
            let snapshot = SnapshotScanner(source: DirectoryProcSource.live()).scan()
            let table = try #require(snapshot.table(ofPID: env["LAB_PID"]))
            // The scenario's own overlays (the lab's namespace also inherits any other overlays of the host).
            let base = ByteString(try #require(env["BASE"]))
            let stacks = try OverlayReader.stacks(in: table).map { try $0.stack.get() }.filter { $0.mergedDir.hasPrefix(base) }
            return (snapshot, stacks)
        }

        func read(_ path: ByteString) -> [UInt8]? {
            FileManager.default.contents(atPath: path.lossyString).map { [UInt8]($0) }
        }

        @Test func resolverAgreesWithTheMergedDirectories() throws {
            try TestSupport.withScenario(script: TestSupport.overlayScenarioScript) { env in
                let (_, stacks) = try stacks(env)
                #expect(stacks.count == 3)
                let lab = env["LAB_PID"]!
                for stack in stacks {
                    let inspection = OverlayReader.inspect(stack)
                    #expect(inspection.indexes.allSatisfy { $0 != nil && $0!.problems.isEmpty })
                    // What the kernel shows, listed by an independent tool (not cutaway's walker).
                    let mergedOnHost = ByteString("/proc/\(lab)/root" + stack.mergedDir.lossyString)
                    let kernelView = try TestSupport.mergedView(mergedOnHost)
                    #expect(!kernelView.isEmpty, "the listing of \(stack.mergedDir) is not empty")
                    let ours = Dictionary(uniqueKeysWithValues: inspection.resolution.entries.filter { $0.path != "/" }.map { ($0.path, $0.kind.rawValue) })
                    #expect(ours == kernelView, "merged view of \(stack.mergedDir)")
                    // Every file's bytes come from the layer cutaway names (the data layer for metacopy).
                    for e in inspection.resolution.entries where e.kind == .file {
                        let layer = e.dataLayer ?? e.layer
                        let source = stack.layers[layer].resolvedPath!.lossyString + (e.dataPath ?? e.sourcePath).lossyString
                        #expect(read(ByteString(mergedOnHost.lossyString + e.path.lossyString)) == read(ByteString(source)), "\(e.path) in \(stack.mergedDir)")
                    }
                }
            }
        }

        @Test func explanationsOfTheNotesExampleAndEveryMarker() throws {
            try TestSupport.withScenario(script: TestSupport.overlayScenarioScript) { env in
                let (_, stacks) = try stacks(env)
                let legacy = try #require(stacks.first { $0.mergedDir.lossyString.hasSuffix("/merged") })
                let top = ByteString([UInt8](Data(base64Encoded: env["TOP_LAYER_B64"]!)!))
                #expect(legacy.layers.map(\.path) == [ByteString(env["BASE"]! + "/up"), top, ByteString(env["BASE"]! + "/middle"), ByteString(env["BASE"]! + "/bottom")])
                let newAPI = try #require(stacks.first { $0.mergedDir.lossyString.hasSuffix("/merged2") })
                #expect(newAPI.usesLayerAppendOptions && newAPI.layers[1].path == top)
                let i = OverlayReader.inspect(legacy)
                // A name in two lower layers: /c/d.txt is in lowerdir1 and lowerdir2; lowerdir2's copy shows.
                #expect(i.explain("/c/d.txt").verdict == .provided(layer: 2, kind: .file, dataLayer: nil, hides: [3]))
                #expect(i.explain("/two.txt").verdict == .deleted(layer: 2, xattr: false, hides: [3]))
                #expect(i.explain("/one.txt").verdict == .deleted(layer: 1, xattr: true, hides: [3]))
                #expect(i.explain("/gone").verdict == .deleted(layer: 0, xattr: false, hides: [3]))
                #expect(i.explain("/gone/x.txt").verdict == .hiddenByDeletedDirectory(directory: "/gone", layer: 0, presentIn: [3]))
                #expect(i.explain("/keep/a.txt").verdict == .hiddenByOpaqueDirectory(directory: "/keep", layer: 2, presentIn: [3]))
                #expect(i.explain("/opq/o.txt").verdict == .hiddenByOpaqueDirectory(directory: "/opq", layer: 0, presentIn: [3]))
                #expect(i.explain("/edit.txt").verdict == .provided(layer: 0, kind: .file, dataLayer: nil, hides: [3]))  // copy-up
                #expect(i.explain("/meta.txt").verdict == .provided(layer: 0, kind: .file, dataLayer: 3, hides: [3]))    // metacopy
                #expect(i.resolution.entry("/renamed/f.txt")?.sourcePath == "/olddir/f.txt")                          // redirect
                #expect(i.explain("/nowhere").verdict == .absent)
                let upper = i.resolution.changes(ofLayer: 0)
                #expect(upper.adds.contains("/newdir/n.txt") && upper.changes == ["/edit.txt", "/meta.txt"])
                #expect(Set(upper.deletes) == ["/gone", "/olddir", "/opq"])
            }
        }

        @Test func layersCommandJSONContract() throws {
            try TestSupport.withScenario(script: TestSupport.overlayScenarioScript) { env in
                let lab = env["LAB_PID"]!, base = env["BASE"]!
                // Inside the lab's mount namespace the mount point is a plain TARGET.
                let r = try TestSupport.run("/usr/bin/nsenter", ["-t", lab, "-m", "--", TestSupport.cutawayBinary, "layers", base + "/merged", "--files", "--path", "/c/d.txt", "--json"])
                #expect(r.status == 0, "\(r.stderr)")
                let object = try r.json()
                let layers = try #require(object["layers"] as? [[String: Any]])
                #expect(layers.map { $0["role"] as? String } == ["upper", "lower", "lower", "lower"])
                #expect(layers.allSatisfy { ($0["path"] as? String)?.hasPrefix("/") == true })
                let entries = try #require(object["entries"] as? [[String: Any]])
                let d = try #require(entries.first { $0["path"] as? String == "/c/d.txt" })
                #expect(d["type"] as? String == "file" && d["layer"] as? Int == 2)
                #expect(Set(entries.compactMap { $0["type"] as? String }).isSubset(of: ["file", "dir", "symlink", "other"]))
                #expect((object["explanation"] as? [String: Any])?["verdict"] as? String == "provided")
                // From the host, by pid: the same overlays, and a clear error for a non-overlay target.
                let byPID = try TestSupport.cutaway("layers", "--pid", lab, "--json")
                let all = try byPID.json()
                let overlays = [all] + (all["otherOverlays"] as? [[String: Any]] ?? [])
                #expect(byPID.status == 0 && overlays.filter { ($0["mergedDir"] as? String)?.hasPrefix(base) == true }.count == 3)
                let notOverlay = try TestSupport.cutaway("layers", "/tmp")
                #expect(notOverlay.status == 1 && notOverlay.stderr.contains("is not the mount point of an overlay mount"))
            }
        }
    }
}

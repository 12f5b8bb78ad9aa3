import CutawayModel
import CutawaySystem
@testable import CutawayReaders
import Foundation
import Testing

extension LiveSystemTests {
    /// A layer directory owned by another user (`nobody`) is walked by root: the owner may
    /// swap directories for symlinks while the walk runs, or build trees deeper than PATH_MAX.
    /// Tests/Scripts/overlay-walk-attacker.py plays the owner.
    @Suite(.serialized, .enabled(if: TestSupport.isRoot, "skipped: needs root to act as two users (run `sudo swift test`)"))
    struct OverlayWalkSafetyTests {
        static let attacker = TestSupport.packageRoot.appendingPathComponent("Tests/Scripts/overlay-walk-attacker.py").path
        static let nobody = ["/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--", "/usr/bin/python3", attacker]

        /// A scratch directory (root's, 0755) holding `layer/`, owned by nobody.
        func scratch(_ body: (String, String) throws -> Void) throws {
            var template = Array("/tmp/cutaway-walk-test.XXXXXX".utf8CString)
            let base = try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) })
            defer { _ = try? TestSupport.run("/bin/rm", ["-rf", "--one-file-system", base]) }
            chmod(base, 0o755)
            let layer = base + "/layer"
            try FileManager.default.createDirectory(atPath: layer, withIntermediateDirectories: false)
            chown(layer, 65534, 65534)
            try body(base, layer)
        }

        func names(_ index: LayerIndex) -> Set<ByteString> { Set(index.nodes.map(\.name)) }

        /// Issue row 6: renameat2(RENAME_EXCHANGE) flips directories and symlinks to a root-only
        /// directory while root walks the layer. The walk must never list the target.
        @Test func aDirectorySwappedForASymlinkIsNeverFollowed() throws {
            try scratch { base, layer in
                let secret = base + "/secret"
                try FileManager.default.createDirectory(atPath: secret, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
                try Data("key".utf8).write(to: URL(fileURLWithPath: secret + "/id_rsa"))
                let pairs = 40
                for k in 0..<pairs {
                    let d = layer + String(format: "/d%03d", k)
                    try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: false)
                    for f in 0..<30 { _ = FileManager.default.createFile(atPath: d + "/f\(f)", contents: Data("x".utf8)) }
                    try FileManager.default.createSymbolicLink(atPath: layer + String(format: "/s%03d", k), withDestinationPath: secret)
                }
                _ = try TestSupport.run("/bin/chown", ["-R", "-h", "65534:65534", layer])
                let pid = try TestSupport.spawn(Self.nobody[0], Array(Self.nobody.dropFirst()) + ["flip", layer, String(pairs), "120"], outputFile: base + "/attacker.out")
                defer {
                    kill(pid, SIGKILL)
                    var status: Int32 = 0
                    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                }
                usleep(300_000)
                var runs = 0, racesSeen = 0, descended = 0
                while runs < 12 || (racesSeen == 0 && runs < 300) {
                    runs += 1
                    let index = LayerWalker.walk(ByteString(layer), userXattrs: false, metacopy: false)
                    #expect(!names(index).contains("id_rsa"), "run \(runs): the walk followed a symlink out of the layer")
                    #expect(index.problems.allSatisfy { $0.contains("changed while it was read") }, "run \(runs): \(index.problems)")
                    if !index.problems.isEmpty { racesSeen += 1 }
                    if names(index).contains("f0") { descended += 1 }
                }
                var status: Int32 = 0
                #expect(waitpid(pid, &status, WNOHANG) == 0, "the attacker kept flipping: \((try? String(contentsOfFile: base + "/attacker.out", encoding: .utf8)) ?? "")")
                #expect(descended > 0, "the walk went into the directories (not only refused them)")
                #expect(racesSeen > 0, "the swap hit the walk between listing and opening at least once in \(runs) runs")
                print("layer walk race: \(runs) runs, \(racesSeen) with a swap caught and refused, \(descended) that listed files inside the directories, none followed")
            }
        }

        /// Issue row 7: 40 levels of 200-byte names (paths past PATH_MAX): every entry is in the
        /// index, nothing silently dropped; past the descriptor budget the cut is reported.
        @Test func aTreeDeeperThanPathMaxIsReadWhole() throws {
            try scratch { _, layer in
                let built = try TestSupport.run(Self.nobody[0], Array(Self.nobody.dropFirst()) + ["deep", layer, "40", "200"])
                #expect(built.status == 0, "\(built.stderr)")
                let index = LayerWalker.walk(ByteString(layer), userXattrs: false, metacopy: false)
                #expect(index.problems.isEmpty, "\(index.problems)")
                #expect(index.fileCount == 40)
                #expect(index.nodes.filter { $0.entry.kind == .dir }.count == 41)
                let deepest = try #require(index.nodes.indices.last { index.nodes[$0].name == "f" && index.path(of: $0).bytes.count > 40 * 200 })
                #expect(index.path(of: deepest).bytes.count > Int(PATH_MAX))
                // The merged view of a stack with this layer has every file too.
                let resolution = OverlayResolver.resolve([(role: .lower, index: index), (role: .lower, index: LayerIndex(entries: [:]))])
                #expect(resolution.entries.filter { $0.kind == .file }.count == 40)

                let root = try DirectoryDescriptor.open(path: Array(layer.utf8)).get()
                let cut = LayerWalker.walk(root, userXattrs: false, metacopy: false, depthLimit: 10)
                #expect(cut.problems.count == 1 && cut.problems[0].contains("more than 10 directory levels"), "\(cut.problems)")
            }
        }
    }
}

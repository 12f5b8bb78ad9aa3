import CutawayModel
@testable import CutawayReaders
import Testing

/// Overlay mount options (Documentation/filesystems/overlayfs.rst) as Linux 6.18 prints them.
@Suite struct OverlayOptionsParserTests {
    /// Super options as the kernel printed them, through the mountinfo parser (split, then octal-decoded).
    func stack(_ superOptions: String) throws -> OverlayStack {
        let m = try MountInfoParser.parseLine(Array("67 43 0:39 / /m rw - overlay overlay \(superOptions)".utf8)[...])
        return try OverlayOptionsParser.stack(of: m, in: 1)
    }

    @Test func legacyWithEveryEscape() throws {
        // Printed by 6.18 for lowerdir='top l\:a\,b\\c:middle:bottom' (seen in overlay-scenario.sh).
        let s = try stack(#"rw,lowerdir=/b/top\040l\134:a\134\054b\134\134c:/b/middle:/b/bottom,upperdir=/b/up,workdir=/b/work,redirect_dir=on,uuid=on,metacopy=on"#)
        #expect(s.layers.map(\.role) == [.upper, .lower, .lower, .lower])
        #expect(s.layers.map(\.path) == ["/b/up", ByteString(#"/b/top l:a,b\c"#), "/b/middle", "/b/bottom"])
        #expect(s.workDir == "/b/work")
        #expect(s.switches == ["redirect_dir=on", "uuid=on", "metacopy=on"])
        #expect(!s.usesLayerAppendOptions && s.layers.allSatisfy { $0.resolvedPath == $0.path })
    }

    @Test func newMountAPIKeepsColonsRaw() throws {
        let s = try stack(#"rw,lowerdir+=/b/top\040l:a\054b\134c,lowerdir+=/b/middle,datadir+=/b/data,upperdir=/b/up2,workdir=/b/work2,redirect_dir=nofollow,uuid=on,userxattr"#)
        #expect(s.layers.map(\.path) == ["/b/up2", ByteString(#"/b/top l:a,b\c"#), "/b/middle", "/b/data"])
        #expect(s.layers.map(\.role) == [.upper, .lower, .lower, .data])
        #expect(s.usesLayerAppendOptions && s.usesUserXattrs)
    }

    @Test func dataOnlyLayersAfterDoubleColon() throws {
        let s = try stack("ro,lowerdir=/m/l1:/m/l2::/m/d1::/m/d2,redirect_dir=on,metacopy=on")
        #expect(s.layers.map(\.role) == [.lower, .lower, .data, .data])
        #expect(s.upper == nil && s.workDir == nil)
    }

    @Test func relativeLayersStayRelative() throws {
        // Docker shortens long option strings with paths relative to its overlay2 directory.
        let s = try stack("rw,lowerdir=l/ABC:l/DEF,upperdir=/var/lib/docker/overlay2/x/diff,workdir=/var/lib/docker/overlay2/x/work")
        #expect(s.layers[1].isRelative && s.layers[1].resolvedPath == nil && s.layers[2].path == "l/DEF")
        #expect(!s.layers[0].isRelative)
    }

    @Test func upperdirIsUnescapedLikeTheKernel() throws {
        // upperdir=u\\p (user escape) printed as u\134\134p names the directory `u\p`.
        let s = try stack(#"rw,lowerdir=low2,upperdir=u\134\134p,workdir=work,uuid=on"#)
        #expect(s.layers[0].path == ByteString(#"u\p"#))
    }

    @Test(arguments: [
        ("rw,upperdir=/u,workdir=/w", OverlayOptionsError.noLowerLayer),
        ("rw,lowerdir=/a:::/b", .tooManyColons),
        ("rw,lowerdir=/a,lowerdir+=/b", .mixedLegacyAndAppend),
        ("rw,datadir+=/d,lowerdir+=/b", .lowerAfterDataLayer),
        ("rw,lowerdir=:/a", .emptyLayerPath(option: "lowerdir")),
        ("rw,lowerdir=/a:", .emptyLayerPath(option: "lowerdir")),
        (#"rw,lowerdir=/a\134"#, .trailingBackslash(option: "lowerdir")),
        ("rw,lowerdir+=", .emptyLayerPath(option: "lowerdir+=")),
        ("rw,lowerdir=::/a", .emptyLayerPath(option: "lowerdir")),
    ])
    func malformed(options: String, expected: OverlayOptionsError) {
        #expect(throws: expected) { try stack(options) }
    }
}

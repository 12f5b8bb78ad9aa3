import CutawaySystem
import Foundation
import Testing

/// DirectoryListing: every name getdents64(2) gives, `.` and `..` left out, sorted bytewise
/// (the order the layer index and the resolver rely on), and statx(2) by the listed name.
@Suite struct DirectoryListingTests {
    @Test func namesAreSortedBytewiseWhateverTheirPrefixes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-listing-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var names: [[UInt8]] = ["a", "ab", "abcdefgh", "abcdefghi", "abcdefgha", "abcdefg", "b", "abcdefgh-1", "abcdefgh/", "Z", "é", "ü1"]
            .filter { !$0.contains("/") }.map { Array($0.utf8) }
        names += [[0xff, 0x41], [0x80], [0x41, 0xff, 0x01], Array(repeating: 0x61, count: 255)]
        names += (0..<300).map { Array("l3-\(String(format: "%06d", ($0 * 7919) % 1000))".utf8) }
        names = Array(Set(names))
        for name in names {
            let path = Array(dir.path.utf8) + [UInt8(ascii: "/")] + name + [0]
            let fd = path.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600) } }
            #expect(fd >= 0)
            if fd >= 0 { _ = write(fd, "xyz", 3); close(fd) }
        }
        let root = try DirectoryDescriptor.open(path: Array(dir.path.utf8)).get()
        var listing = DirectoryListing()
        #expect(root.list(into: &listing) == nil)
        listing.sortByName()
        let listed = (0..<listing.count).map { listing.name(at: $0) }
        #expect(listed == names.sorted { $0.lexicographicallyPrecedes($1) })
        for i in 0..<listing.count {
            let status = try root.status(of: i, in: listing).get()
            #expect(status.isRegularFile && status.size == 3 && listing.type(at: i) == UInt8(DT_REG))
        }
    }

    @Test func aMissingNameIsENOENTAndASymlinkIsNotFollowed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cutaway-listing-link-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/link", withDestinationPath: "/etc/passwd")
        let root = try DirectoryDescriptor.open(path: Array(dir.path.utf8)).get()
        #expect(try root.status(of: Array("link".utf8)).get().isSymlink)
        guard case .failure(let f) = root.status(of: Array("missing".utf8)) else { Issue.record("a missing name was found"); return }
        #expect(f.vanished)
    }
}

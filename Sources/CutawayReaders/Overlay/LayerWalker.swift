#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxSyscalls
import CutawayModel

/// Reads one overlay layer directory into a ``LayerIndex``: a single depth-first walk with
/// `lstat(2)` and `lgetxattr(2)` for the overlay markers (`trusted.overlay.*`, or
/// `user.overlay.*` for stacks mounted with `userxattr`). Live-only: a capture does not
/// carry layer contents. Symlinks are recorded, never followed; other mounts below the
/// layer root are walked like the kernel sees them (overlay does not cross into them either,
/// but their contents are what the layer shows).
public enum LayerWalker {
    public static func walk(_ root: ByteString, userXattrs: Bool) -> LayerIndex {
        let prefix = userXattrs ? "user.overlay." : "trusted.overlay."
        var index = LayerIndex()
        guard let rootEntry = entry(at: root.bytes, prefix: prefix) else {
            index.problems.append("\(root): \(String(cString: strerror(errno)))")
            return index
        }
        guard rootEntry.kind == .dir else {
            index.problems.append("\(root): not a directory")
            return index
        }
        var stack: [(layerPath: ByteString, hostPath: [UInt8])] = [("/", root.bytes)]
        index.entries["/"] = rootEntry
        while let (layerPath, hostPath) = stack.popLast() {
            guard let names = list(hostPath) else {
                index.problems.append("\(ByteString(hostPath)): \(String(cString: strerror(errno)))")
                continue
            }
            var sorted = names.sorted()
            var kept: [ByteString] = []
            for name in sorted {
                let childHost = hostPath + [UInt8(ascii: "/")] + name.bytes
                guard let e = entry(at: childHost, prefix: prefix) else { continue } // vanished
                let childPath = layerPath.appending(component: name)
                index.entries[childPath] = e
                kept.append(name)
                if e.kind == .dir { stack.append((childPath, childHost)) }
            }
            index.entries[layerPath]?.children = kept
            sorted.removeAll()
        }
        return index
    }

    /// Names in a directory (without `.` and `..`), or nil with errno set.
    static func list(_ path: [UInt8]) -> [ByteString]? {
        guard let dir = (path + [0]).withUnsafeBufferPointer({ $0.withMemoryRebound(to: CChar.self) { opendir($0.baseAddress!) } }) else { return nil }
        defer { closedir(dir) }
        var out: [ByteString] = []
        while let ent = readdir(dir) {
            let name = withUnsafeBytes(of: ent.pointee.d_name) { ByteString($0.prefix(while: { $0 != 0 })) }
            if name != "." && name != ".." { out.append(name) }
        }
        return out
    }

    static func entry(at path: [UInt8], prefix: String) -> LayerIndex.Entry? {
        let cPath = path + [0]
        var st = stat()
        let ok = cPath.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { lstat($0.baseAddress!, &st) } }
        guard ok == 0 else { return nil }
        let type = st.st_mode & S_IFMT
        var e = LayerIndex.Entry(kind: .other, size: Int64(st.st_size))
        switch type {
        case S_IFDIR:
            e.kind = .dir
            if let opaque = xattr(cPath, prefix + "opaque") {
                e.opaque = opaque == [UInt8(ascii: "y")]
                e.hasXattrWhiteouts = opaque == [UInt8(ascii: "x")]
            }
            e.redirect = xattr(cPath, prefix + "redirect").map { ByteString($0) }
        case S_IFREG:
            e.kind = .file
            if xattr(cPath, prefix + "metacopy") != nil {
                e.metacopy = true
                e.redirect = xattr(cPath, prefix + "redirect").map { ByteString($0) }
            }
            if st.st_size == 0, xattr(cPath, prefix + "whiteout") != nil {
                e.kind = .whiteout
                e.xattrWhiteout = true
            }
        case S_IFLNK:
            e.kind = .symlink
        case S_IFCHR where st.st_rdev == 0:
            e.kind = .whiteout
        default:
            e.kind = .other
        }
        return e
    }

    /// The value of an xattr on the path itself (not a symlink's target), or nil if absent.
    static func xattr(_ cPath: [UInt8], _ name: String) -> [UInt8]? {
        cPath.withUnsafeBufferPointer { p -> [UInt8]? in
            p.withMemoryRebound(to: CChar.self) { path -> [UInt8]? in
                let size = cutaway_lgetxattr(path.baseAddress!, name, nil, 0)
                guard size >= 0 else { return nil }
                var buffer = [UInt8](repeating: 0, count: max(size, 1))
                let n = cutaway_lgetxattr(path.baseAddress!, name, &buffer, buffer.count)
                guard n >= 0 else { return nil }
                return Array(buffer[0..<n])
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CutawayModel
import CutawaySystem

/// Reads one overlay layer directory into a ``LayerIndex`` through descriptors only, so that
/// the walk stays beneath the layer root whatever the layer's owner does meanwhile:
///
/// - every directory is opened with openat(2) `O_DIRECTORY|O_NOFOLLOW` relative to its
///   parent's descriptor (a directory swapped for a symlink is refused, never followed),
///   listed with getdents64(2), and its overlay markers (`overlay.opaque`, `overlay.redirect`)
///   read with flistxattr(2)/fgetxattr(2) on that descriptor;
/// - the type comes from `d_type`; statx(2) with `AT_SYMLINK_NOFOLLOW` is called only for
///   regular files (their size), character devices (a 0/0 device is a whiteout) and entries
///   whose file system gives no `d_type`;
/// - a regular file of size 0 may be an xattr whiteout (`overlay.whiteout`); when the stack
///   follows metacopy files (`metacopy`), every regular file may carry `overlay.metacopy`
///   (and then `overlay.redirect`). These are read by name, without opening the file
///   (getxattrat(2), see ``DirectoryDescriptor``);
/// - no path is resolved again from the root, so depth and path length have no limit other
///   than the open descriptors a walk may hold (one per level; past
///   ``maximumOpenDirectories`` the deeper levels are reported, not read).
///
/// The markers are `trusted.overlay.*`, or `user.overlay.*` for stacks mounted with
/// `userxattr` (Documentation/filesystems/overlayfs.rst). Every failure other than an entry
/// that vanished while it was read (ENOENT) is recorded in ``LayerIndex/problems``.
/// Other mounts below the layer root are walked through, as the descriptors see them
/// (overlayfs itself looks at the directory they cover). Live-only: a capture does not carry
/// layer contents.
public enum LayerWalker {
    /// Open directory descriptors one walk may hold (one per level of depth): a quarter of
    /// the process's soft `RLIMIT_NOFILE`, so that walks in parallel leave room for the rest.
    public static var maximumOpenDirectories: Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 256 }
        return max(32, Int(min(limit.rlim_cur, 1 << 20)) / 4)
    }

    /// - Parameters:
    ///   - root: the layer directory; symlinks in this path are followed once, as the kernel
    ///     did when it was mounted, and the walk then stays beneath the directory it names.
    ///   - userXattrs: the stack was mounted with `userxattr`.
    ///   - metacopy: the stack follows metacopy files (``OverlayStack/followsMetacopy(moduleDefault:)``).
    public static func walk(_ root: ByteString, userXattrs: Bool, metacopy: Bool) -> LayerIndex {
        switch DirectoryDescriptor.open(path: root.bytes) {
        case .failure(let f):
            return LayerIndex(problems: ["\(root): \(f.message)"])
        case .success(let dir):
            return walk(dir, userXattrs: userXattrs, metacopy: metacopy)
        }
    }

    /// ``walk(_:userXattrs:metacopy:)``, and the real path of the directory it walked (read
    /// back from its descriptor through `/proc/self/fd`; nil if it could not be opened).
    static func walkLayer(_ root: ByteString, userXattrs: Bool, metacopy: Bool) -> (index: LayerIndex, realPath: ByteString?) {
        switch DirectoryDescriptor.open(path: root.bytes) {
        case .failure(let f):
            return (LayerIndex(problems: ["\(root): \(f.message)"]), nil)
        case .success(let dir):
            let real = dir.realPath()
            return (walk(dir, userXattrs: userXattrs, metacopy: metacopy), real.map { ByteString($0) })
        }
    }

    /// Walks the tree below an open directory (the layer root).
    static func walk(_ rootDirectory: DirectoryDescriptor, userXattrs: Bool, metacopy: Bool, depthLimit: Int = maximumOpenDirectories) -> LayerIndex {
        var walk = Walk(prefix: userXattrs ? "user.overlay." : "trusted.overlay.", metacopy: metacopy, depthLimit: depthLimit)
        walk.readMarkers(of: rootDirectory, node: 0)
        walk.run(rootDirectory)
        return walk.index
    }

    /// The state of one walk: the index it fills and the directories still open above.
    struct Walk {
        let opaqueName: String, redirectName: String, whiteoutName: String, metacopyName: String
        let metacopy: Bool
        let depthLimit: Int
        var index = LayerIndex(root: LayerIndex.Entry(kind: .dir))
        /// Reused from one directory to the next: the listing, its nodes, its failures (by
        /// position among the nodes).
        var listing = DirectoryListing()
        var children: [LayerIndex.Node] = []
        var failures: [(Int, String)] = []

        init(prefix: String, metacopy: Bool, depthLimit: Int) {
            self.metacopy = metacopy
            opaqueName = prefix + "opaque"; redirectName = prefix + "redirect"
            whiteoutName = prefix + "whiteout"; metacopyName = prefix + "metacopy"
            self.depthLimit = depthLimit
        }

        mutating func problem(_ node: Int, _ what: String) {
            index.problems.append("\(index.path(of: node)): \(what)")
        }

        /// Depth-first, one open descriptor per level: a directory stays open until its
        /// subdirectories are done, and each of them is opened relative to it.
        mutating func run(_ root: DirectoryDescriptor) {
            var stack: [(dir: DirectoryDescriptor, subdirectories: [Int], next: Int)] = []
            stack.append((root, list(root, node: 0), 0))
            while !stack.isEmpty {
                let top = stack.count - 1
                guard stack[top].next < stack[top].subdirectories.count else {
                    stack.removeLast().dir.close()
                    continue
                }
                let node = stack[top].subdirectories[stack[top].next]
                stack[top].next += 1
                guard stack.count < depthLimit else {
                    problem(node, "more than \(depthLimit) directory levels below the layer root; not read below here")
                    continue
                }
                switch stack[top].dir.openDirectory(index.nodes[node].name.bytes) {
                case .success(let child):
                    readMarkers(of: child, node: node)
                    stack.append((child, list(child, node: node), 0))
                case .failure(let f) where f.vanished:
                    continue
                case .failure(let f) where f.errno == ELOOP || f.errno == ENOTDIR:
                    // Listed as a directory, now something else (a symlink planted meanwhile?).
                    let now = stack[top].dir.status(of: index.nodes[node].name.bytes)
                    if case .success(let st) = now {
                        let current = entry(st)
                        index.update(node) { $0 = current }
                    }
                    problem(node, "changed while it was read (a directory, then \(describe(now))); not followed")
                case .failure(let f):
                    problem(node, "cannot open directory: \(f.message)")
                }
            }
        }

        /// Lists one directory into the index and returns its subdirectories. The names stay
        /// in the listing's buffer until they become nodes; statx(2) and getxattrat(2) get
        /// them as the kernel gave them.
        mutating func list(_ dir: DirectoryDescriptor, node: Int) -> [Int] {
            if let f = dir.list(into: &listing) {
                problem(node, "cannot list directory: \(f.message)")
                return []
            }
            listing.sortByName()
            children.removeAll(keepingCapacity: true)
            failures.removeAll(keepingCapacity: true)
            for i in 0..<listing.count {
                let type = listing.type(at: i)
                var entry: LayerIndex.Entry
                switch type {
                case UInt8(DT_DIR): entry = LayerIndex.Entry(kind: .dir)
                case UInt8(DT_LNK): entry = LayerIndex.Entry(kind: .symlink)
                case UInt8(DT_FIFO), UInt8(DT_SOCK), UInt8(DT_BLK): entry = LayerIndex.Entry(kind: .other)
                default:
                    // DT_REG (size, markers), DT_CHR (0/0 whiteout), DT_UNKNOWN (type).
                    switch dir.status(of: i, in: listing) {
                    case .success(let st):
                        entry = self.entry(st)
                        if entry.kind == .file && (metacopy || entry.size == 0) { readMarkers(of: &entry, entry: i, in: dir) }
                    case .failure(let f) where f.vanished:
                        continue
                    case .failure(let f):
                        failures.append((children.count, "cannot stat: \(f.message)"))
                        entry = LayerIndex.Entry(kind: type == UInt8(DT_REG) ? .file : .other)
                    }
                }
                children.append(LayerIndex.Node(name: ByteString(listing.name(at: i)), entry: entry, parent: Int32(node)))
            }
            let range = index.setChildren(of: node, children)
            for (offset, what) in failures { problem(range.lowerBound + offset, what) }
            return range.filter { index.nodes[$0].entry.kind == .dir }
        }

        /// The entry a status describes (a 0/0 character device is a whiteout).
        func entry(_ st: EntryStatus) -> LayerIndex.Entry {
            if st.isDirectory { return LayerIndex.Entry(kind: .dir) }
            if st.isRegularFile { return LayerIndex.Entry(kind: .file, size: st.size) }
            if st.isSymlink { return LayerIndex.Entry(kind: .symlink) }
            if st.isWhiteoutDevice { return LayerIndex.Entry(kind: .whiteout) }
            return LayerIndex.Entry(kind: .other)
        }

        func describe(_ status: Result<EntryStatus, DirectoryDescriptor.Failure>) -> String {
            switch status {
            case .success(let st):
                if st.isSymlink { return "a symlink" }
                if st.isRegularFile { return "a regular file" }
                if st.isDirectory { return "a directory again" }
                return "another kind of file"
            case .failure(let f): return f.vanished ? "gone" : "unreadable: \(f.message)"
            }
        }

        /// `overlay.opaque` and `overlay.redirect` of an open directory, through its descriptor.
        mutating func readMarkers(of dir: DirectoryDescriptor, node: Int) {
            let names: [[UInt8]]
            switch dir.attributeNames() {
            case .success(let n): names = n
            case .failure(let f):
                if f.errno != ENOTSUP { problem(node, "cannot list extended attributes: \(f.message)") }
                return
            }
            if names.contains(Array(opaqueName.utf8)) {
                switch dir.attribute(opaqueName) {
                case .success(let value?):
                    // `x` marks a directory that may hold xattr whiteouts; lookup honours those whiteouts
                    // with or without the mark (OverlayResolver), so only `y` is recorded.
                    index.update(node) { $0.opaque = value == [UInt8(ascii: "y")] }
                case .success(nil): break
                case .failure(let f): problem(node, "cannot read \(opaqueName): \(f.message)")
                }
            }
            if names.contains(Array(redirectName.utf8)) {
                switch dir.attribute(redirectName) {
                case .success(let value?): index.update(node) { $0.redirect = ByteString(value) }
                case .success(nil): break
                case .failure(let f): problem(node, "cannot read \(redirectName): \(f.message)")
                }
            }
        }

        /// `overlay.whiteout` (size 0 only), and `overlay.metacopy` with its `overlay.redirect`
        /// when the stack follows them, of the regular file listed as entry `i`, read by name
        /// relative to its directory.
        mutating func readMarkers(of entry: inout LayerIndex.Entry, entry i: Int, in dir: DirectoryDescriptor) {
            func read(_ attribute: String) -> [UInt8]? {
                switch dir.attribute(attribute, of: i, in: listing) {
                case .success(let v): return v
                case .failure(let f):
                    if !f.vanished && f.errno != ENOTSUP { failures.append((children.count, "cannot read \(attribute): \(f.message)")) }
                    return nil
                }
            }
            if entry.size == 0, read(whiteoutName) != nil {
                entry.kind = .whiteout
                entry.xattrWhiteout = true
                return
            }
            if metacopy, read(metacopyName) != nil {
                entry.metacopy = true
                entry.redirect = read(redirectName).map { ByteString($0) }
            }
        }
    }
}

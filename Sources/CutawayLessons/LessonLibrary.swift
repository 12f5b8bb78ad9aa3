import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The lessons cutaway offers. By default those **shipped inside the binary** (the
/// `tutorials/NN-name.md` files of the source tree, embedded at build time by the
/// `EmbedLessons` plugin), so an installed cutaway has them wherever it runs and a
/// `tutorials/` directory in the working directory is never looked at: `lesson run` executes
/// a lesson's commands as root, so it must only run what cutaway shipped.
///
/// ``trusted(directory:)`` reads lessons from a directory the user names explicitly (for
/// writing new lessons); it must be owned by root and writable by nobody else, and so must
/// every lesson file in it (read with `O_NOFOLLOW`, regular files only, at most 1 MiB each).
public struct LessonLibrary: Sendable {
    /// Where the lessons came from.
    public enum Origin: Sendable, Equatable {
        /// Embedded in the binary at build time.
        case shipped
        /// Read from this directory, named by the user and found trustworthy.
        case directory(String)
    }

    /// Where these lessons came from.
    public let origin: Origin
    /// File name without `.md` -> Markdown, for `NN-name.md` files.
    private let files: [String: String]

    /// The lessons embedded in this binary.
    public static let shipped = LessonLibrary(origin: .shipped, files: Dictionary(uniqueKeysWithValues: ShippedLessons.files.map { ($0.name, $0.markdown) }))

    private init(origin: Origin, files: [String: String]) { self.origin = origin; self.files = files }

    /// Why a named lesson directory is not used.
    public struct UntrustedDirectory: Error, CustomStringConvertible {
        public var description: String
    }

    static let maximumFileSize = 1 << 20

    /// The lessons in `directory`, if it and its lesson files are owned by root and not
    /// writable by group or others.
    public static func trusted(directory: String) throws(UntrustedDirectory) -> LessonLibrary {
        func refuse(_ why: String) -> UntrustedDirectory {
            UntrustedDirectory(description: "not using the lessons in \(directory): \(why); lesson commands run as root, so a lesson directory must be owned by root and writable by nobody else")
        }
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard dirFD >= 0 else { throw refuse(String(cString: strerror(errno))) }
        defer { close(dirFD) }
        var st = stat()
        guard fstat(dirFD, &st) == 0 else { throw refuse(String(cString: strerror(errno))) }
        guard st.st_uid == 0 else { throw refuse("it is owned by uid \(st.st_uid)") }
        guard st.st_mode & 0o022 == 0 else { throw refuse("others can write to it (mode \(String(st.st_mode & 0o7777, radix: 8)))") }
        guard let dup = dup(dirFD) as Int32?, dup >= 0, let dir = fdopendir(dup) else { throw refuse(String(cString: strerror(errno))) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if isLessonFileName(name) { names.append(name) }
        }
        var files: [String: String] = [:]
        for name in names {
            let fd = openat(dirFD, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { throw refuse("\(name): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            var fst = stat()
            guard fstat(fd, &fst) == 0, fst.st_mode & S_IFMT == S_IFREG else { throw refuse("\(name) is not a regular file") }
            guard fst.st_uid == 0, fst.st_mode & 0o022 == 0 else { throw refuse("\(name) is owned by uid \(fst.st_uid) with mode \(String(fst.st_mode & 0o7777, radix: 8))") }
            guard Int(fst.st_size) <= maximumFileSize else { throw refuse("\(name) is larger than \(maximumFileSize) bytes") }
            var bytes = [UInt8](repeating: 0, count: Int(fst.st_size) + 1)
            var total = 0
            while total < bytes.count {
                let n = bytes[total...].withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw refuse("\(name): \(String(cString: strerror(errno)))") }
                if n == 0 { break }
                total += n
            }
            guard total <= maximumFileSize else { throw refuse("\(name) is larger than \(maximumFileSize) bytes") }
            files[String(name.dropLast(3))] = String(decoding: bytes[..<total], as: UTF8.self)
        }
        return LessonLibrary(origin: .directory(directory), files: files)
    }

    /// `NN-name.md`.
    static func isLessonFileName(_ name: String) -> Bool {
        name.hasSuffix(".md") && name.count > 6 && name.prefix(2).allSatisfy(\.isNumber) && name.dropFirst(2).first == "-"
    }

    /// Where the lessons come from, for messages.
    public var source: String {
        switch origin {
        case .shipped: "the lessons shipped with cutaway"
        case .directory(let d): d
        }
    }

    /// The lessons' names (`NN-name`), sorted.
    public var names: [String] { files.keys.sorted() }

    /// By full name (`01-overlay-layers`), number (`1`, `01`) or unique prefix of the part after the number.
    public func resolve(_ key: String) -> String? {
        if files[key] != nil { return key }
        if let n = Int(key) { return names.first { Int($0.prefix(2)) == n } }
        let matches = names.filter { $0.dropFirst(3).hasPrefix(key) }
        return matches.count == 1 ? matches[0] : nil
    }

    /// The lesson's Markdown as it was shipped or read.
    public func markdown(_ name: String) -> String? { files[name] }

    /// Parses lesson `name` (a name from ``names``).
    public func load(_ name: String) throws(LessonFormatError) -> Lesson {
        let file = origin == .shipped ? "tutorials/\(name).md" : "\(source)/\(name).md"
        guard let text = files[name] else { throw LessonFormatError(file: file, line: 0, message: "no such lesson") }
        return try LessonParser.parse(text, name: name, file: file)
    }
}

import Foundation

/// The lessons in a `tutorials/` directory: every `NN-name.md`, in file-name order.
public struct LessonLibrary: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// `tutorials/` next to the working directory, next to the executable's package, or `$CUTAWAY_TUTORIALS`.
    public static func locate(executable: String) -> LessonLibrary? {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["CUTAWAY_TUTORIALS"] { candidates.append(env) }
        candidates.append(FileManager.default.currentDirectoryPath + "/tutorials")
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("tutorials").path)
            dir.deleteLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/01-overlay-layers.md") }.map(LessonLibrary.init)
    }

    public var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".md") && $0.first?.isNumber == true }
            .map { String($0.dropLast(3)) }
            .sorted()
    }

    /// By full name (`01-overlay-layers`), number (`1`, `01`) or unique prefix of the part after the number.
    public func resolve(_ key: String) -> String? {
        if names.contains(key) { return key }
        if let n = Int(key) { return names.first { Int($0.prefix(2)) == n } }
        let matches = names.filter { $0.dropFirst(3).hasPrefix(key) }
        return matches.count == 1 ? matches[0] : nil
    }

    public func load(_ name: String) throws -> Lesson {
        let file = directory + "/" + name + ".md"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        return try LessonParser.parse(text, name: name, file: file)
    }
}

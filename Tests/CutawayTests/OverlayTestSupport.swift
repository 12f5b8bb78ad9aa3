import CutawayModel
import Foundation

extension TestSupport {
    static let mergedViewScript = packageRoot.appendingPathComponent("Tests/Scripts/overlay-merged-view.py").path

    /// What the kernel shows below `directory`, listed by Tests/Scripts/overlay-merged-view.py
    /// (Python's listdir and lstat, no cutaway code): absolute path inside it -> type
    /// (`file`, `dir`, `symlink`, `other`).
    static func mergedView(_ directory: ByteString) throws -> [ByteString: String] {
        let r = try run("/usr/bin/python3", [mergedViewScript, directory.lossyString])
        guard r.status == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "overlay-merged-view.py: \(r.stderr)"]) }
        let fields = [UInt8](r.stdout).split(separator: 0, omittingEmptySubsequences: false).dropLast()
        var view: [ByteString: String] = [:]
        var i = fields.startIndex
        while i + 1 < fields.endIndex {
            view[ByteString(fields[i])] = String(decoding: fields[i + 1], as: UTF8.self)
            i += 2
        }
        return view
    }
}

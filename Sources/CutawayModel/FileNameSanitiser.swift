import Foundation

/// The one sanitiser for names that come from data (container, image and host names, a
/// saved snapshot's fields) before they become part of a file or directory name.
///
/// Keeps ASCII letters, digits, `.`, `_` and `-`; everything else, `/` included, becomes `-`;
/// a run of several `-` and `.` becomes one `-` (so `..` cannot survive), leading and trailing
/// `-` and `.` go, and the result is at most 80 characters, never empty (`unnamed`).
/// `q/../../../tmp/x` becomes `q-tmp-x` and containerd's `moby/3f2a…` becomes `moby-3f2a…`:
/// one plain path component, never hidden, never `.` or `..`.
public enum FileNameSanitiser {
    /// `text` as one safe path component, by the rules above.
    public static func component(_ text: String) -> String {
        let mapped = text.unicodeScalars.map { s -> Character in
            (s.properties.isAlphabetic && s.isASCII) || ("0"..."9").contains(s) || s == "." || s == "_" || s == "-" ? Character(s) : "-"
        }
        var name = ""
        var run = ""
        for c in mapped {
            if c == "-" || c == "." { run.append(c); continue }
            if !run.isEmpty { name += run.count == 1 ? run : "-"; run = "" }
            name.append(c)
        }
        name += run.count <= 1 ? run : "-"
        name = name.trimmingCharacters(in: CharacterSet(charactersIn: "-."))
        name = String(name.prefix(80)).trimmingCharacters(in: CharacterSet(charactersIn: "-."))
        return name.isEmpty ? "unnamed" : name
    }
}

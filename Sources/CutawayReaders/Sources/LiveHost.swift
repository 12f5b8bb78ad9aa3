#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SystemPackage

/// Facts about the running host and the reading process.
enum LiveHost {
    static func readerInfo(inspector: LiveNamespaceInspector, procRoot: FilePath = "/proc") -> ReaderInfo {
        var u = utsname()
        uname(&u)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        }
        let probe = LiveNamespaceInspector.probe(procRoot: procRoot)
        return ReaderInfo(
            pid: getpid(), uid: getuid(), hostname: field(u.nodename), kernelRelease: field(u.release),
            takenAt: timestamp(time(nil)),
            namespaceHierarchy: probe.hierarchy, namespaceIDs: probe.ids
        )
    }

    /// `seconds` since the epoch in RFC 3339 / ISO 8601 UTC, `2026-11-29T15:40:07Z` (what
    /// Foundation's `ISO8601DateFormatter` writes by default, without its cost: that
    /// formatter loads ICU's calendar data, milliseconds on every start).
    static func timestamp(_ seconds: time_t) -> String {
        var t = seconds
        var parts = tm()
        guard gmtime_r(&t, &parts) != nil else { return "1970-01-01T00:00:00Z" }
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let year = String(parts.tm_year + 1900)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-" + two(parts.tm_mon + 1) + "-" + two(parts.tm_mday)
            + "T" + two(parts.tm_hour) + ":" + two(parts.tm_min) + ":" + two(parts.tm_sec) + "Z"
    }
}

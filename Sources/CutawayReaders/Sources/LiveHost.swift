#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
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
            takenAt: ISO8601DateFormatter().string(from: Date()),
            namespaceHierarchy: probe.hierarchy, namespaceIDs: probe.ids
        )
    }
}

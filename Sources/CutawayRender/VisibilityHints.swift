import CutawayModel

/// The sentences that tell a person what a scan could not see and what would show it, made
/// from the counts in ``Visibility`` (the scanner records facts; this is where they become
/// words). Also written into the JSON's `visibility.hints`.
public enum VisibilityHints {
    /// One sentence (lower case, no final full stop) per kind of thing `v` says was not seen.
    public static func sentences(_ v: Visibility) -> [String] {
        var hints: [String] = []
        if v.processesDenied > 0 {
            let n = v.processesDenied
            let pids = v.deniedPIDs.prefix(10).map(String.init).joined(separator: ", ")
            let who = "\(n) process\(n == 1 ? "'s" : "es'") namespaces could not be read (permission denied: pid\(n == 1 ? "" : "s") \(pids)\(n > 10 ? ", …" : ""))"
            hints.append(v.readerIsRoot
                ? "\(who); even root is refused by the ptrace access check here (a security module or a process that is not dumpable)"
                : "\(who); run cutaway as root to see them")
        }
        if v.fdDirectoriesDenied > 0 && !v.readerIsRoot {
            hints.append("\(Count.of(v.fdDirectoriesDenied, "fd directory", "fd directories")) could not be listed, so namespaces held open by those processes are missing; run as root to see them")
        }
        if v.mountTablesUnreadable > 0 {
            hints.append("\(Count.of(v.mountTablesUnreadable, "mount namespace")) \(v.mountTablesUnreadable == 1 ? "has" : "have") no readable mount table")
        }
        if v.idMapsUnreadable > 0 {
            hints.append("\(Count.of(v.idMapsUnreadable, "user namespace")) \(v.idMapsUnreadable == 1 ? "has" : "have") no readable uid_map/gid_map")
        }
        if v.relationsUnavailable > 0 {
            hints.append("the parent or owner of \(Count.of(v.relationsUnavailable, "namespace")) could not be asked (see each namespace's notes)")
        }
        if let first = v.networksUnread.first {
            hints.append("the devices and routes of \(Count.of(v.networksUnread.count, "network namespace")) could not be read (\(first.reason))")
        }
        if let first = v.ipcUnread.first {
            hints.append("the System V objects of \(Count.of(v.ipcUnread.count, "IPC namespace")) could not be read (\(first.reason))")
        }
        return hints
    }
}

extension Snapshot {
    /// The snapshot with `visibility.hints` written from its counts.
    public func withVisibilityHints() -> Snapshot {
        var s = self
        s.visibility.hints = VisibilityHints.sentences(visibility)
        return s
    }
}

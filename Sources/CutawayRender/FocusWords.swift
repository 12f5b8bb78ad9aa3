import CutawayModel

/// How a ``Focus`` is named in text views and diagram titles.
extension Focus {
    /// `pid 1234 (nginx), container web` — what the focus is on.
    public var subject: String {
        let command = snapshot.processes.first { $0.pid == pid }?.command.description ?? "?"
        return "pid \(pid) (\(command))" + (container.map { ", \($0.engine.rawValue) container \($0.name)" } ?? "")
    }

    /// One sentence for text views and diagram titles.
    public var summary: String {
        var s = "Focus on \(subject): its \(Count.of(own.count, "namespace")), their ancestors and owners (\(Count.of(keys.count, "namespace")) in all)"
        s += sharers.isEmpty ? "; no other process shares its own namespaces" : "; \(sharers.count) other process\(sharers.count == 1 ? " shares" : "es share") them"
        if sharersNotDrawn > 0 { s += " (\(sharersNotDrawn) not drawn)" }
        return s
    }
}

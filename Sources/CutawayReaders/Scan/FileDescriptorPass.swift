import CutawayModel

/// Pass 3, open file descriptors: reads the links in `PID/fd` and records every namespace
/// held by an open nsfs fd (a namespace no process is in may live on only in an fd), except
/// those of the reading process itself. Counts the fd directories that refused to be listed.
///
/// Its reads are per process (``ProcessFilesPass``): in a ``SnapshotScanner`` they share the
/// process pass's walk of `/proc`, one open of each `/proc/PID`.
public struct FileDescriptorPass: ProcessFilesPass {
    /// The pass.
    public init() {}

    /// The pass alone: opens each process's directory for its own reads.
    public func run(_ state: inout ScanState, source: any ProcSource) { runAlone(&state, source: source) }

    /// The namespaces one process holds open, or that its fd directory refused.
    struct Reading: Sendable {
        var held: [(fd: Int32, type: NamespaceType, inode: UInt64)] = []
        var denied = false
    }

    func read(_ p: ProcessRecord, in dir: ProcessDirectory) -> any Sendable {
        guard !p.namespaces.isEmpty else { return Reading() }
        do throws(ProcReadError) {
            return Reading(held: try dir.namespaceLinks(in: "fd").map { ($0.entry, $0.type, $0.inode) })
        } catch {
            return Reading(denied: error == .permissionDenied)
        }
    }

    func record(_ readings: [any Sendable], into state: inout ScanState) {
        for (i, reading) in readings.enumerated() {
            guard let result = reading as? Reading else { continue }
            if result.denied { state.visibility.fdDirectoriesDenied += 1 }
            let pid = state.processes[i].pid
            // The reader's own descriptors are the namespace files it opens to ask about
            // relations while it walks (NamespaceRelationPass), not holders.
            guard pid != state.reader.pid else { continue }
            for h in result.held {
                state.ledger.note(h.type, h.inode, via: "\(pid)/fd/\(h.fd)") { $0.holders.append(.init(kind: .openFD, pid: pid, fd: h.fd)) }
            }
        }
    }
}

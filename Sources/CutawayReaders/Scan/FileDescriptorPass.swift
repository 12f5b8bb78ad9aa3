import CutawayModel

/// Pass 3, open file descriptors: reads the links in `PID/fd` and records every namespace
/// held by an open nsfs fd (a namespace no process is in may live on only in an fd).
/// Counts the fd directories that refused to be listed.
public struct FileDescriptorPass: ScanPass {
    public init() {}

    public func run(_ state: inout ScanState, source: any ProcSource) {
        let processes = state.processes
        let found = ParallelMap.map(processes.count, concurrent: source is DirectoryProcSource) { i -> (held: [(fd: Int32, type: NamespaceType, inode: UInt64)], denied: Bool) in
            let p = processes[i]
            guard !p.namespaces.isEmpty, let dir = ProcessDirectory.open(p.pid, in: source) else { return ([], false) }
            do throws(ProcReadError) {
                var held: [(fd: Int32, type: NamespaceType, inode: UInt64)] = []
                for name in try dir.listDirectory("fd") {
                    guard let fd = Int32(name), let target = try? dir.readLink("fd/\(name)"),
                          let (type, inode) = NamespaceLinkParser.parse(target) else { continue }
                    held.append((fd, type, inode))
                }
                return (held, false)
            } catch {
                return ([], error == .permissionDenied)
            }
        }
        for (i, result) in found.enumerated() {
            if result.denied { state.visibility.fdDirectoriesDenied += 1 }
            let pid = processes[i].pid
            for h in result.held {
                state.ledger.note(h.type, h.inode, via: "\(pid)/fd/\(h.fd)") { $0.holders.append(.init(kind: .openFD, pid: pid, fd: h.fd)) }
            }
        }
    }
}

import CutawayModel

/// Looks inside every network and IPC namespace of a live snapshot: devices, addresses,
/// routes and veth peers (rtnetlink(7)); System V objects (`/proc/sysvipc`) and POSIX
/// message queues (an existing mqueue mount). The namespaces are entered by a few threads of
/// their own, one per core, each going through its share in turn (``NamespaceThread``);
/// cutaway's other threads never change namespace. What is recorded does not depend on
/// which thread read what.
///
/// What cannot be read (no privilege, the namespace went away) is recorded in the
/// snapshot's ``Visibility`` (`networksUnread`, `ipcUnread`, `posixMessageQueuesUnknown`),
/// never thrown. A capture (`--proc DIR`) has no netlink and no other namespace's
/// `/proc/sysvipc`: there nothing is read and `visibility.namespaceContentsRead` is false.
public enum NamespaceContentsReader {
    /// Fills `snapshot.networks`, `snapshot.ipc` and their visibility, when `source` is the
    /// live `/proc`; leaves them empty otherwise.
    public static func fill(_ snapshot: inout Snapshot, source: any ProcSource) {
        guard let live = source as? DirectoryProcSource, live.root == "/proc" else { return }
        fill(&snapshot, procRoot: live.root.string)
    }

    static func fill(_ snapshot: inout Snapshot, procRoot: String) {
        snapshot.visibility.namespaceContentsRead = true
        let readers = snapshot.reader.namespaces
        func ordered(_ type: NamespaceType) -> [Namespace] {
            snapshot.namespaces.filter { $0.type == type }.sorted { ($0.inode != readers[type] ? 1 : 0, $0.inode) < ($1.inode != readers[type] ? 1 : 0, $1.inode) }
        }

        // Network namespaces, recorded in this order.
        let nets = ordered(.net)
        let candidates = nets.map { NetworkNamespaceReader.Candidate(inode: $0.inode, locations: EnterableNamespace.locations(of: $0)) }
        let netJobs = nets.map { ns in
            NamespaceThread.Job(kind: .network, inode: ns.inode,
                                open: { EnterableNamespace.open(.net, ns.inode, via: EnterableNamespace.locations(of: ns), procRoot: procRoot) },
                                body: { Contents.network(Result { () throws(NamespaceReadError) in try NetworkNamespaceReader.dump(candidates: candidates, excluding: ns.inode, procRoot: procRoot) }) })
        }

        // IPC namespaces.
        let mounts = MqueueMount.find(in: snapshot.mountTables, procRoot: procRoot)
        var ipcOfMountNamespace: [UInt64: Set<UInt64>] = [:]
        for p in snapshot.processes {
            if let m = p.namespaces[.mnt], let i = p.namespaces[.ipc] { ipcOfMountNamespace[m, default: []].insert(i) }
        }
        // A mount with queues in it belongs to one IPC namespace at most (one mqueue superblock
        // per IPC namespace, mq_overview(7)): each namespace tries every such mount, those of its
        // own processes' mount namespaces first, and the namespaces are read in parallel.
        let withQueues = mounts.indices.filter { !(mounts[$0].names ?? []).isEmpty }
        let ipcNamespaces = ordered(.ipc)
        let ipcJobs = ipcNamespaces.map { ns in
            let likely = withQueues.filter { ipcOfMountNamespace[mounts[$0].mountNamespace]?.contains(ns.inode) == true }
            let order = likely + withQueues.filter { !likely.contains($0) }
            return NamespaceThread.Job(kind: .ipc, inode: ns.inode,
                                       open: { EnterableNamespace.open(.ipc, ns.inode, via: EnterableNamespace.locations(of: ns), procRoot: procRoot) },
                                       body: { Contents.ipc(IPCNamespaceReader.read(mounts: mounts, candidates: order)) })
        }

        // Both kinds in one run of the pool: no thread waits for the last network namespace
        // before the IPC namespaces start.
        let results = NamespaceThread.run(netJobs + ipcJobs)
        var networks: [NetworkNamespace] = []
        for (ns, result) in zip(nets, results) {
            switch result.flatMap({ contents -> Result<NetworkNamespaceReader.Dump, NamespaceReadError> in
                guard case .network(let dump) = contents else { return .failure(NamespaceReadError("not a network namespace's contents")) }
                return dump
            }) {
            case .success(let dump): networks.append(NetworkNamespaceReader.model(namespace: ns.inode, dump))
            case .failure(let e): snapshot.visibility.networksUnread.append(UnreadNamespace(namespace: ns.inode, reason: e.description))
            }
        }
        NetworkNamespaceReader.namePeers(&networks)
        snapshot.networks = networks.sorted { $0.namespace < $1.namespace }

        var claimed: Set<Int> = []
        var ipc: [IPCNamespace] = []
        for (ns, result) in zip(ipcNamespaces, results.dropFirst(nets.count)) {
            switch result.flatMap({ contents -> Result<IPCNamespaceReader.Result, NamespaceReadError> in
                guard case .ipc(let read) = contents else { return .failure(NamespaceReadError("not an IPC namespace's contents")) }
                return .success(read)
            }) {
            case .success(let r):
                var contents = IPCNamespace(namespace: ns.inode, sharedMemory: r.sharedMemory, semaphoreSets: r.semaphoreSets, messageQueues: r.messageQueues)
                snapshot.diagnostics += r.diagnostics
                if !r.problems.isEmpty {
                    snapshot.visibility.ipcUnread.append(UnreadNamespace(namespace: ns.inode, reason: r.problems.joined(separator: "; ")))
                }
                if let m = r.mqueueMount, claimed.insert(m).inserted {
                    contents.posixMessageQueues = mounts[m].names
                } else {
                    snapshot.visibility.posixMessageQueuesUnknown.append(UnreadNamespace(namespace: ns.inode, reason: unknownQueuesReason(ns, mounts: mounts, ipcOfMountNamespace: ipcOfMountNamespace)))
                }
                ipc.append(contents)
            case .failure(let e):
                snapshot.visibility.ipcUnread.append(UnreadNamespace(namespace: ns.inode, reason: e.description))
                snapshot.visibility.posixMessageQueuesUnknown.append(UnreadNamespace(namespace: ns.inode, reason: "the namespace could not be entered"))
            }
        }
        snapshot.ipc = ipc.sorted { $0.namespace < $1.namespace }
    }

    /// Why an IPC namespace's POSIX queues are unknown, in one sentence.
    static func unknownQueuesReason(_ ns: Namespace, mounts: [MqueueMount], ipcOfMountNamespace: [UInt64: Set<UInt64>]) -> String {
        if mounts.isEmpty {
            return "no mqueue file system is mounted in any mount table cutaway read (cutaway does not mount one; `mount -t mqueue none DIR` inside the namespace would show them)"
        }
        let empty = mounts.filter { $0.names?.isEmpty == true }
        if let own = empty.first(where: { ipcOfMountNamespace[$0.mountNamespace] == [ns.inode] }) {
            return "no mqueue mount with queues in it belongs to it; the empty mqueue mount \(own.shown), whose processes are all in this IPC namespace, suggests it has none, but an empty mount cannot be tied to an IPC namespace without creating a queue"
        }
        let unreadable = mounts.filter { $0.names == nil }
        if !unreadable.isEmpty {
            return "no readable mqueue mount belongs to it (\(unreadable.count) could not be listed: \(unreadable[0].problem ?? "?"))"
        }
        return "no mqueue mount with queues in it belongs to it (an empty mount cannot be tied to an IPC namespace without creating a queue)"
    }

    /// What one job of the pool read: a network namespace's dump or an IPC namespace's objects.
    enum Contents {
        case network(Result<NetworkNamespaceReader.Dump, NamespaceReadError>)
        case ipc(IPCNamespaceReader.Result)
    }
}

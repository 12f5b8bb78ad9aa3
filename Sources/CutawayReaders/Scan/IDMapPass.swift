import CutawayModel

/// Pass 7, id maps: `uid_map`, `gid_map` and `setgroups` of each user namespace that has a
/// member, read once from the first member that allows it (user_namespaces(7)). Counts
/// user namespaces whose maps could not be read.
public struct IDMapPass: SweepPass {
    /// The pass.
    public init() {}

    public func run(_ state: inout ScanState, source: any ProcSource) { runSwept(&state, source: source) }

    func plan(_ state: ScanState, source: any ProcSource, workers: SweepWorkers) -> SweepPlan {
        // The user namespaces with members, in inode order (as they are in the snapshot).
        let users = state.ledger.order.filter { $0.type == .user && !(state.ledger[$0]!.pids.isEmpty) }.sorted { $0.inode < $1.inode }
        let members = users.map { state.ledger[$0]!.pids.sorted() }
        return SweepPlan(count: users.count, read: { i, _ in
            Self.read(users[i].inode, members: members[i], source: source)
        }, record: { readings, state in
            for reading in readings {
                guard let result = reading as? Reading else { state.visibility.idMapsUnreadable += 1; continue }
                state.diagnostics += result.diagnostics
                state.idMaps.append(result.maps)
            }
        })
    }

    /// One user namespace's maps and the problems found in them.
    struct Reading: Sendable {
        var maps: UserNamespaceIDMaps
        var diagnostics: [Diagnostic]
    }

    /// One user namespace's maps, from the first member that allows reading them; `()` when none does.
    static func read(_ namespace: UInt64, members: [Int32], source: any ProcSource) -> any Sendable {
        for pid in members {
            guard let dir = ProcessDirectory.open(pid, in: source),
                  let uid = try? dir.readFile("uid_map"), let gid = try? dir.readFile("gid_map") else { continue }
            let u = IDMapParser.parse(uid, file: "\(source.rootDescription)/\(pid)/uid_map")
            let g = IDMapParser.parse(gid, file: "\(source.rootDescription)/\(pid)/gid_map")
            let setgroups = (try? dir.readFile("setgroups")).map {
                String(decoding: ByteScanning.words($0[...]).first ?? [], as: UTF8.self)
            }
            return Reading(maps: UserNamespaceIDMaps(userNamespace: namespace, readFrom: pid, uidMap: u.ranges, gidMap: g.ranges, setgroups: setgroups),
                           diagnostics: u.diagnostics + g.diagnostics)
        }
        return ()
    }
}

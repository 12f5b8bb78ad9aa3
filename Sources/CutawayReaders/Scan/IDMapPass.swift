import CutawayModel

/// Pass 7, id maps: `uid_map`, `gid_map` and `setgroups` of each user namespace that has a
/// member, read once from the first member that allows it (user_namespaces(7)). Counts
/// user namespaces whose maps could not be read.
public struct IDMapPass: ScanPass {
    /// The pass.
    public init() {}

    public func run(_ state: inout ScanState, source: any ProcSource) {
        let users = state.namespaces.filter { $0.type == .user && !$0.pids.isEmpty }
        let read = ParallelMap.map(users.count, concurrent: source is DirectoryProcSource) { i -> (maps: UserNamespaceIDMaps, diagnostics: [Diagnostic])? in
            for pid in users[i].pids {
                guard let dir = ProcessDirectory.open(pid, in: source),
                      let uid = try? dir.readFile("uid_map"), let gid = try? dir.readFile("gid_map") else { continue }
                let u = IDMapParser.parse(uid, file: "\(source.rootDescription)/\(pid)/uid_map")
                let g = IDMapParser.parse(gid, file: "\(source.rootDescription)/\(pid)/gid_map")
                let setgroups = (try? dir.readFile("setgroups")).map {
                    String(decoding: ByteScanning.words($0[...]).first ?? [], as: UTF8.self)
                }
                return (UserNamespaceIDMaps(userNamespace: users[i].inode, readFrom: pid, uidMap: u.ranges, gidMap: g.ranges, setgroups: setgroups),
                        u.diagnostics + g.diagnostics)
            }
            return nil
        }
        for result in read {
            guard let result else { state.visibility.idMapsUnreadable += 1; continue }
            state.diagnostics += result.diagnostics
            state.idMaps.append(result.maps)
        }
    }
}

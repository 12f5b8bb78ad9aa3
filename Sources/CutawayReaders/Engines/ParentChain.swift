/// Records that name their parent by key — a containers-storage layer and the layer below
/// it, a containerd snapshot and the snapshot it was made from — followed from one record
/// down through its parents: the record itself first, the bottom last. A key seen twice (a
/// loop in files others may write) or a parent that is not among the records ends the chain.
enum ParentChain {
    static func follow<Key: Hashable, Record>(from start: Key, in records: [Key: Record], parent: (Record) -> Key?) -> [Record] {
        var out: [Record] = []
        var seen = Set<Key>()
        var next: Key? = start
        while let key = next, seen.insert(key).inserted, let record = records[key] {
            out.append(record)
            next = parent(record)
        }
        return out
    }
}

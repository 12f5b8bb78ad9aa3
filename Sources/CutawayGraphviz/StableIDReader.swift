@preconcurrency import CGraphviz
#if canImport(Glibc)
import Glibc
#endif

/// Reads DOT into a cgraph graph whose object ids do not depend on memory addresses.
///
/// cgraph's default id discipline (`AgIdDisc`, cgraph(3)) uses the address of each name's
/// interned string as the object's id, and keeps subgraphs ordered by id: in a process that
/// has rendered other graphs before, clusters then come out of the SVG in an order that
/// differs from run to run although the DOT is the same. This discipline numbers names in
/// the order the parser meets them (even ids; anonymous objects get odd ones), so the same
/// DOT always gives the same SVG, PNG and PDF. The input is read from memory like
/// agmemread(3) does, one line per read. Callers hold ``GraphvizRenderer``'s lock: the
/// tables are global and reset for each graph.
enum StableIDReader {
    nonisolated(unsafe) private static var idsByName: [String: IDTYPE] = [:]
    nonisolated(unsafe) private static var namesByID: [IDTYPE: UnsafeMutablePointer<CChar>] = [:]
    nonisolated(unsafe) private static var nextNamed: IDTYPE = 2
    nonisolated(unsafe) private static var nextAnonymous: IDTYPE = 1
    nonisolated(unsafe) private static var input = UnsafeMutableBufferPointer<CChar>(start: nil, count: 0)
    nonisolated(unsafe) private static var offset = 0

    /// The disciplines live on the heap: cgraph keeps pointers to them for the graph's life.
    nonisolated(unsafe) private static let idDiscipline = UnsafeMutablePointer<Agiddisc_t>.allocate(capacity: 1)
    nonisolated(unsafe) private static let ioDiscipline = UnsafeMutablePointer<Agiodisc_t>.allocate(capacity: 1)
    nonisolated(unsafe) private static let memDiscipline = UnsafeMutablePointer<Agmemdisc_t>.allocate(capacity: 1)
    nonisolated(unsafe) private static let discipline: UnsafeMutablePointer<Agdisc_t> = {
        idDiscipline.initialize(to: ids)
        ioDiscipline.initialize(to: io)
        memDiscipline.initialize(to: AgMemDisc)
        let d = UnsafeMutablePointer<Agdisc_t>.allocate(capacity: 1)
        d.initialize(to: Agdisc_t(mem: memDiscipline, id: idDiscipline, io: ioDiscipline))
        return d
    }()

    private static let ids = Agiddisc_t(
        open: { graph, _ in UnsafeMutableRawPointer(graph) },
        map: { _, _, name, id, create in
            guard let id else { return 0 }
            if let name {
                let key = String(cString: name)
                if let known = StableIDReader.idsByName[key] { id.pointee = known; return 1 }
                guard create != 0 else { return 0 }
                let new = StableIDReader.nextNamed
                StableIDReader.nextNamed += 2
                StableIDReader.idsByName[key] = new
                StableIDReader.namesByID[new] = strdup(name)
                id.pointee = new
                return 1
            }
            id.pointee = StableIDReader.nextAnonymous
            StableIDReader.nextAnonymous += 2
            return 1
        },
        alloc: { _, _, _ in 0 },
        free: { _, _, _ in },
        print: { _, _, id in StableIDReader.namesByID[id] },
        close: { _ in },
        idregister: { _, _, _ in }
    )

    private static let io = Agiodisc_t(
        afread: { _, buffer, size in
            guard let buffer, size > 1 else { return 0 }
            var n = 0
            while n < Int(size) - 1 && StableIDReader.offset < StableIDReader.input.count {
                let c = StableIDReader.input[StableIDReader.offset]
                buffer[n] = c
                n += 1
                StableIDReader.offset += 1
                if c == 0x0a { break }
            }
            buffer[n] = 0
            return Int32(n)
        },
        putstr: AgIoDisc.putstr,
        flush: AgIoDisc.flush
    )

    /// agread(3) of `dot` with the stable ids; nil if it does not parse.
    static func read(_ dot: String) -> UnsafeMutablePointer<Agraph_t>? {
        reset()
        let bytes = dot.utf8CString
        input = UnsafeMutableBufferPointer<CChar>.allocate(capacity: bytes.count - 1)
        _ = input.initialize(from: bytes.dropLast())
        offset = 0
        return agread(UnsafeMutableRawPointer(input.baseAddress), discipline)
    }

    /// Forgets the names of the last graph (after agclose(3)).
    static func reset() {
        for name in namesByID.values { free(name) }
        idsByName = [:]
        namesByID = [:]
        nextNamed = 2
        nextAnonymous = 1
        input.deallocate()
        input = UnsafeMutableBufferPointer<CChar>(start: nil, count: 0)
        offset = 0
    }
}

import CutawayModel

/// A pass whose reads are per namespace and can be planned once the per-process passes have
/// recorded (mount tables, relations, id maps). In a ``SnapshotScanner`` consecutive sweep
/// passes share one parallel sweep: their reads are put in one list that every core works
/// through, so no core waits at the end of one pass while another finishes it, and each pass
/// then records in the order of the list, as if it had run alone after the one before.
protocol SweepPass: ScanPass {
    /// The reads of this pass, planned from `state` as it is before the sweep (so before the
    /// passes ahead of it in the sweep have recorded).
    func plan(_ state: ScanState, source: any ProcSource, workers: SweepWorkers) -> SweepPlan
}

/// The reads one ``SweepPass`` makes in a sweep, and how it records them.
struct SweepPlan {
    /// How many reads.
    var count: Int
    /// Read number `index`, on worker `worker` (0..<``SweepWorkers/count``); runs on any
    /// thread, reads only.
    var read: (_ index: Int, _ worker: Int) -> any Sendable
    /// Records the readings, in plan order, into the state (after the passes ahead of it).
    var record: (_ readings: ArraySlice<any Sendable>, _ state: inout ScanState) -> Void
}

/// Who does a sweep's reads: `count` workers, at once when `concurrent` (the live `/proc`),
/// one after another otherwise.
struct SweepWorkers {
    var count: Int
    var concurrent: Bool

    /// The workers for reading `source`.
    init(source: any ProcSource) {
        concurrent = source is DirectoryProcSource && ParallelMap.workers > 1
        count = concurrent ? ParallelMap.workers : 1
    }
}

extension SweepPass {
    /// The pass alone: a sweep of one.
    func runSwept(_ state: inout ScanState, source: any ProcSource) {
        SweepPassRunner.sweep([self], &state, source: source)
    }
}

/// Runs sweeps.
enum SweepPassRunner {
    /// Plans every pass of `passes`, reads all their reads in one parallel sweep and records
    /// each pass's readings in order.
    static func sweep(_ passes: [any SweepPass], _ state: inout ScanState, source: any ProcSource) {
        let workers = SweepWorkers(source: source)
        let plans = passes.map { $0.plan(state, source: source, workers: workers) }
        var owners: [(plan: Int, index: Int)] = []
        owners.reserveCapacity(plans.reduce(0) { $0 + $1.count })
        for (p, plan) in plans.enumerated() { for i in 0..<plan.count { owners.append((p, i)) } }
        let readings: [any Sendable]
        if workers.concurrent && owners.count >= 16 {
            readings = ParallelMap.mapPerWorker(owners.count) { worker, k in plans[owners[k].plan].read(owners[k].index, worker) }
        } else {
            readings = owners.map { plans[$0.plan].read($0.index, 0) }
        }
        var start = 0
        for plan in plans {
            plan.record(readings[start..<(start + plan.count)], &state)
            start += plan.count
        }
    }
}

import Atomics
import Foundation

/// Breadth-first, level-synchronous, parallel explicit-state search (DESIGN §5).
/// BFS makes every counterexample a shortest one; all workers share one
/// lock-free visited table, so counts and verdicts do not depend on the number
/// of workers.
///
/// Memory per visited state: the fingerprint table (8 bytes / load factor) and
/// one 8-byte trace record; states themselves live only in the current and the
/// next level, encoded by the system's `StateCodec` in recycled blocks.
public struct Explorer<System: TransitionSystem>: Sendable {
    public var system: System
    public var properties: [Property<System>]
    public var configuration: ExplorerConfiguration
    public var reporter: (any ExplorationReporter)?

    public init(system: System, properties: [Property<System>], configuration: ExplorerConfiguration = .init(),
                reporter: (any ExplorationReporter)? = nil) {
        self.system = system
        self.properties = properties
        self.configuration = configuration
        self.reporter = reporter
    }

    public func run() throws -> ExplorationResult<System> {
        let search = Search(explorer: self)
        return try search.run()
    }
}

/// Why a level stopped before every state was expanded.
enum StopReason: Int {
    case none = 0, states, time, memory, overflow
}

/// One exploration: the shared structures workers use. A struct holding
/// references, like `Explorer`, so the hot loop specialises across modules;
/// what only the coordinating thread changes lives in `Tally`.
struct Search<System: TransitionSystem>: @unchecked Sendable {
    let explorer: Explorer<System>
    var system: System { explorer.system }
    var config: ExplorerConfiguration { explorer.configuration }
    let codec: StateCodec<System.State>?
    let table: VisitedTable
    let pool: BlockPool<System.State>
    let stop = ManagedAtomic<Int>(0)
    let clock = ContinuousClock()
    let start: ContinuousClock.Instant

    struct Hit { var fp: UInt64; var id: Int; var action: UInt32?; var depth: Int }

    /// Results gathered between levels by the coordinating thread.
    struct Tally {
        var records = TraceRecords()
        var stats = ExplorationStatistics()
        var coverage: [Int]
        var hits: [Hit?]
        var deadlock: (fp: UInt64, id: Int)?
    }

    init(explorer: Explorer<System>) {
        self.explorer = explorer
        codec = explorer.system.stateCodec
        pool = BlockPool(codec: codec)
        table = VisitedTable(expectedStates: 0)
        start = clock.now
    }

    func elapsed() -> Double {
        let d = clock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Table, trace records and frontier blocks: what the budget counts.
    func memoryInUse(_ records: TraceRecords) -> Int { table.bytes + records.bytes + pool.allocatedBytes }

    func run() throws -> ExplorationResult<System> {
        var tally = Tally(coverage: Array(repeating: 0, count: system.coverageNames.count),
                          hits: Array(repeating: nil, count: explorer.properties.count))
        tally.stats.tableBytes = table.bytes
        let floor = memoryInUse(tally.records) + pool.footprint
        guard floor <= config.memoryLimit else {
            return try finish(&tally, limit: "memory: the minimum table and one frontier block need \(floor) bytes, over the limit of \(config.memoryLimit)")
        }
        var frontier = initialLevel(&tally)
        var depth = 0
        var limit: String?
        while frontier.contains(where: { $0.count > 0 }) {
            if !tally.hits.isEmpty && tally.hits.allSatisfy({ $0 != nil }) { break }
            let waiting = frontier.reduce(0) { $0 + $1.count }
            if depth >= config.maxDepth { limit = "depth: the depth bound \(config.maxDepth) was reached with \(waiting) states unexplored"; break }
            if elapsed() > config.timeLimit { limit = "time: \(config.timeLimit) s elapsed"; break }
            let (next, findings) = expandLevel(frontier, &tally)
            pool.give(frontier.filter { $0.pending.load(ordering: .relaxed) > 0 })
            depth += 1
            for b in next { tally.records.append(b) }
            merge(findings.map { var f = $0; f.resolveIds(); return f }, depth: depth, into: &tally)
            frontier = next
            pool.trim(keeping: frontier.count + 2)
            tally.stats.states = table.count
            tally.stats.depth = frontier.contains(where: { $0.count > 0 }) ? depth : depth - 1
            tally.stats.peakMemoryBytes = max(tally.stats.peakMemoryBytes, memoryInUse(tally.records))
            explorer.reporter?.progress(states: tally.stats.states, transitions: tally.stats.transitions, depth: depth, seconds: elapsed())
            if let why = stopMessage(tally.records) { limit = why; break }
        }
        pool.give(frontier.filter { $0.pending.load(ordering: .relaxed) > 0 || $0.count > 0 })
        return try finish(&tally, limit: limit)
    }

    func initialLevel(_ tally: inout Tally) -> [FrontierBlock<System.State>] {
        var blocks = [pool.take()]
        var f = Findings<System>(search: self)
        for (index, s0) in system.initialStates().enumerated() {
            let s = system.canonicalize(s0)
            let k = VisitedTable.key(system.fingerprint(s))
            guard table.insert(k) == .inserted else { continue }
            table.publish(1)
            if !blocks[blocks.count - 1].hasRoom { blocks.append(pool.take()) }
            let block = blocks[blocks.count - 1]
            block.append(s, record: TraceRecords.root << 32 | UInt64(index), codec: codec)
            f.checkState(s, fp: k, id: table.count - 1, explorer: explorer)
        }
        for block in blocks { tally.records.append(block) }
        merge([f], depth: 0, into: &tally)
        tally.stats.states = table.count
        return blocks
    }

    func stopMessage(_ records: TraceRecords) -> String? {
        switch StopReason(rawValue: stop.load(ordering: .relaxed)) ?? .none {
        case .none: return nil
        case .states: return "states: the state bound \(config.maxStates) was reached"
        case .time: return "time: \(config.timeLimit) s elapsed"
        case .memory: return "memory: the limit of \(config.memoryLimit) bytes would be exceeded (\(memoryInUse(records)) bytes in use at \(table.count) states)"
        case .overflow: return "memory: the visited table overflowed"
        }
    }

    /// Expands every state of one level; returns the next level's blocks and
    /// what each worker found.
    func expandLevel(_ frontier: [FrontierBlock<System.State>], _ tally: inout Tally) -> ([FrontierBlock<System.State>], [Findings<System>]) {
        let chunks = Chunks(frontier)
        let workers = max(1, min(config.workers, (chunks.total + 255) / 256))
        let boxes = (0..<workers).map { _ in WorkerBox(Findings<System>(search: self)) }
        let budget = config.memoryLimit - tally.records.bytes
        while true {
            forEachWorker(workers) { w in
                // A local copy: the boxes may share cache lines.
                var f = boxes[w].value
                self.work(chunks, frontier, budget: budget, &f)
                boxes[w].value = f
            }
            let left = boxes.reduce(0) { $0 + $1.value.leftovers.count }
            if stop.load(ordering: .relaxed) != 0 || (chunks.exhausted && left == 0) { break }
            // A worker stopped because the table must grow: grow it, then resume.
            if pool.allocatedBytes + table.bytesDuringGrowth > budget {
                stop.store(StopReason.memory.rawValue, ordering: .relaxed)
                break
            }
            table.grow(workers: config.workers)
            tally.stats.tableBytes = max(tally.stats.tableBytes, table.bytes)
            tally.stats.growths += 1
        }
        if boxes.contains(where: { $0.value.overflow }) { stop.store(StopReason.overflow.rawValue, ordering: .relaxed) }
        return (boxes.flatMap { $0.value.output }, boxes.map { $0.value })
    }

    /// One worker's share of a level: claims chunks until none are left, the
    /// table must grow, or a limit stops the search.
    func work(_ chunks: Chunks<System.State>, _ frontier: [FrontierBlock<System.State>], budget: Int, _ f: inout Findings<System>) {
        defer { table.publish(f.unpublished); f.unpublished = 0 }
        while true {
            if stop.load(ordering: .relaxed) != 0 { return }
            let range: (block: Int, lo: Int, hi: Int)
            if let r = f.leftovers.popLast() {
                range = r
            } else if let r = chunks.claim() {
                range = r
                if elapsed() > config.timeLimit { return halt(.time, keeping: r, &f) }
                if table.bytes + pool.allocatedBytes > budget { return halt(.memory, keeping: r, &f) }
            } else { return }
            let block = frontier[range.block]
            for i in range.lo..<range.hi {
                var stopped: StopReason?
                if table.needsGrowth || f.overflow { stopped = StopReason.none }
                if table.count + f.unpublished + f.pendingCount >= config.maxStates {
                    // Probe the pending successors first: the bound is judged
                    // on the same count as without the pipeline.
                    f.flush(self)
                    if table.count + f.unpublished >= config.maxStates { stopped = .states }
                }
                if let why = stopped {
                    f.flush(self)
                    finished(block, i - range.lo)
                    if why == .none { f.leftovers.append((range.block, i, range.hi)); return }
                    return halt(why, keeping: (range.block, i, range.hi), &f)
                }
                f.expand(block.state(at: i, codec: codec), id: block.idBase + i, search: self)
            }
            f.flush(self)
            finished(block, range.hi - range.lo)
        }
    }

    /// `n` more states of `block` are expanded; once all are, its pages go
    /// straight back to the pool for the next level's output (its trace
    /// records were copied when its level closed), halving the frontier peak.
    func finished(_ block: FrontierBlock<System.State>, _ n: Int) {
        guard n > 0 else { return }
        if block.pending.wrappingDecrementThenLoad(by: n, ordering: .acquiringAndReleasing) == 0 { pool.give([block]) }
    }

    func halt(_ why: StopReason, keeping r: (block: Int, lo: Int, hi: Int), _ f: inout Findings<System>) {
        f.leftovers.append(r)
        _ = stop.compareExchange(expected: 0, desired: why.rawValue, ordering: .relaxed)
    }

    func merge(_ findings: [Findings<System>], depth: Int, into tally: inout Tally) {
        for f in findings {
            tally.stats.transitions += f.transitions
            tally.stats.deadlocks += f.deadlocks
            for (k, n) in f.coverage.enumerated() { tally.coverage[k] += n }
            if let d = f.deadlock, tally.deadlock.map({ d.fp < $0.fp }) ?? true { tally.deadlock = d }
        }
        for p in tally.hits.indices where tally.hits[p] == nil {
            let level = findings.compactMap { $0.hits[p] }.min { ($0.fp, $0.action ?? 0) < ($1.fp, $1.action ?? 0) }
            if let h = level { tally.hits[p] = Hit(fp: h.fp, id: h.id, action: h.action, depth: depth) }
        }
    }
}

/// The chunks of one level, claimed by workers through one atomic counter.
final class Chunks<State>: @unchecked Sendable {
    static var size: Int { 256 }
    let ranges: [(block: Int, lo: Int, hi: Int)]
    let next = ManagedAtomic<Int>(0)
    let total: Int

    init(_ blocks: [FrontierBlock<State>]) {
        var r: [(Int, Int, Int)] = []
        for (b, block) in blocks.enumerated() {
            block.pending.store(block.count, ordering: .relaxed)
            var lo = 0
            while lo < block.count {
                r.append((b, lo, min(block.count, lo + Self.size)))
                lo += Self.size
            }
        }
        ranges = r
        total = blocks.reduce(0) { $0 + $1.count }
    }

    var exhausted: Bool { next.load(ordering: .relaxed) >= ranges.count }

    func claim() -> (block: Int, lo: Int, hi: Int)? {
        let i = next.loadThenWrappingIncrement(ordering: .relaxed)
        return i < ranges.count ? ranges[i] : nil
    }
}

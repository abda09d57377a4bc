import Foundation

/// Breadth-first, level-synchronous, parallel explicit-state search (DESIGN §5).
/// BFS makes every counterexample a shortest one; all workers share one
/// lock-free visited table, so counts and verdicts do not depend on the number
/// of workers.
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

    /// What a worker found during one level.
    struct Findings {
        var next: [System.State] = []
        var transitions = 0
        /// Per property: the smallest fingerprint (and for edges, the action) of a violation/example.
        var hits: [(UInt64, UInt32?)?]
        var deadlock: UInt64?
        var deadlocks = 0
        var coverage: [Int]
        var items: [Int] = []
        var buffer: [System.Action] = []
        init(properties: Int, coverage: Int) {
            hits = Array(repeating: nil, count: properties)
            self.coverage = Array(repeating: 0, count: coverage)
        }
    }

    public func run() throws -> ExplorationResult<System> {
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double { let d = clock.now - start; return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        let cfg = configuration
        let stateBytes = MemoryLayout<System.State>.stride
        let tableBytes = VisitedTable.bytes(forMaxStates: cfg.maxStates)
        guard tableBytes < cfg.memoryLimit else {
            return try finish(table: nil, hits: [], deadlock: nil, stats: ExplorationStatistics(),
                              limit: "memory: a table for \(cfg.maxStates) states needs \(tableBytes) bytes, over the limit of \(cfg.memoryLimit)",
                              coverage: [])
        }
        let table = VisitedTable(maxStates: cfg.maxStates)
        var stats = ExplorationStatistics()
        stats.tableBytes = table.bytes
        let coverageCount = system.coverageNames.count
        var totalCoverage = Array(repeating: 0, count: coverageCount)
        var hits: [(fp: UInt64, action: UInt32?, depth: Int)?] = Array(repeating: nil, count: properties.count)
        var deadlock: UInt64?
        var limit: String?

        // Level 0: the initial states.
        var frontier: [System.State] = []
        var level0 = Findings(properties: properties.count, coverage: coverageCount)
        for s0 in system.initialStates() {
            let s = system.canonicalize(s0)
            let fp = VisitedTable.key(system.fingerprint(s))
            guard table.insert(fp, parent: 0, action: 0) else { continue }
            checkState(s, fp: fp, into: &level0)
            frontier.append(s)
        }
        record(level0.hits, depth: 0, into: &hits)
        stats.states = table.count
        var depth = 0

        while !frontier.isEmpty {
            if shouldStop(hits) { break }
            if depth >= cfg.maxDepth { limit = "depth: the depth bound \(cfg.maxDepth) was reached with \(frontier.count) states unexplored"; break }
            if elapsed() > cfg.timeLimit { limit = "time: \(cfg.timeLimit) s elapsed"; break }
            stats.peakFrontierBytes = max(stats.peakFrontierBytes, frontier.count * stateBytes * 2)
            if tableBytes + stats.peakFrontierBytes > cfg.memoryLimit { limit = "memory: frontier of \(frontier.count) states exceeds the budget"; break }

            let workers = min(cfg.workers, max(1, frontier.count / 64))
            let boxes = (0..<workers).map { _ in WorkerBox(Findings(properties: properties.count, coverage: coverageCount)) }
            let current = frontier
            let chunk = (current.count + workers - 1) / workers
            let me = self
            let cap = cfg.maxStates
            forEachWorker(workers) { w in
                let lo = w * chunk, hi = min(current.count, lo + chunk)
                guard lo < hi else { return }
                for i in lo..<hi {
                    if table.count >= cap { return }
                    me.expand(current[i], table: table, into: &boxes[w].value)
                }
            }
            depth += 1
            frontier = []
            var level = Findings(properties: properties.count, coverage: coverageCount)
            for b in boxes {
                frontier.append(contentsOf: b.value.next)
                stats.transitions += b.value.transitions
                stats.deadlocks += b.value.deadlocks
                for (k, h) in b.value.hits.enumerated() { if let h, level.hits[k].map({ h.0 < $0.0 }) ?? true { level.hits[k] = h } }
                if let d = b.value.deadlock { deadlock = min(deadlock ?? d, d) }
                for (k, n) in b.value.coverage.enumerated() { totalCoverage[k] += n }
            }
            record(level.hits, depth: depth, into: &hits)
            stats.states = table.count
            stats.depth = frontier.isEmpty ? depth - 1 : depth
            reporter?.progress(states: stats.states, transitions: stats.transitions, depth: depth, seconds: elapsed())
            if table.count >= cfg.maxStates { limit = "states: the state bound \(cfg.maxStates) was reached"; break }
        }
        stats.seconds = elapsed()
        stats.states = table.count
        return try finish(table: table, hits: hits, deadlock: deadlock, stats: stats, limit: limit,
                          coverage: zip(system.coverageNames, totalCoverage).map { ($0, $1) })
    }

    /// Expands one state: successors, edge checks, new states and their state checks.
    func expand(_ s: System.State, table: VisitedTable, into f: inout Findings) {
        let fp = VisitedTable.key(system.fingerprint(s))
        f.buffer.removeAll(keepingCapacity: true)
        system.actions(in: s, into: &f.buffer)
        var enabled = 0
        for (k, a) in f.buffer.enumerated() {
            guard let raw = system.successor(of: s, via: a) else { continue }
            enabled += 1
            f.transitions += 1
            let t = system.canonicalize(raw)
            for (p, prop) in properties.enumerated() {
                if case .transition(let ok) = prop.check, !ok(s, a, t) { keepSmallest(&f.hits[p], (fp, UInt32(k))) }
            }
            if !f.coverage.isEmpty {
                f.items.removeAll(keepingCapacity: true)
                system.coverage(from: s, via: a, to: t, into: &f.items)
                for i in f.items where i < f.coverage.count { f.coverage[i] += 1 }
            }
            let tfp = VisitedTable.key(system.fingerprint(t))
            if table.insert(tfp, parent: fp, action: UInt32(k)) {
                checkState(t, fp: tfp, into: &f)
                f.next.append(t)
            }
        }
        if enabled == 0 && configuration.checkDeadlocks {
            f.deadlocks += 1
            f.deadlock = min(f.deadlock ?? fp, fp)
        }
    }

    func checkState(_ s: System.State, fp: UInt64, into f: inout Findings) {
        for (p, prop) in properties.enumerated() {
            switch prop.check {
            case .always(let ok): if !ok(s) { keepSmallest(&f.hits[p], (fp, nil)) }
            case .sometimes(let ok): if ok(s) { keepSmallest(&f.hits[p], (fp, nil)) }
            case .transition: break
            }
        }
    }

    /// Keeping the smallest fingerprint makes the reported state independent of worker scheduling.
    func keepSmallest(_ slot: inout (UInt64, UInt32?)?, _ v: (UInt64, UInt32?)) {
        if let cur = slot, cur.0 < v.0 || (cur.0 == v.0 && (cur.1 ?? 0) <= (v.1 ?? 0)) { return }
        slot = v
    }

    func record(_ level: [(UInt64, UInt32?)?], depth: Int, into hits: inout [(fp: UInt64, action: UInt32?, depth: Int)?]) {
        for (k, h) in level.enumerated() where hits[k] == nil {
            if let h { hits[k] = (h.0, h.1, depth) }
        }
    }

    /// BFS may stop once every property has its answer: violations of
    /// always/transition properties, and examples of sometimes properties.
    func shouldStop(_ hits: [(fp: UInt64, action: UInt32?, depth: Int)?]) -> Bool {
        !hits.isEmpty && hits.allSatisfy { $0 != nil }
    }

    func finish(table: VisitedTable?, hits: [(fp: UInt64, action: UInt32?, depth: Int)?], deadlock: UInt64?,
                stats: ExplorationStatistics, limit: String?, coverage: [(String, Int)]) throws -> ExplorationResult<System> {
        var verdicts: [(String, Verdict<System>)] = []
        for (k, prop) in properties.enumerated() {
            let hit = k < hits.count ? hits[k] : nil
            let verdict: Verdict<System>
            switch (prop.check, hit, table) {
            case (.sometimes, let h?, let t?): verdict = .example(try rebuild(h.fp, then: h.action, table: t))
            case (.sometimes, nil, _): verdict = limit.map { .inconclusive($0) } ?? .notFound
            case (_, let h?, let t?): verdict = .violated(try rebuild(h.fp, then: h.action, table: t))
            default: verdict = limit.map { .inconclusive($0) } ?? .holds
            }
            verdicts.append((prop.name, verdict))
        }
        let dl = try deadlock.flatMap { d in try table.map { try rebuild(d, then: nil, table: $0) } }
        return ExplorationResult(verdicts: verdicts, deadlock: dl, statistics: stats, limitHit: limit, coverage: coverage)
    }

    /// Rebuilds the trace to `fp` (plus one edge) by replaying recorded action indices.
    func rebuild(_ fp: UInt64, then action: UInt32?, table: VisitedTable) throws -> Trace<System> {
        var path: [UInt32] = []
        var cur = fp
        var rootFp = fp
        while let (parent, a) = table.parent(of: cur) {
            path.append(a)
            cur = parent
            rootFp = parent
        }
        path.reverse()
        if let action { path.append(action) }
        guard let initial = system.initialStates().map(system.canonicalize).first(where: { VisitedTable.key(system.fingerprint($0)) == rootFp }) else {
            throw ExplorationError.nondeterministicSystem(step: 0)
        }
        var state = initial
        var steps: [(action: System.Action, state: System.State)] = []
        var buffer: [System.Action] = []
        for (i, k) in path.enumerated() {
            buffer.removeAll(keepingCapacity: true)
            system.actions(in: state, into: &buffer)
            guard Int(k) < buffer.count, let next = system.successor(of: state, via: buffer[Int(k)]) else {
                throw ExplorationError.nondeterministicSystem(step: i + 1)
            }
            state = system.canonicalize(next)
            steps.append((buffer[Int(k)], state))
        }
        if action == nil, VisitedTable.key(system.fingerprint(state)) != fp { throw ExplorationError.nondeterministicSystem(step: path.count) }
        return Trace(initial: initial, steps: steps)
    }
}

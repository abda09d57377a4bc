/// Verdicts and counterexamples at the end of a search.
extension Search {
    func finish(_ tally: inout Tally, limit: String?) throws -> ExplorationResult<System> {
        tally.stats.seconds = elapsed()
        tally.stats.states = table.count
        tally.stats.recordBytes = tally.records.bytes
        tally.stats.peakMemoryBytes = max(tally.stats.peakMemoryBytes, memoryInUse(tally.records))
        tally.stats.peakResidentBytes = ResidentMemory.peakBytes
        let records = tally.records
        var verdicts: [(String, Verdict<System>)] = []
        for (k, prop) in explorer.properties.enumerated() {
            let hit = k < tally.hits.count ? tally.hits[k] : nil
            let verdict: Verdict<System>
            switch (prop.check, hit) {
            case (.sometimes, let h?): verdict = .example(try rebuild(h.id, fp: h.fp, then: h.action, records))
            case (.sometimes, nil): verdict = limit.map { .inconclusive($0) } ?? .notFound
            case (_, let h?): verdict = .violated(try rebuild(h.id, fp: h.fp, then: h.action, records))
            default: verdict = limit.map { .inconclusive($0) } ?? .holds
            }
            verdicts.append((prop.name, verdict))
        }
        let dl = try tally.deadlock.map { try rebuild($0.id, fp: $0.fp, then: nil, records) }
        return ExplorationResult(verdicts: verdicts, deadlock: dl, statistics: tally.stats, limitHit: limit,
                                 coverage: zip(system.coverageNames, tally.coverage).map { ($0, $1) })
    }

    /// Rebuilds the shortest trace to state `id` (plus one edge) by following
    /// trace records to the root and replaying the recorded action indices.
    func rebuild(_ id: Int, fp: UInt64, then action: UInt32?, _ records: TraceRecords) throws -> Trace<System> {
        var path: [UInt32] = []
        var cur = id
        var rootIndex = 0
        while true {
            guard let r = records.record(cur) else { throw ExplorationError.nondeterministicSystem(step: 0) }
            if r >> 32 == TraceRecords.root { rootIndex = Int(r & 0xFFFF_FFFF); break }
            path.append(UInt32(truncatingIfNeeded: r))
            cur = Int(r >> 32)
        }
        path.reverse()
        if let action { path.append(action) }
        let initials = system.initialStates()
        guard rootIndex < initials.count else { throw ExplorationError.nondeterministicSystem(step: 0) }
        let initial = system.canonicalize(initials[rootIndex])
        var state = initial
        var steps: [(action: System.Action, state: System.State)] = []
        var buffer: [System.Action] = []
        for (i, k) in path.enumerated() {
            if i == path.count - 1, action != nil, VisitedTable.key(system.fingerprint(state)) != fp {
                throw ExplorationError.nondeterministicSystem(step: i)
            }
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

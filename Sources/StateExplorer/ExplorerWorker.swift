/// What one worker found while expanding its share of a level.
struct Findings<System: TransitionSystem> {
    typealias Block = FrontierBlock<System.State>
    /// Per property: the violation (or example) with the smallest fingerprint,
    /// which makes the reported state independent of worker scheduling.
    var hits: [(fp: UInt64, id: Int, action: UInt32?)?]
    var transitions = 0
    var deadlocks = 0
    var deadlock: (fp: UInt64, id: Int)?
    var coverage: [Int]
    var output: [Block] = []
    /// Ranges left unexpanded when the table had to grow or a limit hit.
    var leftovers: [(block: Int, lo: Int, hi: Int)] = []
    /// Insertions not yet added to the table's shared counter.
    var unpublished = 0
    var overflow = false
    var items: [Int] = []
    var actions: [System.Action] = []
    var successors: [(state: System.State, key: UInt64, action: Int)] = []

    init(search: Search<System>) {
        hits = Array(repeating: nil, count: search.explorer.properties.count)
        coverage = Array(repeating: 0, count: search.system.coverageNames.count)
    }

    /// Successors of one state: edge checks, fingerprints, table probes. For
    /// small states in two passes (see `batchesProbes`), so the probes' cache
    /// misses overlap instead of queueing.
    mutating func expand(_ s: System.State, id: Int, search: Search<System>) {
        let system = search.system, properties = search.explorer.properties
        let fp = VisitedTable.key(system.fingerprint(s))
        actions.removeAll(keepingCapacity: true)
        system.actions(in: s, into: &actions)
        successors.removeAll(keepingCapacity: true)
        var enabled = 0
        for k in actions.indices {
            let a = actions[k]
            guard let raw = system.successor(of: s, via: a) else { continue }
            // Edges are judged before canonicalisation: `raw` names objects as
            // `s` does, while the representative may have renamed them.
            for (p, prop) in properties.enumerated() {
                if case .transition(let ok) = prop.check, !ok(s, a, raw) { keep(p, fp, id, UInt32(k)) }
            }
            if !coverage.isEmpty { count(s, a, raw, system) }
            let t = system.canonicalize(raw)
            let tk = VisitedTable.key(system.fingerprint(t))
            enabled += 1
            if Self.batchesProbes {
                search.table.prefetch(tk)
                successors.append((t, tk, k))
            } else {
                visit(t, tk, k, parent: id, search)
            }
        }
        transitions += enabled
        for (t, tk, k) in successors { visit(t, tk, k, parent: id, search) }
        if enabled == 0 && search.config.checkDeadlocks {
            deadlocks += 1
            if deadlock.map({ fp < $0.fp }) ?? true { deadlock = (fp, id) }
        }
    }

    /// Small states are buffered so their table probes can be prefetched;
    /// copying large ones (a kernel state is ~530 bytes) costs more than the
    /// overlap gains, so they are probed at once.
    static var batchesProbes: Bool { MemoryLayout<System.State>.size <= 64 }

    /// A successor's probe: a new state joins the next level and is checked.
    mutating func visit(_ t: System.State, _ tk: UInt64, _ k: Int, parent id: Int, _ search: Search<System>) {
        switch search.table.insert(tk) {
        case .present: return
        case .full: overflow = true; return
        case .inserted: break
        }
        unpublished += 1
        if unpublished >= 256 { search.table.publish(unpublished); unpublished = 0 }
        if output.last?.hasRoom(for: search.codec) != true { output.append(search.pool.take()) }
        let block = output[output.count - 1]
        block.append(t, record: TraceRecords.pack(parent: id, action: k), codec: search.codec)
        checkState(t, fp: tk, id: -1 - (output.count - 1) * Block.stateLimit - (block.count - 1), explorer: search.explorer)
    }

    /// Counts the coverage items of one transition. `items` is cleared only
    /// now and then: clearing it per transition cost 5 % of the forest search.
    mutating func count(_ s: System.State, _ a: System.Action, _ t: System.State, _ system: System) {
        if items.count > 4096 { items.removeAll(keepingCapacity: true) }
        let mark = items.count
        system.coverage(from: s, via: a, to: t, into: &items)
        coverage.withUnsafeMutableBufferPointer { c in
            for i in items[mark...] where i >= 0 && i < c.count { c[i] += 1 }
        }
    }

    mutating func checkState(_ s: System.State, fp: UInt64, id: Int, explorer: Explorer<System>) {
        for (p, prop) in explorer.properties.enumerated() {
            switch prop.check {
            case .always(let ok): if !ok(s) { keep(p, fp, id, nil) }
            case .sometimes(let ok): if ok(s) { keep(p, fp, id, nil) }
            case .transition: break
            }
        }
    }

    mutating func keep(_ p: Int, _ fp: UInt64, _ id: Int, _ action: UInt32?) {
        if let cur = hits[p], cur.fp < fp || (cur.fp == fp && (cur.action ?? 0) <= (action ?? 0)) { return }
        hits[p] = (fp, id, action)
    }

    /// Ids of states this worker created are known only when the level
    /// closes; until then a hit names (block, index) as a negative number.
    mutating func resolveIds() {
        for p in hits.indices {
            guard let h = hits[p], h.id < 0 else { continue }
            let local = -1 - h.id
            let block = output[local / Block.stateLimit]
            hits[p]?.id = block.idBase + local % Block.stateLimit
        }
    }
}

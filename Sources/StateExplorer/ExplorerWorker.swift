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
    /// The last block of `output`, which new states join (`output` keeps
    /// it alive; unmanaged, so joining it costs no reference counting).
    var current: Unmanaged<Block>?
    /// Some property judges states (`always`, `sometimes`).
    let checksStates: Bool
    /// Ranges left unexpanded when the table had to grow or a limit hit.
    var leftovers: [(block: Int, lo: Int, hi: Int)] = []
    /// Insertions not yet added to the table's shared counter.
    var unpublished = 0
    var overflow = false
    var items: [Int] = []
    var actions: [System.Action] = []
    var successors: [(state: System.State, key: UInt64, action: Int)] = []
    /// The fast path's buffers (see `TransitionSystem.successorBound`), nil
    /// when the system has none or a transition property needs each action.
    let fast: SuccessorBuffer<System.State>?
    /// The successors generated but not yet probed: those of state
    /// `pendingParent`, in half `pendingHalf` of `fast`.
    var pendingCount = 0
    var pendingParent = 0
    var pendingHalf = 1

    init(search: Search<System>) {
        hits = Array(repeating: nil, count: search.explorer.properties.count)
        coverage = Array(repeating: 0, count: search.system.coverageNames.count)
        let bound = search.system.successorBound
        let edgeChecks = search.explorer.properties.contains { if case .transition = $0.check { true } else { false } }
        checksStates = search.explorer.properties.contains { if case .transition = $0.check { false } else { true } }
        fast = bound > 0 && !edgeChecks ? SuccessorBuffer(bound: bound) : nil
    }

    /// Successors of one state, through the fast path when there is one.
    @inline(__always)
    mutating func expand(_ s: System.State, id: Int, search: Search<System>) {
        if let fast { expandFast(s, id: id, search: search, fast) } else { expandEach(s, id: id, search: search) }
    }

    /// The fast path, pipelined one state deep: the successors of `s` are
    /// generated and their table slots prefetched, then the successors of the
    /// state before are probed, so each probe's cache miss has had a whole
    /// state's work to complete. No action and no coverage item per edge.
    mutating func expandFast(_ s: System.State, id: Int, search: Search<System>, _ buffer: SuccessorBuffer<System.State>) {
        let system = search.system, table = search.table
        let half = 1 - pendingHalf
        let out = buffer.states + half * buffer.bound, keys = buffer.keys + half * buffer.bound
        let n = system.successors(of: s, into: out)
        if !coverage.isEmpty {
            coverage.withUnsafeMutableBufferPointer { system.coverage(from: s, successors: UnsafeBufferPointer(start: out, count: n), into: $0) }
        }
        for k in 0..<n {
            let t = system.canonicalize(out[k])
            out[k] = t
            let key = VisitedTable.key(system.fingerprint(t))
            keys[k] = key
            table.prefetch(key)
        }
        transitions += n
        if n == 0 && search.config.checkDeadlocks { noteDeadlock(s, id: id, system) }
        flush(search)
        (pendingCount, pendingParent, pendingHalf) = (n, id, half)
    }

    /// Probes the pending successors (see `expandFast`); the worker calls it
    /// before it stops or ends a chunk, so no successor is left unprobed.
    mutating func flush(_ search: Search<System>) {
        guard pendingCount > 0, let fast else { return }
        let base = pendingHalf * fast.bound
        for k in 0..<pendingCount { visit(fast.states[base + k], fast.keys[base + k], k, parent: pendingParent, search) }
        (fast.states + base).deinitialize(count: pendingCount)
        pendingCount = 0
    }

    mutating func noteDeadlock(_ s: System.State, id: Int, _ system: System) {
        let fp = VisitedTable.key(system.fingerprint(s))
        deadlocks += 1
        if deadlock.map({ fp < $0.fp }) ?? true { deadlock = (fp, id) }
    }

    /// Successors of one state action by action: edge checks, fingerprints,
    /// table probes. For small states in two passes (see `batchesProbes`), so
    /// the probes' cache misses overlap instead of queueing.
    mutating func expandEach(_ s: System.State, id: Int, search: Search<System>) {
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
        if enabled == 0 && search.config.checkDeadlocks { noteDeadlock(s, id: id, system) }
    }

    /// Small states are buffered so their table probes can be prefetched;
    /// copying large ones (a kernel state is ~530 bytes) costs more than the
    /// overlap gains, so they are probed at once.
    static var batchesProbes: Bool { MemoryLayout<System.State>.size <= 64 }

    /// A successor's probe: a new state joins the next level and is checked.
    /// Most successors were seen before, so the probe is inlined and the
    /// rest is not.
    @inline(__always)
    mutating func visit(_ t: System.State, _ tk: UInt64, _ k: Int, parent id: Int, _ search: Search<System>) {
        switch search.table.insert(tk) {
        case .present: return
        case .full: overflow = true; return
        case .inserted: add(t, tk, k, parent: id, search)
        }
    }

    @inline(never)
    mutating func add(_ t: System.State, _ tk: UInt64, _ k: Int, parent id: Int, _ search: Search<System>) {
        unpublished += 1
        if unpublished >= 256 { search.table.publish(unpublished); unpublished = 0 }
        if current?._withUnsafeGuaranteedRef({ $0.hasRoom }) != true {
            let fresh = search.pool.take()
            output.append(fresh)
            current = Unmanaged.passUnretained(fresh)
        }
        let count = current.unsafelyUnwrapped._withUnsafeGuaranteedRef { block in
            block.append(t, record: TraceRecords.pack(parent: id, action: k), codec: search.codec)
            return block.count
        }
        if checksStates {
            checkState(t, fp: tk, id: -1 - (output.count - 1) * Block.stateLimit - (count - 1), explorer: search.explorer)
        }
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

/// One worker's room for the successors of two states (the fast path's
/// pipeline): the states and their table keys.
final class SuccessorBuffer<State> {
    let bound: Int
    let states: UnsafeMutablePointer<State>
    let keys: UnsafeMutablePointer<UInt64>

    init(bound: Int) {
        self.bound = bound
        states = .allocate(capacity: 2 * bound)
        keys = .allocate(capacity: 2 * bound)
    }

    deinit {
        states.deallocate()
        keys.deallocate()
    }
}

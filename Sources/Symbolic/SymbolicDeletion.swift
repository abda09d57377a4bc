import SMT

/// Object destruction (kernel-api §5.3, §5.4; Spec Deletion.swift) for the
/// kinds whose destruction ends inside the deleting operation without
/// walking other tables: a gate without blocked senders, and a factory.
/// Destroying a task (releases its whole object space), a thread (deferred
/// teardown, IPC cancellation) or an Irq (queue withdrawal) is out of scope.
extension SymbolicKernel {
    /// kernel-api §5.3 steps 1–4 for one object; a no-op unless it is live.
    func destroy(_ s: SymbolicState, _ ref: Expr) throws(SMTError) -> Scoped {
        let kind = try kindOf(ref)
        let applies = try isLive(s, ref).and(kind.ne(v.b8(Kind.scheduler)))
        return try when(applies, s) { (s) throws(SMTError) in
            var r = try clearAllSlots(s, ref)
            r.life = try r.life.store(ref, v.b8(LifeValue.zombie))
            let gate = try destroyGate(r, indexOf(ref))
            let factory = try releaseFactoryIfDrained(r, indexOf(ref))
            let isGate = try kind.eq(v.b8(Kind.gate)), isFactory = try kind.eq(v.b8(Kind.factory))
            let state = try SymbolicState.ite(isGate, gate.state, SymbolicState.ite(isFactory, factory.state, r))
            let scope = try isGate.ite(gate.inScope, isFactory.ite(factory.inScope, v.truth(false)))
            return Scoped(state, inScope: scope)
        }
    }

    /// kernel-api §3.3 gate deletion: no blocked senders (else out of scope),
    /// binding dropped, record freed and its cost refunded. A still-bound
    /// thread that is itself deleted would be freed here too — out of scope.
    func destroyGate(_ s: SymbolicState, _ g: Expr) throws(SMTError) -> Scoped {
        let none = try v.none
        let thread = try s.gateThread.select(g)
        let noWaiters = try s.gateWaitHead.select(g).eq(none)
        let threadStays = try thread.eq(none).or(life(s, ref(Kind.thread, thread)).ne(v.b8(LifeValue.zombie)))
        var r = s
        r.gateThread = try s.gateThread.store(g, none)
        r.gateWaitHead = try s.gateWaitHead.store(g, none)
        r.gateLabel = try s.gateLabel.store(g, v.b16(0))
        let freed = try free(r, ref(Kind.gate, g))
        return Scoped(freed.state, inScope: try noWaiters.and(threadStays, freed.inScope))
    }

    /// `Spec.free` for a non-factory object: the record is reset and its cost
    /// goes back to the account it was charged to (MEM-3).
    func free(_ s: SymbolicState, _ ref: Expr) throws(SMTError) -> Scoped {
        let account = try s.quota.select(ref)
        var r = s
        r.life = try s.life.store(ref, v.b8(LifeValue.free))
        r.counted = try s.counted.store(ref, v.b8(0))
        r.quota = try s.quota.store(ref, v.none)
        let amount = try cost(kindOf(ref))
        return try refund(r, account, amount)
    }

    /// kernel-api §3.4 last paragraph: a deleted factory whose account is
    /// empty is freed and returns its reservation (cost + limit) to its parent.
    func releaseFactoryIfDrained(_ s: SymbolicState, _ f: Expr) throws(SMTError) -> Scoped {
        let fref = try ref(Kind.factory, f)
        let drained = try s.life.select(fref).eq(v.b8(LifeValue.zombie)).and(s.used.select(f).eq(v.b16(0)))
        return try when(drained, s) { (s) throws(SMTError) in
            let parent = try s.quota.select(fref)
            let reservation = try v.b16(1).bvadd(s.limit.select(f))
            var r = s
            r.life = try s.life.store(fref, v.b8(LifeValue.free))
            r.counted = try s.counted.store(fref, v.b8(0))
            r.quota = try s.quota.store(fref, v.none)
            r.limit = try s.limit.store(f, v.b16(0))
            r.used = try s.used.store(f, v.b16(0))
            r.unlimited = try s.unlimited.store(f, v.truth(false))
            return try refund(r, parent, reservation)
        }
    }
}

import SMT

/// Factories and kernel-memory quotas (kernel-api §3.4, §8; Spec Factory.swift).
extension SymbolicKernel {
    /// `Spec.KernelMemory.cost(of:)` for a kind given as a term.
    public func cost(_ kind: Expr) throws(SMTError) -> Expr {
        let table: [(UInt8, UInt16)] = [(Kind.task, 3), (Kind.thread, 2), (Kind.gate, 1), (Kind.irq, 1), (Kind.factory, 1)]
        var r = try v.b16(0)
        for (k, c) in table.reversed() { r = try kind.eq(v.b8(k)).ite(v.b16(c), r) }
        return r
    }

    /// `charge`: only the root is unlimited; a child draws on its own budget.
    /// Returns whether the charge succeeded and the state after it.
    func charge(_ s: SymbolicState, _ f: Expr, _ amount: Expr) throws(SMTError) -> (ok: Expr, state: SymbolicState) {
        let exists = try f.ne(v.none).and(s.life.select(ref(Kind.factory, f)).ne(v.b8(LifeValue.free)))
        let used = try s.used.select(f), sum = try used.bvadd(amount)
        let overflow = try sum.ult(used)
        let withinLimit = weakening.contains(.noLimitCheck) ? try v.truth(true) : try s.unlimited.select(f).or(sum.ule(s.limit.select(f)))
        let ok = try exists.and(overflow.not(), withinLimit)
        var r = s
        r.used = try s.used.store(f, sum)
        return (ok, try SymbolicState.ite(ok, r, s))
    }

    /// `refund`: `used -= min(amount, used)`; a deleted factory drained by it
    /// would be released in turn — that cascade is out of scope.
    func refund(_ s: SymbolicState, _ f: Expr, _ amount: Expr) throws(SMTError) -> Scoped {
        if weakening.contains(.noRefund) { return try Scoped(s, v) }
        let fref = try ref(Kind.factory, f)
        let exists = try f.ne(v.none).and(s.life.select(fref).ne(v.b8(LifeValue.free)))
        return try when(exists, s) { (s) throws(SMTError) in
            let used = try s.used.select(f)
            let next = try amount.ule(used).ite(used.bvsub(amount), v.b16(0))
            var r = s
            r.used = try s.used.store(f, next)
            let cascades = try s.life.select(fref).eq(v.b8(LifeValue.zombie)).and(next.eq(v.b16(0)))
            return Scoped(r, inScope: try cascades.not())
        }
    }

    /// `L4::Factory::create` (kernel-api §3.4): decode errors first (S right,
    /// a receive slot, a non-zero child limit, the slot within the bound), then
    /// charge before the target slot is touched, then displace the old cap
    /// with the delete flag and insert the new root cap with all rights.
    ///
    /// `entry` is the table entry the object gets (`Spec` takes the first free
    /// one; the proof allows any free one) and `tableFull` says none is free.
    func create(_ s: SymbolicState, task: Expr, factory f: Expr, rights: Expr, call: CreateCall) throws(SMTError) -> (Scoped, SymbolicOutcome) {
        let kind = call.kind.code
        var amount = try cost(v.b8(kind))
        var limitOverflow = try v.truth(false)
        if call.kind == .factory {
            let sum = try amount.bvadd(call.limit)
            limitOverflow = weakening.contains(.noLimitOverflowCheck) ? try v.truth(false) : try sum.ult(amount)
            amount = sum
        }
        let (charged, afterCharge) = try charge(s, f, amount)
        let newRef = try ref(kind, call.entry)
        var r = afterCharge
        r.life = try r.life.store(newRef, v.b8(LifeValue.live))
        r.counted = try r.counted.store(newRef, v.b8(0))
        r.quota = try r.quota.store(newRef, f)
        r.owner = try r.owner.store(newRef, s.owner.select(ref(Kind.task, task)))
        switch call.kind {
        case .factory:
            r.limit = try r.limit.store(call.entry, call.limit)
            r.used = try r.used.store(call.entry, v.b16(0))
            r.unlimited = try r.unlimited.store(call.entry, v.truth(false))
        case .thread: r = try freshThread(r, call.entry)
        case .gate:
            r.gateThread = try r.gateThread.store(call.entry, v.none)
            r.gateWaitHead = try r.gateWaitHead.store(call.entry, v.none)
            r.gateLabel = try r.gateLabel.store(call.entry, v.b16(0))
        case .irq:
            r.irqThread = try r.irqThread.store(call.entry, v.none)
            r = try setDelivery(r, call.entry, IrqDeliveryValue.idle, masked: false)
            r.irqLabel = try r.irqLabel.store(call.entry, v.b16(0))
        case .task: break
        }
        let displaced = try removeCap(r, task, call.slot, delete: v.truth(true))
        let flags = try v.b8(call.kind == .gate ? 0x3 : 0x1)
        let inserted = try insertCap(displaced.state, at(task, call.slot),
                                     SlotValue(kind: v.b8(kind), object: call.entry, rights: v.b8(0xF), flags: flags))
        // The displaced cap could only end the caller's own task by destroying
        // it, which is already out of scope; the live check is kept for fidelity.
        let taskLive = try isLive(displaced.state, ref(Kind.task, task))
        let performed = Scoped(inserted.state, inScope: try displaced.inScope.and(taskLive, inserted.inScope))

        let e = try SymbolicOutcome.error(Code.enomem, v)
        let steps: [(Expr, SymbolicOutcome)] = [
            (try has(rights, 0x2).not(), try .error(Code.eperm, v)),
            (try call.hasSlot.not(), try .ipc(Code.remsgcut, v)),
            (call.kind == .factory ? try call.limit.eq(v.b16(0)) : try v.truth(false), e),
            (try validSlot(s, call.slot).not(), e),
            (limitOverflow, e),
            (call.tableFull, e),
            (try charged.not(), e),
        ]
        return try firstFailure(steps, success: performed, unchanged: s)
    }

    /// `Spec.allocate` for a thread: dead, unbound, priority 1, no IPC state (kernel-api §3.2).
    func freshThread(_ s: SymbolicState, _ t: Expr) throws(SMTError) -> SymbolicState {
        var r = try clearStaged(s, t)
        r.threadTask = try s.threadTask.store(t, v.none)
        r.threadState = try s.threadState.store(t, v.b8(ThreadStateValue.dead))
        r.partner = try s.partner.store(t, v.none)
        r.pending = try s.pending.store(t, v.b8(PendingValue.none))
        r.replyTo = try s.replyTo.store(t, v.none)
        r.dying = try s.dying.store(t, v.b8(0))
        r.prio = try s.prio.store(t, v.b8(1))
        r.rcvLabel = try s.rcvLabel.store(t, v.b16(0))
        return r
    }

    /// The first failing check decides the result and leaves the state
    /// unchanged (kernel-api §1: decode errors never change the state).
    func firstFailure(_ checks: [(Expr, SymbolicOutcome)], success: Scoped, unchanged: SymbolicState) throws(SMTError) -> (Scoped, SymbolicOutcome) {
        var state = success.state, scope = success.inScope, outcome = try SymbolicOutcome.ok(v)
        for (failed, result) in checks.reversed() {
            state = try SymbolicState.ite(failed, unchanged, state)
            scope = try failed.ite(v.truth(true), scope)
            outcome = try SymbolicOutcome.ite(failed, result, outcome)
        }
        return (Scoped(state, inScope: scope), outcome)
    }
}

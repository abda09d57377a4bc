import SMT

/// One slot's four fields (`Spec.Slot`).
struct SlotValue {
    var kind: Expr
    var object: Expr
    var rights: Expr
    var flags: Expr
}

/// Object spaces (kernel-api §2, §5.2; Spec ObjectSpace.swift).
extension SymbolicKernel {
    public func validSlot(_ s: SymbolicState, _ index: Expr) throws(SMTError) -> Expr { try index.ult(s.slotBound) }

    func emptySlot() throws(SMTError) -> SlotValue {
        SlotValue(kind: try v.b8(0), object: try v.b8(0), rights: try v.b8(0), flags: try v.b8(0))
    }

    /// `Spec.KernelState.slot(_:_:)`: indices beyond the bound read as empty.
    func slot(_ s: SymbolicState, _ task: Expr, _ index: Expr) throws(SMTError) -> SlotValue {
        let raw = try rawSlot(s, at(task, index)), valid = try validSlot(s, index), e = try emptySlot()
        return SlotValue(kind: try valid.ite(raw.kind, e.kind), object: try valid.ite(raw.object, e.object),
                         rights: try valid.ite(raw.rights, e.rights), flags: try valid.ite(raw.flags, e.flags))
    }

    func write(_ s: SymbolicState, _ p: Expr, _ value: SlotValue) throws(SMTError) -> SymbolicState {
        var r = s
        r.refLedger = try refLedgerAfterWrite(s, p, old: rawSlot(s, p), new: value)
        r.slotKind = try s.slotKind.store(p, value.kind)
        r.slotObject = try s.slotObject.store(p, value.object)
        r.slotRights = try s.slotRights.store(p, value.rights)
        r.slotFlags = try s.slotFlags.store(p, value.flags)
        return r
    }

    func refOf(_ slot: SlotValue) throws(SMTError) -> Expr { try ref(slot.kind, slot.object) }

    /// `adjustCounted`: the counter saturates at 0 and 255 (Spec clamps); the
    /// scheduler has none.
    func adjustCounted(_ s: SymbolicState, _ ref: Expr, up: Bool) throws(SMTError) -> SymbolicState {
        var r = s
        let c = try s.counted.select(ref), one = try v.b8(1)
        let next = up ? try c.eq(v.b8(0xFF)).ite(c, c.bvadd(one)) : try c.eq(v.b8(0)).ite(c, c.bvsub(one))
        let isScheduler = try kindOf(ref).eq(v.b8(Kind.scheduler))
        r.counted = try isScheduler.ite(s.counted, s.counted.store(ref, next))
        return r
    }

    /// kernel-api §5.2 `insertCap`: the slot is filled and, if counted,
    /// counted. A counter already at 255 is out of scope: `Spec`'s 8-bit
    /// counter would saturate where Fiasco's machine word counts on (and
    /// `Spec`'s 32 slots never get there).
    func insertCap(_ s: SymbolicState, _ p: Expr, _ value: SlotValue) throws(SMTError) -> Scoped {
        let r = try write(s, p, value)
        let ref = try refOf(value)
        let counted = try has(value.flags, 0x1).and(kindOf(ref).ne(v.b8(Kind.scheduler)))
        let saturates = try counted.and(s.counted.select(ref).eq(v.b8(0xFF)))
        let countedUp = weakening.contains(.uncountedInsert) ? r : try adjustCounted(r, ref, up: true)
        return Scoped(try SymbolicState.ite(counted, countedUp, r), inScope: try saturates.not())
    }

    /// kernel-api §5.2 `removeCap`: with `delete` and D the object is
    /// destroyed; else the last counted release destroys it. A weak slot's
    /// removal needs "is any slot left?" — a count the encoding does not
    /// carry — so that path is out of scope.
    func removeCap(_ s: SymbolicState, _ task: Expr, _ index: Expr, delete: Expr) throws(SMTError) -> Scoped {
        let old = try slot(s, task, index)
        let present = try old.kind.ne(v.b8(0))
        return try when(present, s) { (s) throws(SMTError) in
            let cleared = try write(s, at(task, index), emptySlot())
            let ref = try refOf(old)
            let byDelete = try delete.and(has(old.rights, 0x8))
            let counted = try has(old.flags, 0x1)
            let viaDelete = try destroy(cleared, ref)
            let viaRelease = try releaseCounted(cleared, ref)
            let state = try SymbolicState.ite(byDelete, viaDelete.state, SymbolicState.ite(counted, viaRelease.state, cleared))
            let scope = try byDelete.ite(viaDelete.inScope, counted.ite(viaRelease.inScope, v.truth(false)))
            return Scoped(state, inScope: scope)
        }
    }

    /// kernel-api §5.2 — one counted reference less; the last one destroys.
    func releaseCounted(_ s: SymbolicState, _ ref: Expr) throws(SMTError) -> Scoped {
        let r = try adjustCounted(s, ref, up: false)
        let last = try kindOf(ref).eq(v.b8(Kind.scheduler)).or(r.counted.select(ref).eq(v.b8(0)))
        return try when(last, r) { (r) throws(SMTError) in try destroy(r, ref) }
    }

    /// kernel-api §5.3 step 1: every slot naming `ref` is emptied; its counter is 0.
    func clearAllSlots(_ s: SymbolicState, _ ref: Expr) throws(SMTError) -> SymbolicState {
        var r = s
        if !weakening.contains(.keepStaleSlots) {
            let i = try v.bound("i", v.bv16)
            let names = try s.slotKind.select(i).eq(kindOf(ref)).and(s.slotObject.select(i).eq(indexOf(ref)))
            let zero = try v.b8(0), ctx = v.context
            r.slotKind = try ctx.lambda([i], names.ite(zero, s.slotKind.select(i)))
            r.slotObject = try ctx.lambda([i], names.ite(zero, s.slotObject.select(i)))
            r.slotRights = try ctx.lambda([i], names.ite(zero, s.slotRights.select(i)))
            r.slotFlags = try ctx.lambda([i], names.ite(zero, s.slotFlags.select(i)))
            r.refLedger = try kindOf(ref).eq(v.b8(Kind.scheduler)).ite(s.refLedger, refLedgerWithout(s, ref))
        }
        r.counted = try kindOf(ref).eq(v.b8(Kind.scheduler)).ite(s.counted, s.counted.store(ref, v.b8(0)))
        return r
    }

    // MARK: - Queries (Task::sys_cap_valid / sys_caps_equal)

    func capValid(_ s: SymbolicState, _ task: Expr, _ index: Expr) throws(SMTError) -> Expr {
        try slot(s, task, index).kind.eq(v.b8(0)).ite(v.b8(0), v.b8(1))
    }

    /// Same object, same W/S bits and same interface view; two empty slots are equal.
    func capEqual(_ s: SymbolicState, _ task: Expr, _ a: Expr, _ b: Expr) throws(SMTError) -> Expr {
        let p = try slot(s, task, a), q = try slot(s, task, b)
        let bothEmpty = try p.kind.eq(v.b8(0)).and(q.kind.eq(v.b8(0)))
        let ws = try v.b8(0x3), server = try v.b8(0x2)
        let same = try p.kind.eq(q.kind).and(p.object.eq(q.object), p.rights.bvand(ws).eq(q.rights.bvand(ws)),
                                            p.flags.bvand(server).eq(q.flags.bvand(server)))
        return try a.eq(b).or(bothEmpty, same).ite(v.b8(1), v.b8(0))
    }
}

import SMT

/// The encoded system calls: `Spec.Invocation` cases of the capability,
/// memory and quota core, with order-0 flexpages (one slot or one page).
/// The operation family and the created kind are fixed per obligation; every
/// other argument is a term.
public enum SymbolicCall {
    /// `l4_task_map(dst, src, item, sndBase)`; `index` is the source slot/page.
    case map(MapCall)
    /// `l4_task_unmap(task, item, rights, scope)` with the delete flag.
    case unmap(UnmapCall)
    case create(CreateCall)
    case capValid(task: Expr, cap: Expr)
    case capEqual(task: Expr, a: Expr, b: Expr)
    /// IPC without a typed item (SymbolicIpc.swift).
    case ipc(IpcCall)
    case gateBind(GateBindCall)
    case exRegs(thread: Expr, cancel: Expr)
    case irq(IrqCall)

    public var name: String {
        switch self {
        case .ipc(let c): "ipc.\(c.kind.rawValue)"
        case .gateBind: "gate.bind_thread"
        case .exRegs: "thread.ex_regs"
        case .irq(let c): "irq.\(c.op.rawValue)"
        case .map(let m): m.space == .object ? "task.map(object)" : "task.map(memory)"
        case .unmap(let u): u.space == .object ? "task.unmap(object)" : "task.unmap(memory)"
        case .create(let c): "factory.create(\(c.kind))"
        case .capValid: "task.cap_valid"
        case .capEqual: "task.cap_equal"
        }
    }
}

public enum Space: Sendable { case object, memory }

public struct MapCall {
    public var space: Space
    public var dst: Expr, src: Expr, index: Expr, mask: Expr, sndBase: Expr
    public var grant: Expr, server: Expr, weak: Expr
    public init(space: Space, dst: Expr, src: Expr, index: Expr, mask: Expr, sndBase: Expr, grant: Expr, server: Expr, weak: Expr) {
        self.space = space
        self.dst = dst; self.src = src; self.index = index; self.mask = mask; self.sndBase = sndBase
        self.grant = grant; self.server = server; self.weak = weak
    }
}

public struct UnmapCall {
    public var space: Space
    public var task: Expr, index: Expr, rights: Expr, allSpaces: Expr, delete: Expr
    public init(space: Space, task: Expr, index: Expr, rights: Expr, allSpaces: Expr, delete: Expr) {
        self.space = space
        self.task = task; self.index = index; self.rights = rights; self.allSpaces = allSpaces; self.delete = delete
    }
}

public enum CreatedKind: String, Sendable, CaseIterable {
    case task, thread, gate, irq, factory
    public var code: UInt8 {
        switch self {
        case .task: Kind.task
        case .thread: Kind.thread
        case .gate: Kind.gate
        case .irq: Kind.irq
        case .factory: Kind.factory
        }
    }
}

public struct CreateCall {
    public var kind: CreatedKind
    public var factory: Expr, slot: Expr, hasSlot: Expr
    /// 16-bit child limit (factories only).
    public var limit: Expr
    /// The table entry the new object takes, and whether the table is full.
    public var entry: Expr, tableFull: Expr
    public init(kind: CreatedKind, factory: Expr, slot: Expr, hasSlot: Expr, limit: Expr, entry: Expr, tableFull: Expr) {
        self.kind = kind
        self.factory = factory; self.slot = slot; self.hasSlot = hasSlot; self.limit = limit
        self.entry = entry; self.tableFull = tableFull
    }
}

extension SymbolicKernel {
    /// One invocation by thread `caller` (which the scheduler made current,
    /// not dying, without a fault to retry — the event's preconditions). The
    /// caller's own thread record (staged message, result registers) is not
    /// part of the encoded state.
    public func step(_ s: SymbolicState, caller: Expr, _ call: SymbolicCall) throws(SMTError) -> SymbolicStep {
        let task = try s.threadTask.select(caller)
        switch call {
        case .ipc, .gateBind, .exRegs, .irq: return try ipcStep(s, caller: caller, task: task, call)
        default: break
        }
        let cap = try slot(s, task, targetSlot(call))
        let found = try found(s, task, cap)
        let wanted: UInt8 = if case .create = call { Kind.factory } else { Kind.task }
        let isOp = try cap.kind.eq(v.b8(wanted))
        // A thread or gate cap turns a foreign protocol into IPC (kernel-api §1 step 5): not encoded.
        let isIpc = try v.isOneOf(cap.kind, [Kind.thread, Kind.gate])
        let (done, outcome) = try perform(s, task: task, cap: cap, call)
        var state = try SymbolicState.ite(found.and(isOp), done.state, s)
        state.ledger = try reledgered(s, state, objects: touchedObjects(s, task: task, cap: cap, call))
        let result = try SymbolicOutcome.ite(found.not(), .ipc(Code.enotExistent, v),
                                             SymbolicOutcome.ite(isOp, outcome, .error(Code.ebadproto, v)))
        let scope = try found.not().or(isOp.and(done.inScope), isOp.not().and(isIpc.not()))
        return SymbolicStep(state: state, outcome: result, inScope: scope, deliveries: try .none(v))
    }

    func targetSlot(_ call: SymbolicCall) throws(SMTError) -> Expr {
        switch call {
        case .map(let m): m.dst
        case .unmap(let u): u.task
        case .create(let c): c.factory
        case .capValid(let t, _), .capEqual(let t, _, _): t
        case .ipc(let c): c.cap
        case .gateBind(let b): b.gate
        case .exRegs(let t, _): t
        case .irq(let c): c.cap
        }
    }

    func perform(_ s: SymbolicState, task: Expr, cap: SlotValue, _ call: SymbolicCall) throws(SMTError) -> (Scoped, SymbolicOutcome) {
        switch call {
        case .map(let m): return try taskMap(s, task: task, cap: cap, m)
        case .unmap(let u): return (try taskUnmap(s, object: cap.object, u), try .ok(v))
        case .create(let c): return try create(s, task: task, factory: cap.object, rights: cap.rights, call: c)
        case .capValid(_, let c): return (try Scoped(s, v), try .ok(value: capValid(s, cap.object, c), v))
        case .capEqual(_, let a, let b): return (try Scoped(s, v), try .ok(value: capEqual(s, cap.object, a, b), v))
        case .ipc, .gateBind, .exRegs, .irq: return (Scoped(s, inScope: try v.truth(false)), try .ok(v))   // ipcStep
        }
    }

    /// kernel-api §3.1 map: W on the destination task, a task capability as
    /// the source argument (else `-EINVAL`); S survives only if both caps carry it.
    func taskMap(_ s: SymbolicState, task: Expr, cap: SlotValue, _ m: MapCall) throws(SMTError) -> (Scoped, SymbolicOutcome) {
        let srcCap = try slot(s, task, m.src)
        let srcTask = srcCap.object, dstTask = cap.object
        let keepS = try has(cap.rights, 0x2).and(has(srcCap.rights, 0x2))
        let done: Scoped
        switch m.space {
        case .object:
            done = try mapObject(s, from: srcTask, m.index, to: dstTask, m.sndBase, mask: m.mask, keepS: keepS,
                                 grant: m.grant, server: m.server, weak: m.weak)
        case .memory:
            done = try Scoped(mapPage(s, from: srcTask, m.index, to: dstTask, m.sndBase, mask: m.mask, grant: m.grant), v)
        }
        let noWrite = try has(cap.rights, 0x1).not()
        let badSource = try srcCap.kind.ne(v.b8(Kind.task))
        return try firstFailure([(noWrite, .error(Code.eperm, v)), (badSource, .error(Code.einval, v))], success: done, unchanged: s)
    }

    /// `l4_task_unmap` (kernel-api §5.1, §5.2): objects change only with ALL_SPACES.
    func taskUnmap(_ s: SymbolicState, object task: Expr, _ u: UnmapCall) throws(SMTError) -> Scoped {
        switch u.space {
        case .memory:
            return try Scoped(unmapPage(s, task: task, u.index, rights: u.rights, allSpaces: u.allSpaces), v)
        case .object:
            let applies = try u.allSpaces.and(validSlot(s, u.index))
            let removed = try removeCap(s, task, u.index, delete: u.delete)
            let p = try at(task, u.index)
            var lowered = s
            let present = try s.slotKind.select(p).ne(v.b8(0))
            let keep = try u.rights.bvand(v.b8(0xB)).bvnot()
            lowered.slotRights = try present.ite(s.slotRights.store(p, s.slotRights.select(p).bvand(keep)), s.slotRights)
            let byR = try has(u.rights, 0x4)
            let state = try SymbolicState.ite(applies, SymbolicState.ite(byR, removed.state, lowered), s)
            return Scoped(state, inScope: try applies.and(byR).implies(removed.inScope))
        }
    }

    /// kernel-api §4.5–§4.7 for object caps: flat copies; the overmap rules of §4.6.
    func mapObject(_ s: SymbolicState, from st: Expr, _ si: Expr, to dt: Expr, _ di: Expr, mask: Expr, keepS: Expr,
                   grant: Expr, server: Expr, weak: Expr) throws(SMTError) -> Scoped {
        let src = try slot(s, st, si)
        let masked = weakening.contains(.noRightsMask) ? src.rights : try src.rights.bvand(mask)
        let rights = try keepS.ite(masked, masked.bvand(v.b8(0xFD)))
        let proceeds = try validSlot(s, si).and(validSlot(s, di), src.kind.ne(v.b8(0)), has(rights, 0x4))
        let selfMap = try st.eq(dt).and(si.eq(di))
        let displaced = try removeCap(s, dt, di, delete: v.truth(true))
        let placed = try insertMapped(displaced.state, src: src, st, si, dt, di, rights: rights, grant: grant, server: server, weak: weak)
        let state = try SymbolicState.ite(selfMap, displaced.state, placed.state)
        // Out of scope: two objects freed by one map — the displaced cap's,
        // and the source's when a weak grant releases its last counted
        // reference. Two refunds in one step make the exact-accounting
        // proofs minutes long; the explorer checks this path.
        let displacedRef = try refOf(slot(s, dt, di)), srcRef = try refOf(src)
        let twoFreed = try freed(s, displaced.state, displacedRef).and(freed(displaced.state, placed.state, srcRef))
        let scope = try displaced.inScope.and(selfMap.or(placed.inScope.and(twoFreed.not())))
        return Scoped(try SymbolicState.ite(proceeds, state, s), inScope: try proceeds.implies(scope))
    }

    /// Whether `ref` was allocated in `before` and is free or a zombie in `after`.
    func freed(_ before: SymbolicState, _ after: SymbolicState, _ ref: Expr) throws(SMTError) -> Expr {
        try isLive(before, ref).and(isLive(after, ref).not())
    }

    /// The insertion half of `mapObject`, after the displaced cap is gone:
    /// nothing if the destination task or the source slot vanished meanwhile.
    func insertMapped(_ s: SymbolicState, src: SlotValue, _ st: Expr, _ si: Expr, _ dt: Expr, _ di: Expr, rights: Expr,
                      grant: Expr, server: Expr, weak: Expr) throws(SMTError) -> Scoped {
        let now = try slot(s, st, si)
        let intact = try isLive(s, ref(Kind.task, dt)).and(now.kind.eq(src.kind), now.object.eq(src.object))
        let nowCounted = try has(now.flags, 0x1)
        let counted = try nowCounted.and(weak.not())
        let keepServer = try has(now.flags, 0x2).and(server)
        let flags = try counted.ite(v.b8(1), v.b8(0)).bvor(keepServer.ite(v.b8(2), v.b8(0)))
        let value = SlotValue(kind: now.kind, object: now.object, rights: try rights.bvor(v.b8(0x4)), flags: flags)
        let inserted = try insertCap(s, at(dt, di), value)
        let moves = weakening.contains(.grantKeepsSource) ? try v.truth(false) : grant
        let moved = try write(inserted.state, at(st, si), emptySlot())
        let released = try when(nowCounted, moved) { (m) throws(SMTError) in try releaseCounted(m, refOf(now)) }
        let state = try SymbolicState.ite(moves, released.state, inserted.state)
        let scope = try inserted.inScope.and(moves.implies(released.inScope))
        return Scoped(try SymbolicState.ite(intact, state, s), inScope: try intact.implies(scope))
    }
}

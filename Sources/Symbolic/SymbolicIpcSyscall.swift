import SMT

/// The encoded IPC invocations (Spec Syscall.swift `perform`, `invokeIpc`,
/// `receive`; kernel-api §6.1) and the two thread/gate operations that
/// change IPC state: `gate.bind_thread` and `thread.ex_regs`.
public enum IpcKind: String, Sendable, CaseIterable {
    case send, call, receive, wait, reply, replyAndWait = "reply_and_wait", sleep
}

public struct IpcCall {
    public var kind: IpcKind
    /// The invoked slot (send, call, receive).
    public var cap: Expr
    public var label: Expr
    public var sendNever: Expr, receiveNever: Expr
    /// The sender an open wait takes (none: nobody is queued).
    public var picked: Expr
    /// Whether the addressed receiver, if in open wait, has nobody queued ahead.
    public var peerQueueEmpty: Expr
    public init(kind: IpcKind, cap: Expr, label: Expr, sendNever: Expr, receiveNever: Expr, picked: Expr, peerQueueEmpty: Expr) {
        self.kind = kind
        self.cap = cap; self.label = label; self.sendNever = sendNever; self.receiveNever = receiveNever
        self.picked = picked; self.peerQueueEmpty = peerQueueEmpty
    }
}

/// KOBJECT op 0x10 (bind): `gate.bind_thread` on a gate, `irq.bind` on an Irq.
public struct GateBindCall {
    public var gate: Expr, thread: Expr, hasThread: Expr, label: Expr
    /// An Irq with a delivery outstanding is delivered to the new thread at once:
    /// whether that thread, if in open wait, has nobody queued ahead.
    public var peerQueueEmpty: Expr
    public init(gate: Expr, thread: Expr, hasThread: Expr, label: Expr, peerQueueEmpty: Expr) {
        self.gate = gate; self.thread = thread; self.hasThread = hasThread; self.label = label; self.peerQueueEmpty = peerQueueEmpty
    }
}

extension SymbolicKernel {
    /// An IPC-family invocation by the running thread `caller`; afterwards,
    /// as `Spec.apply` does, a caller that did not block has nothing pending
    /// and no staged message.
    func ipcStep(_ s: SymbolicState, caller t: Expr, task: Expr, _ call: SymbolicCall) throws(SMTError) -> SymbolicStep {
        var path: IpcPath
        switch call {
        case .ipc(let c): path = try ipc(s, t, task: task, c)
        case .gateBind(let b): path = try gateBind(s, t, task: task, b)
        case .exRegs(let thread, let cancel): path = try exRegs(s, t, task: task, slot: thread, cancel: cancel)
        case .irq(let c): path = try irqOp(s, t, task: task, c)
        default: path = try IpcPath(s, .ok(v), inScope: v.truth(false), .none(v))
        }
        // `Spec.lookup` failing ends every invocation that names a cap the same way.
        if namesCap(call) {
            path = try .ite(found(s, task, slot(s, task, targetSlot(call))).not(), IpcPath(s, .ipc(Code.enotExistent, v), v), path)
        }
        var settled = path.state
        settled.pending = try path.state.pending.store(t, v.b8(PendingValue.none))
        settled = try clearStaged(settled, t)
        let blocked = try path.outcome.kind.eq(v.b8(0))
        return SymbolicStep(state: try SymbolicState.ite(blocked, path.state, settled), outcome: path.outcome,
                            inScope: path.inScope, deliveries: path.deliveries)
    }

    /// Whether the invocation addresses a capability (the others act on the caller itself).
    func namesCap(_ call: SymbolicCall) -> Bool {
        if case .ipc(let c) = call { return [.send, .call, .receive].contains(c.kind) }
        return true
    }

    func ipc(_ s: SymbolicState, _ t: Expr, task: Expr, _ c: IpcCall) throws(SMTError) -> IpcPath {
        switch c.kind {
        case .send, .call:
            return try invoke(s, t, task: task, c, pending: c.kind == .send ? PendingValue.send : PendingValue.call)
        case .receive:
            return try receive(s, t, task: task, c)
        case .wait:
            return try receivePhase(s, t, from: v.none, receiveNever: c.receiveNever, picked: c.picked)
        case .sleep:
            return try receivePhase(s, t, from: t, receiveNever: c.receiveNever, picked: v.none)
        case .reply:
            return try reply(s, t, label: c.label, queueEmpty: c.peerQueueEmpty)
        case .replyAndWait:
            let replied = try reply(s, t, label: c.label, queueEmpty: c.peerQueueEmpty)
            var waited = try receivePhase(replied.state, t, from: v.none, receiveNever: c.receiveNever, picked: c.picked)
            waited.deliveries.sent = replied.deliveries.sent
            waited.deliveries.sentIsReply = replied.deliveries.sentIsReply
            waited.inScope = try waited.inScope.and(replied.inScope)
            return try .ite(replied.outcome.isOk(v), waited, replied)   // a failed send skips the receive phase
        }
    }

    /// `Spec.invokeIpc`: through a thread or gate cap; any other object
    /// answers a foreign label with `-EBADPROTO` (a send-only one drops it).
    func invoke(_ s: SymbolicState, _ t: Expr, task: Expr, _ c: IpcCall, pending: UInt8) throws(SMTError) -> IpcPath {
        let cap = try slot(s, task, c.cap)
        let staged = try stage(s, t, label: c.label, rights: cap.rights, pending: pending, receiveZero: c.receiveNever.not())
        let toThread = try sendPhase(staged, t, to: cap.object, sendNever: c.sendNever, queueEmpty: c.peerQueueEmpty)
        let toGate = try invokeGate(staged, t, cap.object, rights: cap.rights, sendNever: c.sendNever, queueEmpty: c.peerQueueEmpty)
        var other = try IpcPath(staged, pending == PendingValue.send ? .ok(v) : .error(Code.ebadproto, v), v)
        if weakening.contains(.anyCapSends) { other = toThread }
        return try .ite(cap.kind.eq(v.b8(Kind.thread)), toThread, .ite(cap.kind.eq(v.b8(Kind.gate)), toGate,
                        .ite(cap.kind.eq(v.b8(Kind.task)), IpcPath(staged, .error(Code.ebadproto, v), v), other)))
    }

    /// `Spec.receive`: closed wait on a thread or Irq; through a gate on its
    /// bound thread; on a factory or the scheduler a sleep.
    func receive(_ s: SymbolicState, _ t: Expr, task: Expr, _ c: IpcCall) throws(SMTError) -> IpcPath {
        let cap = try slot(s, task, c.cap)
        let none = try v.none
        let fromThread = try receivePhase(s, t, from: cap.object, receiveNever: c.receiveNever, picked: none)
        let fromIrq = try receivePhase(s, t, from: v.b8(0x80).bvor(cap.object), receiveNever: c.receiveNever, picked: none)
        let staged = try stage(s, t, label: v.b16(0), rights: cap.rights, pending: PendingValue.receive, receiveZero: c.receiveNever.not())
        let viaGate = try invokeGate(staged, t, cap.object, rights: cap.rights, sendNever: c.receiveNever, queueEmpty: c.peerQueueEmpty)
        let sleep = try receivePhase(s, t, from: t, receiveNever: c.receiveNever, picked: none)
        let kind = cap.kind
        return try .ite(kind.eq(v.b8(Kind.thread)), fromThread, .ite(kind.eq(v.b8(Kind.irq)), fromIrq,
                        .ite(kind.eq(v.b8(Kind.gate)), viaGate, .ite(kind.eq(v.b8(Kind.task)), IpcPath(s, .error(Code.ebadproto, v), v), sleep))))
    }

    /// `Spec.lookup` succeeded: the caller's task is live and the slot holds a cap.
    func found(_ s: SymbolicState, _ task: Expr, _ cap: SlotValue) throws(SMTError) -> Expr {
        try task.ne(v.none).and(isLive(s, ref(Kind.task, task)), cap.kind.ne(v.b8(0)))
    }

    // MARK: - gate.bind_thread (kernel-api §3.3, KOBJECT op 0x10)

    /// Through the gate's server view, or on an Irq (SymbolicIrq.swift); a
    /// thread cap or a plain gate cap would carry the operation as IPC: not
    /// encoded. Checks in the kernel's order, then `Spec.bindGate` without
    /// blocked senders to re-run.
    func gateBind(_ s: SymbolicState, _ t: Expr, task: Expr, _ b: GateBindCall) throws(SMTError) -> IpcPath {
        let cap = try slot(s, task, b.gate)
        let arg = try slot(s, task, b.thread)
        let g = cap.object, x = arg.object, old = try s.gateThread.select(g)
        var bound = s
        bound.gateThread = try s.gateThread.store(g, x)
        bound.gateLabel = try s.gateLabel.store(g, b.label)
        // The old thread's entry may be freed when it was deleted (Spec.freeThreadIfUnreferenced); waiters re-run their IPC.
        let scope = try s.gateWaitHead.select(g).eq(v.none).and(old.eq(v.none).or(old.eq(x), isLive(s, ref(Kind.thread, old))))
        let noS = weakening.contains(.bindWithoutS) ? try v.truth(false) : try has(cap.rights, 0x2).not()
        let checks: [(Expr, SymbolicOutcome)] = [
            (noS, try .error(Code.eperm, v)),
            (try b.label.bvand(v.b16(0x3)).ne(v.b16(0)), try .error(Code.einval, v)),
            (try b.hasThread.not().or(arg.kind.ne(v.b8(Kind.thread))), try .error(Code.einval, v)),
            (try has(arg.rights, 0x2).not(), try .error(Code.eperm, v)),
        ]
        let (done, outcome) = try firstFailure(checks, success: Scoped(bound, inScope: scope), unchanged: s)
        let kernelOp = try cap.kind.eq(v.b8(Kind.gate)).and(has(cap.flags, 0x2))
        let refused = try v.isOneOf(cap.kind, [Kind.task, Kind.factory, Kind.scheduler])
        return try .ite(kernelOp, IpcPath(done.state, outcome, inScope: done.inScope, .none(v)),
                        .ite(cap.kind.eq(v.b8(Kind.irq)), irqBindOp(s, cap: cap, arg: arg, b),
                             IpcPath(s, .error(Code.ebadproto, v), inScope: refused, .none(v))))
    }

    // MARK: - thread.ex_regs (kernel-api §3.2)

    /// `Spec.performExRegs`: starts a dead thread; with `cancel`, aborts the
    /// IPC the target is blocked in (`cancelIpc`, `endReceive`).
    func exRegs(_ s: SymbolicState, _ t: Expr, task: Expr, slot index: Expr, cancel: Expr) throws(SMTError) -> IpcPath {
        let cap = try slot(s, task, index)
        let x = cap.object
        let applies = try isLive(s, ref(Kind.thread, x)).and(s.dying.select(x).eq(v.b8(0)))
        let started = try finish(s, x)
        var dequeued = s
        if !weakening.contains(.cancelKeepsQueued) { dequeued.queuedAt = try s.queuedAt.store(x, v.b16(0)) }
        // Leaving a gate's wait queue at its head would need the next waiter: not encoded.
        let gateHeadStays = try state(s, x, is: ThreadStateValue.onGate).implies(s.gateWaitHead.select(s.partner.select(x)).ne(x))
        let (ended, endScope) = try endReceive(s, x)
        let receiving = try state(s, x, is: ThreadStateValue.receiving)
        let blocked = try v.isOneOf(s.threadState.select(x), [ThreadStateValue.sending, ThreadStateValue.receiving, ThreadStateValue.onGate])
        let cancelled = try finish(SymbolicState.ite(receiving, ended, dequeued), x)
        let performed = try SymbolicState.ite(state(s, x, is: ThreadStateValue.dead), started,
                                              SymbolicState.ite(cancel.and(blocked), cancelled, s))
        let scope = try senderIndex(x).and(applies.and(cancel, blocked).implies(receiving.ite(endScope, gateHeadStays)))
        let op = IpcPath(try SymbolicState.ite(applies, performed, s), try .ok(v), inScope: scope, try .none(v))
        let refused = try v.isOneOf(cap.kind, [Kind.task, Kind.factory, Kind.scheduler, Kind.irq])
        return try .ite(cap.kind.eq(v.b8(Kind.thread)), op, IpcPath(s, .error(Code.ebadproto, v), inScope: refused, .none(v)))
    }

    /// `Spec.endReceive`: the callee's reply slot naming `x` is cleared. A
    /// wait on a deleted callee or a deleted Irq may free it: not encoded.
    func endReceive(_ s: SymbolicState, _ x: Expr) throws(SMTError) -> (SymbolicState, Expr) {
        let callee = try s.partner.select(x)
        let onThread = try callee.ne(v.none).and(callee.ult(v.b8(0x80)), callee.ne(x))
        let onIrq = try callee.ne(v.none).and(callee.ult(v.b8(0x80)).not())
        var r = s
        r.replyTo = try s.replyTo.select(callee).eq(x).ite(s.replyTo.store(callee, v.none), s.replyTo)
        r.partner = try s.partner.store(x, v.none)
        var unwaited = s
        unwaited.partner = try s.partner.store(x, v.none)
        let irqLive = try isLive(s, ref(Kind.irq, callee.bvand(v.b8(0x7F))))
        let scope = try onThread.ite(isLive(s, ref(Kind.thread, callee)), onIrq.implies(irqLive))
        return (try SymbolicState.ite(onThread, r, SymbolicState.ite(onIrq, unwaited, s)), scope)
    }
}

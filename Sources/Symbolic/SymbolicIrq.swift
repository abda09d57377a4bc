import SMT

/// Irq objects (kernel-api §3.6, §7; Spec Irq.swift): bind, trigger,
/// receive, unmask, detach. Edge-triggered: one outstanding delivery per
/// Irq, hits while queued coalesce, a hit while unbound stays pending.
/// Hardware lines (`irqLine` events, which hit every Irq on a line) are not
/// encoded.
public enum IrqOp: String, Sendable, CaseIterable {
    case trigger, detach, unmask, receive
}

public struct IrqCall {
    public var op: IrqOp
    public var cap: Expr
    public var receiveNever: Expr
    /// Whether the bound thread, if in open wait, has nobody queued ahead.
    public var peerQueueEmpty: Expr
    public init(op: IrqOp, cap: Expr, receiveNever: Expr, peerQueueEmpty: Expr) {
        self.op = op; self.cap = cap; self.receiveNever = receiveNever; self.peerQueueEmpty = peerQueueEmpty
    }
}

/// `Spec.IrqDelivery` raw values.
public enum IrqDeliveryValue {
    public static let idle: UInt8 = 0, queued: UInt8 = 1, pending: UInt8 = 2
}

extension SymbolicKernel {
    /// Irq `i` in sender encoding.
    func irqSender(_ i: Expr) throws(SMTError) -> Expr { try v.b8(0x80).bvor(i) }

    /// `Spec.receiveIrqMessage`: no words, the Irq's label; consuming it unmasks.
    func receiveIrqMessage(_ s: SymbolicState, _ i: Expr, at t: Expr) throws(SMTError) -> SymbolicState {
        var r = s
        r.rcvLabel = try s.rcvLabel.store(t, s.irqLabel.select(i))
        r.irqDelivery = try s.irqDelivery.store(i, v.b8(IrqDeliveryValue.idle))
        r.irqMasked = try s.irqMasked.store(i, v.b8(0))
        return r
    }

    func setDelivery(_ s: SymbolicState, _ i: Expr, _ d: UInt8, masked: Bool? = nil) throws(SMTError) -> SymbolicState {
        var r = s
        r.irqDelivery = try s.irqDelivery.store(i, v.b8(d))
        if let masked { r.irqMasked = try s.irqMasked.store(i, v.b8(masked ? 1 : 0)) }
        return r
    }

    /// `Spec.deliverIrq`: at once to a thread waiting for it, else queued at
    /// priority 255; a bound thread that cannot receive leaves it pending.
    func deliverIrq(_ s: SymbolicState, _ i: Expr, queueEmpty: Expr) throws(SMTError) -> IpcPath {
        let r = try s.irqThread.select(i), x = try irqSender(i)
        let stuck = try setDelivery(s, i, IrqDeliveryValue.pending, masked: true)
        var taken = try IpcPath(finish(receiveIrqMessage(s, i, at: r), r), .ok(v), v)
        taken.deliveries.fired = Delivery(happened: try v.truth(true), from: x, to: r, label: try s.irqLabel.select(i))
        var queued = weakening.contains(.irqQueueUnmarked) ? s : try setDelivery(s, i, IrqDeliveryValue.queued)
        queued.queuedAt = try s.queuedAt.store(x, ref(Kind.thread, r))
        return try .ite(canReceive(s, r).not(), IpcPath(stuck, .ok(v), v),
                        .ite(accepts(s, r, from: x, queueEmpty: queueEmpty), taken, IpcPath(queued, .ok(v), v)))
    }

    /// `Spec.hitIrq`: unbound → pending and masked; queued → coalesced.
    func hitIrq(_ s: SymbolicState, _ i: Expr, queueEmpty: Expr) throws(SMTError) -> IpcPath {
        let delivery = try s.irqDelivery.select(i)
        let masked = try s.irqMasked.store(i, v.b8(1))
        var coalesced = s
        coalesced.irqMasked = masked
        return try .ite(isLive(s, ref(Kind.irq, i)).not(), IpcPath(s, .ok(v), v),
                        .ite(s.irqThread.select(i).eq(v.none), IpcPath(setDelivery(s, i, IrqDeliveryValue.pending, masked: true), .ok(v), v),
                             .ite(delivery.eq(v.b8(IrqDeliveryValue.queued)), IpcPath(coalesced, .ok(v), v), deliverIrq(s, i, queueEmpty: queueEmpty))))
    }

    /// `Spec.detachIrq`: withdraws a queued delivery and unbinds. Freeing a
    /// deleted thread it pinned is not encoded.
    func detachIrq(_ s: SymbolicState, _ i: Expr) throws(SMTError) -> Scoped {
        let t = try s.irqThread.select(i)
        var r = try setDelivery(s, i, IrqDeliveryValue.idle, masked: true)
        r.irqThread = try s.irqThread.store(i, v.none)
        if !weakening.contains(.detachKeepsQueued) {
            r.queuedAt = try s.irqDelivery.select(i).eq(v.b8(IrqDeliveryValue.queued)).ite(s.queuedAt.store(irqSender(i), v.b16(0)), s.queuedAt)
        }
        let stays = try life(s, ref(Kind.thread, t)).ne(v.b8(LifeValue.zombie))
        return Scoped(try SymbolicState.ite(t.eq(v.none), s, r), inScope: try t.eq(v.none).or(stays))
    }

    /// `Spec.performBindIrq`: re-binding moves a queued delivery; an
    /// outstanding one is delivered to the new thread.
    func bindIrq(_ s: SymbolicState, _ i: Expr, to t: Expr, label: Expr, queueEmpty: Expr) throws(SMTError) -> IpcPath {
        let old = try s.irqThread.select(i)
        let outstanding = try s.irqDelivery.select(i).ne(v.b8(IrqDeliveryValue.idle))
        var r = try setDelivery(s, i, IrqDeliveryValue.idle)
        r.queuedAt = try s.irqDelivery.select(i).eq(v.b8(IrqDeliveryValue.queued)).and(old.ne(v.none))
            .ite(s.queuedAt.store(irqSender(i), v.b16(0)), s.queuedAt)
        r.irqThread = try s.irqThread.store(i, t)
        r.irqLabel = try s.irqLabel.store(i, label)
        var path = try IpcPath.ite(outstanding, deliverIrq(r, i, queueEmpty: queueEmpty), IpcPath(r, .ok(v), v))
        let freesOld = try old.ne(v.none).and(old.ne(t), life(s, ref(Kind.thread, old)).eq(v.b8(LifeValue.zombie)))
        path.inScope = try path.inScope.and(freesOld.not())
        return path
    }

    /// KOBJECT op 0x10 on an Irq (`Spec.decodeBindIrq`): S on the Irq and on the thread, any label.
    func irqBindOp(_ s: SymbolicState, cap: SlotValue, arg: SlotValue, _ b: GateBindCall) throws(SMTError) -> IpcPath {
        let bound = try bindIrq(s, cap.object, to: arg.object, label: b.label, queueEmpty: b.peerQueueEmpty)
        let checks: [(Expr, SymbolicOutcome)] = [
            (try has(cap.rights, 0x2).not(), try .error(Code.eperm, v)),
            (try b.hasThread.not().or(arg.kind.ne(v.b8(Kind.thread))), try .error(Code.einval, v)),
            (try has(arg.rights, 0x2).not(), try .error(Code.eperm, v)),
        ]
        var failed = try v.truth(false), outcome = bound.outcome
        for (bad, result) in checks.reversed() { outcome = try SymbolicOutcome.ite(bad, result, outcome) }
        for (bad, _) in checks { failed = try failed.or(bad) }
        return IpcPath(try SymbolicState.ite(failed, s, bound.state), outcome, inScope: try failed.or(bound.inScope.and(senderIndex(cap.object))),
                       try Deliveries.ite(failed, .none(v), bound.deliveries))
    }

    /// Sender encodings reserve bit 7 for Irqs, so an Irq or thread that
    /// queues as a sender must have an index below 0x80 (`Spec`'s tables
    /// hold 2 Irqs and 6 threads); larger indices are outside the encoding.
    func senderIndex(_ i: Expr) throws(SMTError) -> Expr { try i.ult(v.b8(0x80)) }

    /// The IRQ protocol on an Irq cap (kernel-api §7); on a thread or gate
    /// cap it would be IPC (not encoded); other objects drop a send-only
    /// operation and answer the others with `-EBADPROTO`.
    func irqOp(_ s: SymbolicState, _ t: Expr, task: Expr, _ c: IrqCall) throws(SMTError) -> IpcPath {
        let cap = try slot(s, task, c.cap)
        let i = cap.object
        let op: IpcPath
        switch c.op {
        case .trigger: op = try hitIrq(s, i, queueEmpty: c.peerQueueEmpty)
        case .unmask: op = try IpcPath(unmask(s, i), .ok(v), v)
        case .receive: op = try receivePhase(unmask(s, i), t, from: irqSender(i), receiveNever: c.receiveNever, picked: v.none)
        case .detach:
            let detached = try detachIrq(s, i)
            let value = try s.irqDelivery.select(i).ne(v.b8(IrqDeliveryValue.idle)).ite(v.b8(1), v.b8(0))
            let checks: [(Expr, SymbolicOutcome)] = [(try has(cap.rights, 0x2).not(), try .error(Code.eperm, v)),
                                                     (try s.irqThread.select(i).eq(v.none), try .error(Code.enoent, v))]
            let (done, outcome) = try firstFailure(checks, success: detached, unchanged: s)
            let result = try SymbolicOutcome.ite(outcome.isOk(v), .ok(value: value, v), outcome)
            op = IpcPath(done.state, result, inScope: done.inScope, try .none(v))
        }
        let sendOnly = c.op == .trigger || c.op == .unmask
        let other = try IpcPath(s, sendOnly ? .ok(v) : .error(Code.ebadproto, v), inScope: v.isOneOf(cap.kind, [Kind.factory, Kind.scheduler]), .none(v))
        var irqOp = op
        irqOp.inScope = try op.inScope.and(senderIndex(i))
        return try .ite(cap.kind.eq(v.b8(Kind.irq)), irqOp, .ite(cap.kind.eq(v.b8(Kind.task)), IpcPath(s, .error(Code.ebadproto, v), v), other))
    }

    /// `Spec.performUnmask`: only when nothing is queued or pending.
    func unmask(_ s: SymbolicState, _ i: Expr) throws(SMTError) -> SymbolicState {
        var r = s
        let idle = weakening.contains(.unmaskAlways) ? try v.truth(true) : try s.irqDelivery.select(i).eq(v.b8(IrqDeliveryValue.idle))
        r.irqMasked = try idle.ite(s.irqMasked.store(i, v.b8(0)), s.irqMasked)
        return r
    }
}

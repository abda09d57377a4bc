import SMT
import Symbolic

/// Symbolic forms of the IPC properties (properties.md §5, §1.2) over the
/// encoded IPC fields (SymbolicIpc.swift). Sender queues are a membership
/// function, so IPC-3's duplicate-freedom holds by construction of the
/// encoding and the list shape (no cycle, no dangling link) is the
/// explorer's part of IPC-3.
extension SymbolicInvariants {
    static func isThread(_ x: Expr, _ v: Vocabulary) throws(SMTError) -> Expr { try x.ult(v.b8(0x80)) }

    static let ipc3 = SymbolicInvariant(
        id: "IPC-3", title: "a thread is in r's sender queue iff sending to r, in g's wait queue iff blocked on g, else in none; queued threads exist",
        strengthening: false, bound: [.thread]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel, v = p.v, t = x[0]
        let st = try s.threadState.select(t), partner = try s.partner.select(t), q = try s.queuedAt.select(t)
        let expected = try st.eq(v.b8(ThreadStateValue.sending)).ite(k.ref(Kind.thread, partner),
                                                                    st.eq(v.b8(ThreadStateValue.onGate)).ite(k.ref(Kind.gate, partner), v.b16(0)))
        let exists = try q.ne(v.b16(0)).implies(s.life.select(k.ref(Kind.thread, t)).ne(v.b8(LifeValue.free)))
        return try isThread(t, v).implies(q.eq(expected).and(exists))
    }

    static let irq1 = SymbolicInvariant(
        id: "IRQ-1", title: "an Irq is queued iff in the sender list of its bound thread, which exists and is not dead; pending ⇒ masked; a bound thread exists; a free Irq is idle and unbound (lines: explorer only)",
        strengthening: false, bound: [.thread]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel, v = p.v, sender = x[0], i = try sender.bvand(v.b8(0x7F))
        let d = try s.irqDelivery.select(i), r = try s.irqThread.select(i), q = try s.queuedAt.select(sender)
        let queued = try d.eq(v.b8(IrqDeliveryValue.queued))
        let listed = try queued.ite(r.ne(v.none).and(q.eq(k.ref(Kind.thread, r)), s.threadState.select(r).ne(v.b8(ThreadStateValue.dead))),
                                    q.eq(v.b16(0)))
        // A queued Irq need not be masked: Spec masks on a coalescing hit, not on queueing.
        let masked = try d.eq(v.b8(IrqDeliveryValue.pending)).implies(s.irqMasked.select(i).ne(v.b8(0)))
        let exists = try r.ne(v.none).implies(s.life.select(k.ref(Kind.thread, r)).ne(v.b8(LifeValue.free)))
        let free = try s.life.select(k.ref(Kind.irq, i)).eq(v.b8(LifeValue.free)).implies(d.eq(v.b8(IrqDeliveryValue.idle)).and(r.eq(v.none)))
        return try isThread(sender, v).not().implies(listed.and(masked, exists, free, d.ule(v.b8(IrqDeliveryValue.pending))))
    }

    static let noneIsFree = SymbolicInvariant(
        id: "AUX-NONE", title: "entry 0xFF of every table (\"none\") never holds an object", strengthening: true, bound: [.object]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel, v = p.v
        let none = try k.indexOf(x[0]).eq(v.none).and(k.kindOf(x[0]).ne(v.b8(Kind.scheduler)))
        return try none.implies(s.life.select(x[0]).eq(v.b8(LifeValue.free)))
    }

    static let dyingReady = SymbolicInvariant(
        id: "AUX-DYING", title: "a dying thread is ready: killing it cancelled its IPC (Spec kill), its teardown runs when it next runs",
        strengthening: true, bound: [.thread]
    ) { (p, s, x) throws(SMTError) in
        let v = p.v
        return try s.dying.select(x[0]).ne(v.b8(0)).implies(s.threadState.select(x[0]).eq(v.b8(ThreadStateValue.ready)))
    }

    static let ipc4 = SymbolicInvariant(
        id: "IPC-4", title: "a reply slot names another thread, in closed wait on its holder in a call; no two slots name one caller",
        strengthening: false, bound: [.thread, .thread]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel, v = p.v, callee = x[0], other = x[1]
        let c = try s.replyTo.select(callee)
        let holds = try isThread(callee, v).and(c.ne(v.none))
        let pending = try s.pending.select(c)
        let waits = try s.threadState.select(c).eq(v.b8(ThreadStateValue.receiving)).and(
            s.partner.select(c).eq(callee), pending.eq(v.b8(PendingValue.call)).or(pending.eq(v.b8(PendingValue.pageFault))))
        // properties.md §8 exempts pairs with a teardown pending; `Spec` cancels
        // a killed thread's IPC at once (SpecTests' known issue on deferred
        // teardown), so here the caller waits whether or not either is dying.
        let exists = try s.life.select(k.ref(Kind.thread, c)).ne(v.b8(LifeValue.free))
        let unique = try isThread(other, v).and(other.ne(callee)).implies(s.replyTo.select(other).ne(c))
        return try holds.implies(exists.and(waits, unique, c.ne(callee)))
    }
}

extension SymbolicTransitions {
    /// The messages of this step came along an authorised channel, and a
    /// thread joins r's sender queue only by its own send with authority.
    static func ipc1Channels(_ p: ProofSetting, _ t: TransitionView, _ x: Expr) throws(SMTError) -> Expr {
        let k = p.kernel, v = p.v, d = t.step.deliveries, caller = t.caller
        let sent = try d.sent.happened.implies(d.sent.from.eq(caller).and(d.sentIsReply.implies(t.pre.replyTo.select(caller).eq(d.sent.to))))
        let received = try d.received.happened.implies(d.received.to.eq(caller).and(
            t.pre.queuedAt.select(d.received.from).eq(k.ref(Kind.thread, caller))))
        // An Irq joins only its bound thread's queue, and fires only to it.
        let f = d.fired, irq = try x.bvand(v.b8(0x7F))
        let joins = try joinsThreadQueue(p, t, x).implies(SymbolicInvariants.isThread(x, v).ite(
            x.eq(caller), t.post.queuedAt.select(x).eq(k.ref(Kind.thread, t.post.irqThread.select(irq)))))
        let fired = try f.happened.implies(f.from.ult(v.b8(0x80)).not().and(f.to.eq(t.post.irqThread.select(f.from.bvand(v.b8(0x7F))))))
        return try sent.and(received, joins, fired)
    }

    static func joinsThreadQueue(_ p: ProofSetting, _ t: TransitionView, _ x: Expr) throws(SMTError) -> Expr {
        let q = try t.post.queuedAt.select(x)
        return try q.ne(t.pre.queuedAt.select(x)).and(p.kernel.kindOf(q).eq(p.v.b8(Kind.thread)))
    }

    /// The receiver the caller addressed by capability in this step: of a
    /// delivered send, or of the queue it joined.
    static func addressed(_ p: ProofSetting, _ t: TransitionView, _ x: Expr) throws(SMTError) -> (needed: Expr, target: Expr) {
        let d = t.step.deliveries
        let bySend = try d.sent.happened.and(d.sentIsReply.not())
        let needed = try bySend.or(joinsThreadQueue(p, t, x).and(SymbolicInvariants.isThread(x, p.v)))
        return (needed, try bySend.ite(d.sent.to, p.kernel.indexOf(t.post.queuedAt.select(x))))
    }

    static let ipc1 = SymbolicTransitionProperty(
        id: "IPC-1", title: "a message reaches r only through a thread or gate cap to r the sender's task holds, r's queue, or the reply slot",
        bound: [.thread],
        unless: .init(bound: [.slot]) { (p, t, x, y) throws(SMTError) in
            let k = p.kernel, v = p.v, slot = y[0], pre = t.pre
            let (_, target) = try addressed(p, t, x[0])
            let kind = try pre.slotKind.select(slot), object = try pre.slotObject.select(slot)
            let mine = try SymbolicInvariants.slotTask(slot).eq(pre.threadTask.select(t.caller))
            let names = try kind.eq(v.b8(Kind.thread)).and(object.eq(target)).or(
                kind.eq(v.b8(Kind.gate)).and(pre.gateThread.select(object).eq(target)))
            return try ipc1Channels(p, t, x[0]).and(mine, names, k.validSlot(pre, slot.extract(high: 7, low: 0)))
        }
    ) { (p, t, x) throws(SMTError) in
        try ipc1Channels(p, t, x[0]).and(addressed(p, t, x[0]).needed.not())
    }

    static let ipc2 = SymbolicTransitionProperty(
        id: "IPC-2", title: "through a gate the receiver sees the gate's label | the cap's W/S bits; a live gate's label changes only by a bind with S",
        bound: [.object]
    ) { (p, t, x) throws(SMTError) in
        let k = p.kernel, v = p.v, r = x[0], g = try k.indexOf(r), pre = t.pre, post = t.post
        let isGate = try k.kindOf(r).eq(v.b8(Kind.gate))
        let task = try pre.threadTask.select(t.caller)
        func invokes(_ slot: Expr) throws(SMTError) -> (Expr, Expr) {
            let at = try k.at(task, slot)
            return (try pre.slotKind.select(at).eq(v.b8(Kind.gate)).and(pre.slotObject.select(at).eq(g)), try pre.slotRights.select(at))
        }
        let relabelled = try isGate.and(pre.life.select(r).eq(v.b8(LifeValue.live)), post.life.select(r).eq(v.b8(LifeValue.live)),
                                        pre.gateLabel.select(g).ne(post.gateLabel.select(g)))
        var byServer = try v.truth(false), delivered = try v.truth(true)
        switch t.call {
        case .gateBind(let b):
            let (names, rights) = try invokes(b.gate)
            byServer = try names.and(k.has(rights, 0x2))
        case .ipc(let c) where c.kind == .send || c.kind == .call:
            let (names, rights) = try invokes(c.cap)
            let label = try pre.gateLabel.select(g).bvor(rights.bvand(v.b8(0x3)).zeroExtend(by: 8))
            let d = t.step.deliveries.sent
            let staged = try post.threadState.select(t.caller).eq(v.b8(ThreadStateValue.sending)).implies(post.sendLabel.select(t.caller).eq(label))
            let through = try isGate.and(names, pre.gateThread.select(g).ne(v.none))
            delivered = try through.implies(d.happened.implies(d.label.eq(label)).and(staged))
        default: break
        }
        return try relabelled.implies(byServer).and(delivered)
    }
}

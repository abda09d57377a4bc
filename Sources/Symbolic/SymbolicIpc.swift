import SMT

/// IPC between threads (kernel-api §6; Spec Ipc.swift, Gate.swift): the send
/// phase, the receive phase, call/reply with the one-shot implicit reply
/// slot, gate forwarding, for messages without a typed item. Each function
/// mirrors the `Spec` function of the same name on the encoded fields; the
/// scheduler's ready lists, message words and receive buffers are not part
/// of the encoded state.
///
/// Sender queues are a membership function (`SymbolicState.queuedAt`): which
/// queued sender an open wait takes, and whether an open-waiting receiver
/// has nobody queued ahead, are arguments of the call (`IpcCall.picked`,
/// `peerQueueEmpty`). The differential test passes the head of `Spec`'s
/// list; a proof covers every choice.
extension SymbolicKernel {
    // MARK: - Thread record (Spec KernelState.swift `ThreadRecord`)

    func state(_ s: SymbolicState, _ t: Expr, is value: UInt8) throws(SMTError) -> Expr { try s.threadState.select(t).eq(v.b8(value)) }

    /// `Spec.canReceive`: a live thread that is started and not dying.
    func canReceive(_ s: SymbolicState, _ r: Expr) throws(SMTError) -> Expr {
        try isLive(s, ref(Kind.thread, r)).and(state(s, r, is: ThreadStateValue.dead).not(), s.dying.select(r).eq(v.b8(0)))
    }

    /// `Spec.accepts`: receiving and not dying; in open wait only with nobody
    /// queued ahead, in closed wait only from its partner.
    func accepts(_ s: SymbolicState, _ r: Expr, from x: Expr, queueEmpty: Expr) throws(SMTError) -> Expr {
        let p = try s.partner.select(r)
        let partnerOk = try p.eq(v.none).ite(queueEmpty, p.eq(x))
        return try state(s, r, is: ThreadStateValue.receiving).and(s.dying.select(r).eq(v.b8(0)), partnerOk)
    }

    /// `Spec.stage` without words and items (kernel-api §6.2 step 2).
    func stage(_ s: SymbolicState, _ t: Expr, label: Expr, rights: Expr, pending p: UInt8, receiveZero: Expr) throws(SMTError) -> SymbolicState {
        var r = s
        r.sendLabel = try s.sendLabel.store(t, label)
        r.sendRights = try s.sendRights.store(t, rights.bvand(v.b8(0x3)))
        r.pending = try s.pending.store(t, v.b8(p))
        r.receiveZero = try s.receiveZero.store(t, receiveZero.ite(v.b8(1), v.b8(0)))
        r.sendItem = try s.sendItem.store(t, v.b8(0))
        return r
    }

    func clearStaged(_ s: SymbolicState, _ t: Expr) throws(SMTError) -> SymbolicState {
        var r = s
        r.sendLabel = try s.sendLabel.store(t, v.b16(0))
        r.sendRights = try s.sendRights.store(t, v.b8(0))
        r.receiveZero = try s.receiveZero.store(t, v.b8(0))
        r.sendItem = try s.sendItem.store(t, v.b8(0))
        return r
    }

    /// `Spec.finish` (clear the staged message, `wake`): ready, no partner,
    /// nothing pending (kernel-api §9 puts it at the front of its level).
    func finish(_ s: SymbolicState, _ t: Expr) throws(SMTError) -> SymbolicState {
        var r = try clearStaged(s, t)
        r.threadState = try r.threadState.store(t, v.b8(ThreadStateValue.ready))
        r.partner = try r.partner.store(t, v.none)
        r.pending = try r.pending.store(t, v.b8(PendingValue.none))
        return r
    }

    /// Blocks `t` in `state` on `partner`, queued at `queue` (0: in no queue).
    func block(_ s: SymbolicState, _ t: Expr, state st: UInt8, partner: Expr, queue: Expr) throws(SMTError) -> SymbolicState {
        var r = s
        r.threadState = try s.threadState.store(t, v.b8(st))
        r.partner = try s.partner.store(t, partner)
        r.queuedAt = try s.queuedAt.store(t, queue)
        return r
    }

    // MARK: - Send phase (kernel-api §6.2)

    /// `Spec.sendPhase`: the staged message of `t` to thread `r`.
    func sendPhase(_ s: SymbolicState, _ t: Expr, to r: Expr, sendNever: Expr, queueEmpty: Expr) throws(SMTError) -> IpcPath {
        let gone = try IpcPath(clearStaged(s, t), .ipc(Code.enotExistent, v), v)
        var s1 = s
        if !weakening.contains(.replyKeepsSlot) {
            s1.replyTo = try s.replyTo.select(t).eq(r).ite(s.replyTo.store(t, v.none), s.replyTo)
        }
        let meet = try rendezvous(s1, sender: t, receiver: r, receiverOpen: s1.partner.select(r).eq(v.none))
        var met = IpcPath(try finish(meet.state, r), meet.senderOutcome, inScope: meet.inScope, try .none(v))
        met.deliveries.sent = meet.delivery
        let timedOut = try IpcPath(clearStaged(s1, t), .ipc(Code.setimeout, v), v)
        let queued = try IpcPath(block(s1, t, state: ThreadStateValue.sending, partner: r, queue: ref(Kind.thread, r)), .blocked(v), v)
        return try .ite(canReceive(s, r).not(), gone,
                        .ite(accepts(s1, r, from: t, queueEmpty: queueEmpty), met, .ite(sendNever.not(), timedOut, queued)))
    }

    /// `Spec.rendezvous` (kernel-api §6.2 steps 4–6, §6.4): the transfer, then
    /// the reply relation — a call delivered to an open wait gives the
    /// receiver the reply slot, and the caller waits for the reply.
    func rendezvous(_ s: SymbolicState, sender x: Expr, receiver r: Expr, receiverOpen: Expr) throws(SMTError) -> Rendezvous {
        let pending = try s.pending.select(x)
        let isCall = try pending.eq(v.b8(PendingValue.call)).or(pending.eq(v.b8(PendingValue.pageFault)))
        var moved = s
        moved.rcvLabel = try s.rcvLabel.store(r, s.sendLabel.select(x))
        moved = try clearStaged(moved, x)
        let dying = try s.dying.select(x).ne(v.b8(0)), zero = try s.receiveZero.select(x).ne(v.b8(0))
        let waits = try isCall.and(dying.not(), zero.not())
        var waiting = moved
        waiting.replyTo = try receiverOpen.ite(moved.replyTo.store(r, x), moved.replyTo)
        waiting = try block(waiting, x, state: ThreadStateValue.receiving, partner: r, queue: s.queuedAt.select(x))
        let outcome = try SymbolicOutcome.ite(isCall.not(), .ok(v), .ite(dying, .ipc(Code.recanceled, v),
                                                                         .ite(zero, .ipc(Code.retimeout, v), .blocked(v))))
        let delivery = Delivery(happened: try v.truth(true), from: x, to: r, label: try s.sendLabel.select(x))
        // A typed item would be transferred by map/grant (kernel-api §4.3): not encoded here.
        return Rendezvous(state: try SymbolicState.ite(waits, waiting, moved), senderOutcome: outcome, senderWaits: waits,
                          inScope: try s.sendItem.select(x).eq(v.b8(0)), delivery: delivery)
    }

    // MARK: - Receive phase (kernel-api §6.3)

    /// `Spec.receivePhase`: `from` is none for an open wait, else the
    /// closed-wait partner in sender encoding (`t` itself: a sleep).
    func receivePhase(_ s: SymbolicState, _ t: Expr, from p: Expr, receiveNever: Expr, picked: Expr) throws(SMTError) -> IpcPath {
        let open = try p.eq(v.none)
        let here = try ref(Kind.thread, t)
        let closedFound = try p.ne(t).and(s.queuedAt.select(p).eq(here))
        var found = try open.ite(picked.ne(v.none), closedFound)
        let x = try open.ite(picked, p)
        // The choice names a sender queued here.
        var scope = try open.and(picked.ne(v.none)).implies(s.queuedAt.select(picked).eq(here))
        if weakening.contains(.receiveUnchecked) {
            (found, scope) = (try open.ite(picked.ne(v.none), v.truth(true)), try v.truth(true))
        }
        var dequeued = s
        if !weakening.contains(.receiveKeepsQueued) { dequeued.queuedAt = try s.queuedAt.store(x, v.b16(0)) }
        let meet = try rendezvous(dequeued, sender: x, receiver: t, receiverOpen: open)
        var tookThread = IpcPath(try SymbolicState.ite(meet.senderWaits, meet.state, finish(meet.state, x)), try .ok(v), inScope: meet.inScope, try .none(v))
        tookThread.deliveries.received = meet.delivery
        // kernel-api §7: an Irq message (Spec.receiveIrqMessage).
        let irq = try x.bvand(v.b8(0x7F))
        var tookIrq = try IpcPath(receiveIrqMessage(dequeued, irq, at: t), .ok(v), v)
        tookIrq.deliveries.received = Delivery(happened: try v.truth(true), from: x, to: t, label: try s.irqLabel.select(irq))
        let took = try IpcPath.ite(x.ult(v.b8(0x80)), tookThread, tookIrq)
        let timedOut = try IpcPath(s, .ipc(Code.retimeout, v), v)
        var waiting = try block(s, t, state: ThreadStateValue.receiving, partner: p, queue: v.b16(0))
        let pending = try s.pending.select(t)
        waiting.pending = try s.pending.store(t, pending.eq(v.b8(PendingValue.none)).ite(v.b8(PendingValue.receive), pending))
        var path = try IpcPath.ite(found, took, .ite(receiveNever.not(), timedOut, IpcPath(waiting, .blocked(v), v)))
        path.inScope = try path.inScope.and(scope)
        return path
    }

    // MARK: - Reply (kernel-api §6.4)

    /// `Spec.reply`: the reply slot is emptied before the send; a reply never blocks.
    func reply(_ s: SymbolicState, _ t: Expr, label: Expr, queueEmpty: Expr) throws(SMTError) -> IpcPath {
        let c = try s.replyTo.select(t)
        var s1 = s
        if !weakening.contains(.replyKeepsSlot) { s1.replyTo = try s.replyTo.store(t, v.none) }
        let staged = try stage(s1, t, label: label, rights: v.b8(0), pending: PendingValue.send, receiveZero: v.truth(false))
        let meet = try rendezvous(staged, sender: t, receiver: c, receiverOpen: v.truth(false))
        var sent = IpcPath(try finish(meet.state, c), meet.senderOutcome, inScope: meet.inScope, try .none(v))
        sent.deliveries.sent = meet.delivery
        sent.deliveries.sentIsReply = try v.truth(true)
        return try .ite(c.eq(v.none), IpcPath(s, .ipc(Code.enotExistent, v), v),
                        .ite(canReceive(s1, c).not(), IpcPath(s1, .ipc(Code.enotExistent, v), v),
                             .ite(accepts(s1, c, from: t, queueEmpty: queueEmpty).not(), IpcPath(s1, .ipc(Code.setimeout, v), v), sent)))
    }

    // MARK: - Gates (kernel-api §3.3; Spec Gate.swift)

    /// `Spec.invokeGate`: to the bound thread with the gate's label OR-ed
    /// with the invoking cap's W/S bits; an unbound gate queues the invoker.
    func invokeGate(_ s: SymbolicState, _ t: Expr, _ g: Expr, rights: Expr, sendNever: Expr, queueEmpty: Expr) throws(SMTError) -> IpcPath {
        let bound = try s.gateThread.select(g)
        let head = try s.gateWaitHead.select(g)
        // Spec.enqueue: behind every waiter of equal or higher priority.
        let first = try head.eq(v.none).or(s.prio.select(head).ult(s.prio.select(t)))
        var queued = try block(s, t, state: ThreadStateValue.onGate, partner: g, queue: ref(Kind.gate, g))
        queued.gateWaitHead = try s.gateWaitHead.store(g, first.ite(t, head))
        let unbound = try IpcPath.ite(sendNever, IpcPath(queued, .blocked(v), v), IpcPath(s, .ipc(Code.setimeout, v), v))
        let receiving = try receivePhase(s, t, from: bound, receiveNever: sendNever, picked: v.none)
        let bits = try rights.bvand(v.b8(0x3))
        let label = weakening.contains(.senderChosenGateLabel) ? try s.sendLabel.select(t) : try s.gateLabel.select(g).bvor(bits.zeroExtend(by: 8))
        var labelled = s
        labelled.sendLabel = try s.sendLabel.store(t, label)
        labelled.sendRights = try s.sendRights.store(t, bits)
        let sending = try sendPhase(labelled, t, to: bound, sendNever: sendNever, queueEmpty: queueEmpty)
        let isReceive = try s.pending.select(t).eq(v.b8(PendingValue.receive))
        return try .ite(bound.eq(v.none), unbound, .ite(canReceive(s, bound).not(), IpcPath(s, .ipc(Code.enotExistent, v), v),
                                                        .ite(isReceive, receiving, sending)))
    }
}

/// `Spec.ThreadState` and `PendingIpc` raw values.
public enum ThreadStateValue {
    public static let dead: UInt8 = 0, ready: UInt8 = 1, sending: UInt8 = 2, receiving: UInt8 = 3, onGate: UInt8 = 4
}
public enum PendingValue {
    public static let none: UInt8 = 0, send: UInt8 = 1, call: UInt8 = 2, receive: UInt8 = 3, pageFault: UInt8 = 4
}

/// The result of `rendezvous`: the sender's outcome and whether it now
/// waits for the reply, the receiver's is always success (no item).
struct Rendezvous {
    var state: SymbolicState
    var senderOutcome: SymbolicOutcome
    var senderWaits: Expr
    var inScope: Expr
    var delivery: Delivery
}

/// One path through an IPC operation.
struct IpcPath {
    var state: SymbolicState
    var outcome: SymbolicOutcome
    var inScope: Expr
    var deliveries: Deliveries

    init(_ state: SymbolicState, _ outcome: SymbolicOutcome, inScope: Expr, _ deliveries: Deliveries) {
        self.state = state
        self.outcome = outcome
        self.inScope = inScope
        self.deliveries = deliveries
    }
    init(_ state: SymbolicState, _ outcome: SymbolicOutcome, _ v: Vocabulary) throws(SMTError) {
        self.init(state, outcome, inScope: try v.truth(true), try .none(v))
    }

    static func ite(_ c: Expr, _ a: IpcPath, _ b: IpcPath) throws(SMTError) -> IpcPath {
        IpcPath(try SymbolicState.ite(c, a.state, b.state), try SymbolicOutcome.ite(c, a.outcome, b.outcome),
                inScope: try c.ite(a.inScope, b.inScope), try Deliveries.ite(c, a.deliveries, b.deliveries))
    }
}

/// A message handed over in a step (IPC-1, IPC-2): from a sender thread to
/// a receiver thread, with the label the receiver sees.
public struct Delivery {
    public var happened: Expr
    public var from: Expr
    public var to: Expr
    public var label: Expr

    static func none(_ v: Vocabulary) throws(SMTError) -> Delivery {
        Delivery(happened: try v.truth(false), from: try v.none, to: try v.none, label: try v.b16(0))
    }
    static func ite(_ c: Expr, _ a: Delivery, _ b: Delivery) throws(SMTError) -> Delivery {
        Delivery(happened: try c.ite(a.happened, b.happened), from: try c.ite(a.from, b.from), to: try c.ite(a.to, b.to),
                 label: try c.ite(a.label, b.label))
    }
}

/// The hand-overs one step can make: the caller's send phase or reply, and
/// its receive phase taking a queued sender.
public struct Deliveries {
    public var sent: Delivery
    public var sentIsReply: Expr
    public var received: Delivery
    /// An Irq message handed to its bound thread by a trigger or a bind.
    public var fired: Delivery

    public static func none(_ v: Vocabulary) throws(SMTError) -> Deliveries {
        Deliveries(sent: try .none(v), sentIsReply: try v.truth(false), received: try .none(v), fired: try .none(v))
    }
    static func ite(_ c: Expr, _ a: Deliveries, _ b: Deliveries) throws(SMTError) -> Deliveries {
        Deliveries(sent: try .ite(c, a.sent, b.sent), sentIsReply: try c.ite(a.sentIsReply, b.sentIsReply),
                   received: try .ite(c, a.received, b.received), fired: try .ite(c, a.fired, b.fired))
    }
}

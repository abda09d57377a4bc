/// IPC between threads (kernel-api §6): send phase, receive phase, the
/// rendezvous with its call/reply relation, and the implicit reply slot.
extension Kernel {
    // MARK: - Thread state and the references a closed wait holds

    /// Changes a thread's state. A closed receive pins its partner (a thread or
    /// an Irq): a zombie partner is freed only when no one waits on it (§5.4).
    mutating func setState(_ t: Int, _ s: ThreadState) {
        let old = threads[t].state
        threads[t].state = s
        if case .receiving(let p?) = s { pin(p, by: t) }
        if case .receiving(let p?) = old { unpin(p, by: t) }
    }

    private mutating func pin(_ p: Partner, by t: Int) {
        switch p {
        case .thread(let x) where x != t: threads[x].pins += 1
        case .irq(let i): irqs[i].closedWaiters += 1
        default: break
        }
    }

    private mutating func unpin(_ p: Partner, by t: Int) {
        switch p {
        case .thread(let x) where x != t:
            threads[x].pins -= 1
            freeThreadIfUnreferenced(x)
        case .irq(let i):
            irqs[i].closedWaiters -= 1
            freeIrqIfUnreferenced(i)
        default: break
        }
    }

    /// Blocks `t` in state `s` until `deadline`. The ready-list entry stays
    /// (lazy removal, `ReadyQueue.swift`).
    mutating func block(_ t: Int, _ s: ThreadState, until deadline: Deadline) {
        setState(t, s)
        threads[t].deadline = deadline.time
    }

    // MARK: - Staging (kernel-api §1: the registers of the IPC in progress)

    /// Records the IPC the caller starts from its syscall registers.
    mutating func stage(_ t: Int, flags: UInt64, rights: UInt8) {
        let regs = threads[t].regs
        let op: IpcOp
        if flags & Abi.send == 0 {
            op = .receive
        } else if flags & Abi.recv == 0 {
            op = .send
        } else {
            op = flags & Abi.openWait != 0 ? .sendAndWait : .call
        }
        threads[t].ipc = PendingIpc(op: op, inputTag: regs.tag, sendTag: regs.tag, sendLabel: regs.label,
                                    rights: rights & (Rights.w | Rights.s), timeouts: regs.timeouts)
    }

    func timeoutPair(_ t: Int) -> (send: L4Timeout, receive: L4Timeout) { L4Timeout.pair(threads[t].ipc.timeouts) }

    func deadline(_ t: Int, _ timeout: L4Timeout) -> Deadline {
        timeout.deadline(now: clock, utcb: threads[t].utcb, zeroMeansNever: injected(.zeroTimeoutNever))
    }

    // MARK: - Partner checks (kernel-api §6.2 step 2)

    /// `r` can take a message from `s` now: it is receiving, not dying, and
    /// either in open wait with nobody queued ahead of `s` or in a closed wait on `s`.
    func accepts(_ r: Int, from s: Sender) -> Bool {
        guard case .receiving(let partner) = threads[r].state, !threads[r].dying else { return false }
        guard let partner else {
            let head = threads[r].senders.head
            return head == nil || head == s
        }
        switch (partner, s) {
        case (.thread(let a), .thread(let b)): return a == b
        case (.irq(let a), .irq(let b)): return a == b
        default: return false
        }
    }

    /// A partner that can still receive: live, started, not dying (`check_sender`).
    func canReceive(_ r: Int) -> Bool {
        threads[r].header.life == .live && threads[r].state != .dead && !threads[r].dying
    }

    // MARK: - Send phase (kernel-api §6.2)

    /// Sends the staged message of `t` to thread `r`.
    mutating func sendPhase(_ t: Int, to r: Int, timeout: L4Timeout) -> KernelOutcome {
        guard canReceive(r) else { return .ipcError(.enotExistent) }
        // Step 1: a direct send to the thread waiting for our reply counts as the reply.
        if threads[t].reply?.caller == r { threads[t].reply = nil }
        if accepts(r, from: .thread(t)) {
            let open = threads[r].state == .receiving(from: nil)
            let (next, ro) = rendezvous(sender: t, receiver: r, receiverOpen: open)
            complete(r, ro)
            return proceed(t, next)
        }
        let d = deadline(t, timeout)
        guard d != .expired else { return .ipcError(.setimeout) }
        enqueue(.thread(t), in: .thread(r))
        block(t, .sending(to: r), until: d)
        return .blocked
    }

    /// What the sender does after the transfer: it is finished (or blocked in
    /// the closed receive of a call), or it goes on to an open wait — which
    /// runs only after the receiver has been woken, so wake-up order matches
    /// "reply, then wait" (§6.4, §9 front insertion).
    enum SenderNext: Equatable {
        case finished(KernelOutcome)
        case openWait
    }

    /// kernel-api §6.2 steps 4–6, §6.4 — transfer, then the sender's next phase.
    /// Returns the sender's continuation and the receiver's outcome.
    mutating func rendezvous(sender s: Int, receiver r: Int, receiverOpen: Bool) -> (SenderNext, KernelOutcome) {
        if let e = transfer(from: s, to: r) {
            return (.finished(.ipcError(e)), .ipcError(e.receiveSide))   // a failed send skips the receive phase
        }
        switch threads[s].ipc.op {
        case .call, .pageFault:
            // A sender killed by its own transfer (a displaced D cap) must reach its teardown.
            if threads[s].dying { return (.finished(.ipcError(.recanceled)), .success) }
            let d = deadline(s, timeoutPair(s).receive)
            if d == .expired { return (.finished(.ipcError(.retimeout)), .success) }
            // §6.4: a reply capability only for a call delivered to an open wait.
            if receiverOpen { threads[r].reply = ReplySlot(caller: s, rights: threads[s].ipc.rights) }
            block(s, .receiving(from: .thread(r)), until: d)
            return (.finished(.blocked), .success)
        case .sendAndWait:
            return (.openWait, .success)
        default:
            return (.finished(.success), .success)
        }
    }

    /// Runs the sender's continuation after a rendezvous.
    mutating func proceed(_ s: Int, _ next: SenderNext) -> KernelOutcome {
        switch next {
        case .finished(let o): o
        case .openWait: receivePhase(s, from: nil, timeout: timeoutPair(s).receive)
        }
    }

    // MARK: - Receive phase (kernel-api §6.3)

    /// Open wait (`partner` nil) or closed wait; a closed wait on oneself is a sleep.
    mutating func receivePhase(_ t: Int, from partner: Partner?, timeout: L4Timeout) -> KernelOutcome {
        if let s = queuedSender(at: t, matching: partner) {
            dequeue(s, from: .thread(t))
            switch s {
            case .thread(let x):
                let (next, ro) = rendezvous(sender: x, receiver: t, receiverOpen: partner == nil)
                settle(x, proceed(x, next))
                return ro
            case .irq(let i):
                receiveIrqMessage(i, at: t)
                return .success
            }
        }
        let d = deadline(t, timeout)
        guard d != .expired else { return .ipcError(.retimeout) }
        block(t, .receiving(from: partner), until: d)
        return .blocked
    }

    /// The sender a receive takes at once: the head for an open wait; for a
    /// closed wait the partner if it is queued (even behind others).
    func queuedSender(at t: Int, matching partner: Partner?) -> Sender? {
        switch partner {
        case nil: return threads[t].senders.head
        case .thread(let x)?: return x != t && isQueued(.thread(x), at: t) ? .thread(x) : nil
        case .irq(let i)?: return isQueued(.irq(i), at: t) ? .irq(i) : nil
        }
    }

    // MARK: - Reply (kernel-api §6.4)

    /// Sends to the caller in the implicit reply slot, which the syscall entry
    /// has already consumed (§1 step 1). Replies never block: a valid slot
    /// means the caller waits in its closed receive on us.
    mutating func replyPhase(_ t: Int, to slot: ReplySlot) -> KernelOutcome {
        let c = slot.caller
        guard canReceive(c) else { return .ipcError(.enotExistent) }
        guard accepts(c, from: .thread(t)) else { return .ipcError(.setimeout) }
        threads[t].ipc.rights = slot.rights
        let (next, ro) = rendezvous(sender: t, receiver: c, receiverOpen: false)
        complete(c, ro)
        return proceed(t, next)
    }

    // MARK: - Cancellation (kernel-api §3.2 ex_regs, §5.4)

    /// Aborts the IPC `t` is blocked in; returns the error it gets.
    mutating func cancelIpc(_ t: Int) -> KernelOutcome? {
        switch threads[t].state {
        case .sending(let r):
            dequeue(.thread(t), from: .thread(r))
            return .ipcError(.secanceled)
        case .onGate(let g):
            dequeue(.thread(t), from: .gate(g))
            return .ipcError(.secanceled)
        case .receiving:
            endReceive(t)
            return .ipcError(.recanceled)
        case .dead, .ready:
            return nil
        }
    }

    /// §6.3 — when a receive ends early, the callee's reply slot naming `t` is
    /// cleared, and the wait releases its partner.
    mutating func endReceive(_ t: Int) {
        if case .receiving(.thread(let callee)?) = threads[t].state, callee != t, threads[callee].reply?.caller == t {
            threads[callee].reply = nil
        }
        setState(t, .receiving(from: nil))
    }

    // MARK: - Completion

    /// Completes a blocked thread's system call with `o` and makes it ready
    /// (front of its level, §9).
    mutating func complete(_ t: Int, _ o: KernelOutcome) {
        if threads[t].ipc.op == .pageFault {
            completeFault(t, o)
            return
        }
        deliverResult(t, o)
        threads[t].lastOutcome = o
        threads[t].ipc = PendingIpc()
        wake(t)
    }

    /// Completes the other party of a rendezvous unless it blocked again.
    mutating func settle(_ t: Int, _ o: KernelOutcome) {
        if o != .blocked { complete(t, o) }
    }

    /// Writes an IPC result into the registers/UTCB (kernel-api §1, §6.9): a
    /// send-phase error returns the tag (0,0,Error,0); a receive-phase error
    /// sets the error flag on the tag the thread passed in (or, after a failed
    /// transfer, on the tag the sender sent); a completed send-only returns the
    /// input tag. Received messages were written by the transfer already.
    mutating func deliverResult(_ t: Int, _ o: KernelOutcome) {
        let ipc = threads[t].ipc
        var frame = ipc.op == .pageFault ? threads[t].faultFrame : threads[t].regs
        switch o {
        case .ipcError(let e):
            threads[t].utcb.error = e.rawValue
            if ipc.op == .none || !e.isReceivePhase {
                frame.tag = MsgTag.error
            } else if e == .remsgcut || e == .remapfailed {
                frame.tag |= MsgTag.error
            } else {
                frame.tag = ipc.inputTag | MsgTag.error
            }
        case .ok where ipc.op == .send:
            frame.tag = ipc.inputTag & ~MsgTag.error
        default:
            break
        }
        if ipc.op == .pageFault { threads[t].faultFrame = frame } else { threads[t].regs = frame }
    }
}

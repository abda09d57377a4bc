/// IPC between threads (kernel-api §6): send phase, receive phase, call/reply
/// with the one-shot implicit reply capability, and the typed-item transfer.
extension KernelState {
    // MARK: - Staging the outgoing message

    /// Puts the outgoing message into the sender's record, where it waits if the
    /// sender blocks (kernel-api §6.2 step 2).
    mutating func stage(_ t: ThreadID, _ msg: Message, rights: CapRights, pending: PendingIpc, receive: Timeout, buffer: ReceiveBuffer) {
        var r = threads[t.index]
        r.sendLabel = msg.label
        r.sendWordCount = UInt8(min(msg.words.count, Capacity.words))
        for i in 0..<Capacity.words { r.sendWords[i] = i < msg.words.count ? msg.words[i] : 0 }
        if let item = msg.item {
            r.sendItemKind = item.space.rawValue
            r.sendItemIndex = item.index
            r.sendItemRights = item.rights
            r.sendItemFlags = (item.grant ? 1 : 0) | (item.server ? 2 : 0) | (item.weak ? 4 : 0)
        } else {
            r.sendItemKind = 0
            r.sendItemIndex = 0
            r.sendItemRights = 0
            r.sendItemFlags = 0
        }
        r.sendRights = rights.invocationBits.rawValue
        r.pending = pending
        r.receiveTimeoutZero = receive == .zero ? 1 : 0
        r.rcvBuf = buffer.encoded
        threads[t.index] = r
    }

    mutating func clearStaged(_ t: ThreadID) {
        var r = threads[t.index]
        r.sendLabel = 0
        r.sendWordCount = 0
        r.sendWords = Words(repeating: 0)
        r.sendItemKind = 0
        r.sendItemIndex = 0
        r.sendItemRights = 0
        r.sendItemFlags = 0
        r.sendRights = 0
        r.receiveTimeoutZero = 0
        threads[t.index] = r
    }

    /// Records the result a thread's system call returned (UTCB error / tag).
    mutating func record(_ t: ThreadID, _ o: Outcome) {
        let (kind, code) = ResultCode.encode(o)
        threads[t.index].resultKind = kind
        threads[t.index].resultCode = code
    }

    /// Completes a blocked thread's system call with `o` and makes it ready
    /// (front of its level, kernel-api §9).
    mutating func finish(_ t: ThreadID, _ o: Outcome) {
        let fault = threads[t.index].pending == .pageFault ? threads[t.index].faultAccess : 0
        let buffer = ReceiveBuffer(encoded: threads[t.index].rcvBuf)
        record(t, o)
        threads[t.index].rcvBuf = noID
        threads[t.index].faultAccess = 0
        clearStaged(t)
        wake(t)
        guard fault != 0, case .memory(let page) = buffer else { return }
        // kernel-api §6.6: a send-phase ENOT_EXISTENT leaves the fault unresolved
        // (an exception; without a handler the thread blocks on itself); any
        // other end of the fault IPC counts as handled and the access is retried.
        if o == .ipc(.enotExistent) {
            blockOnSelf(t)
        } else {
            // Retried when the thread next runs, as its own step (`apply`):
            // retrying here would recurse when two threads page each other.
            threads[t.index].faultAccess = fault + 2
            threads[t.index].rcvBuf = ReceiveBuffer.memory(page).encoded
        }
    }

    /// Settles the party of a rendezvous that is not the acting thread.
    mutating func settle(_ t: ThreadID, _ o: Outcome) {
        if o != .blocked { finish(t, o) }
    }

    // MARK: - Send phase (kernel-api §6.2)

    /// A thread can take a message from `s` now: it is receiving, and either in
    /// open wait with no one queued ahead or in a closed wait naming `s`.
    func accepts(_ r: ThreadID, from s: Sender) -> Bool {
        let rec = threads[r.index]
        guard rec.state == .receiving, !rec.isDying else { return false }
        if rec.partner == noID { return rec.queueHead == noID || rec.queueHead == s.encoded }
        return rec.partner == s.encoded
    }

    func canReceive(_ r: ThreadID) -> Bool {
        let rec = threads[r.index]
        return rec.life == .live && rec.state != .dead && !rec.isDying
    }

    /// kernel-api §6.2 — send the staged message of `t` to thread `r`.
    mutating func sendPhase(_ t: ThreadID, to r: ThreadID, timeout: Timeout) -> Outcome {
        guard canReceive(r) else {
            clearStaged(t)
            return .ipc(.enotExistent)
        }
        // Step 1: a direct send to the thread waiting for our reply counts as the reply.
        if threads[t.index].replyTo == r.raw {
            threads[t.index].replyTo = noID
            threads[t.index].replyRights = 0
        }
        if accepts(r, from: .thread(t)) {
            let receiverOpen = threads[r.index].partner == noID
            let (so, ro) = rendezvous(sender: t, receiver: r, receiverOpen: receiverOpen)
            finish(r, ro)
            return so
        }
        guard timeout == .never else {
            clearStaged(t)
            return .ipc(.setimeout)
        }
        enqueue(.thread(t), in: .thread(r))
        threads[t.index].state = .sending
        threads[t.index].partner = r.raw
        unlistReady(t)
        return .blocked
    }

    /// kernel-api §6.2 steps 4–6 and §6.4 — transfer, then settle the reply
    /// relation. Returns the sender's and the receiver's outcome.
    mutating func rendezvous(sender s: ThreadID, receiver r: ThreadID, receiverOpen: Bool) -> (Outcome, Outcome) {
        let isCall = threads[s.index].pending == .call || threads[s.index].pending == .pageFault
        let pending = threads[s.index].pending
        guard transfer(from: s, to: r) else {
            clearStaged(s)
            return (.ipc(.semsgcut), .ipc(.remsgcut))          // the sender skips its receive
        }
        let rights = threads[s.index].sendRights
        let zeroReceive = threads[s.index].receiveTimeoutZero != 0
        clearStaged(s)
        guard isCall else { return (.success, .success) }
        // A sender killed by its own transfer (a displaced D cap) does not enter
        // its receive phase: it is dying and must reach its teardown.
        if threads[s.index].isDying { return (.ipc(.recanceled), .success) }
        if zeroReceive { return (.ipc(.retimeout), .success) }   // the reply cannot be there yet
        // A reply capability only for a call delivered to an open-waiting receiver.
        if receiverOpen {
            threads[r.index].replyTo = s.raw
            threads[r.index].replyRights = rights
        }
        threads[s.index].state = .receiving
        threads[s.index].partner = r.raw
        threads[s.index].pending = pending
        unlistReady(s)
        return (.blocked, .success)
    }

    /// kernel-api §6.2 step 4 — words, label and the typed item.
    mutating func transfer(from s: ThreadID, to r: ThreadID) -> Bool {
        let src = threads[s.index]
        threads[r.index].mr = src.sendWords
        threads[r.index].mrCount = src.sendWordCount
        threads[r.index].rcvLabel = src.sendLabel
        guard src.sendItemKind != 0 else { return true }
        return transferItem(from: src, to: r)
    }

    /// kernel-api §4.3 — the item lands in the receiver's buffer. MSGCUT when
    /// there is no buffer or the receiving task is gone; a buffer of the other
    /// space is a silent no-op. S is masked by the addressing capability (§4.5).
    mutating func transferItem(from src: ThreadRecord, to r: ThreadID) -> Bool {
        let dstTask = threads[r.index].task
        guard dstTask != noID, tasks[Int(dstTask)].life == .live else { return false }
        let buffer = ReceiveBuffer(encoded: threads[r.index].rcvBuf)
        guard buffer != .none else { return false }
        guard src.task != noID, tasks[Int(src.task)].life == .live else { return true }
        let st = TaskID(Int(src.task)), dt = TaskID(Int(dstTask))
        let grant = src.sendItemFlags & 1 != 0
        switch (SendItem.Space(rawValue: src.sendItemKind), buffer) {
        case (.object?, .object(let d)):
            mapObject(from: st, SlotIndex(Int(src.sendItemIndex)), to: dt, d, mask: CapRights(rawValue: src.sendItemRights),
                      keepS: CapRights(rawValue: src.sendRights).contains(.s), grant: grant,
                      server: src.sendItemFlags & 2 != 0, weak: src.sendItemFlags & 4 != 0)
        case (.memory?, .memory(let p)):
            mapPage(from: st, PageIndex(Int(src.sendItemIndex)), to: dt, p, mask: MemRights(rawValue: src.sendItemRights), grant: grant)
        default:
            break
        }
        return true
    }

    // MARK: - Receive phase (kernel-api §6.3)

    /// kernel-api §6.3 — `partner` is `noID` for an open wait, else the sender
    /// encoding of the closed-wait partner (the thread itself for a sleep).
    mutating func receivePhase(_ t: ThreadID, from partner: UInt8, timeout: Timeout, buffer: ReceiveBuffer) -> Outcome {
        threads[t.index].rcvBuf = buffer.encoded
        if let s = queuedSender(at: t, matching: partner) {
            dequeue(s, from: .thread(t))
            switch s {
            case .thread(let x):
                let (so, ro) = rendezvous(sender: x, receiver: t, receiverOpen: partner == noID)
                settle(x, so)
                threads[t.index].rcvBuf = noID
                return ro
            case .irq(let i):
                receiveIrqMessage(i, at: t)
                threads[t.index].rcvBuf = noID
                return .success
            }
        }
        guard timeout == .never else {
            threads[t.index].rcvBuf = noID
            return .ipc(.retimeout)
        }
        threads[t.index].state = .receiving
        threads[t.index].partner = partner
        if threads[t.index].pending == .none { threads[t.index].pending = .receive }
        unlistReady(t)
        return .blocked
    }

    func queuedSender(at t: ThreadID, matching partner: UInt8) -> Sender? {
        if partner == noID { return Sender(encoded: threads[t.index].queueHead) }
        guard let s = Sender(encoded: partner), s != .thread(t), contains(s, in: .thread(t)) else { return nil }
        return s
    }

    /// kernel-api §6.3 — an IRQ message: no words, the Irq's label; consuming it
    /// unmasks an edge-triggered Irq (§7).
    mutating func receiveIrqMessage(_ i: IrqID, at t: ThreadID) {
        threads[t.index].mrCount = 0
        threads[t.index].mr = Words(repeating: 0)
        threads[t.index].rcvLabel = irqs[i.index].label
        irqs[i.index].delivery = .idle
        irqs[i.index].masked = 0
    }

    // MARK: - Reply (kernel-api §6.4)

    /// The implicit reply slot is emptied **before** the send, so it is consumed
    /// even when the reply fails. Replies never block: a valid slot means the
    /// caller waits in its closed receive (IPC-4).
    mutating func reply(_ t: ThreadID, _ msg: Message) -> Outcome {
        let c = threads[t.index].replyTo
        guard c != noID else { return .ipc(.enotExistent) }
        let rights = CapRights(rawValue: threads[t.index].replyRights)
        threads[t.index].replyTo = noID
        threads[t.index].replyRights = 0
        let caller = ThreadID(Int(c))
        guard canReceive(caller) else { return .ipc(.enotExistent) }
        guard accepts(caller, from: .thread(t)) else { return .ipc(.setimeout) }
        stage(t, msg, rights: rights, pending: .send, receive: .never, buffer: .none)
        let (so, ro) = rendezvous(sender: t, receiver: caller, receiverOpen: false)
        finish(caller, ro)
        return so
    }

    // MARK: - Cancellation (kernel-api §3.2 ex_regs, §5.4)

    /// Aborts the IPC `t` is blocked in and returns the error it gets; after a
    /// receive ends, the callee's reply slot naming `t` is cleared (§6.3).
    mutating func cancelIpc(_ t: ThreadID) -> Outcome? {
        let rec = threads[t.index]
        switch rec.state {
        case .sending:
            dequeue(.thread(t), from: .thread(ThreadID(Int(rec.partner))))
            return .ipc(.secanceled)
        case .onGate:
            dequeue(.thread(t), from: .gate(GateID(Int(rec.partner))))
            return .ipc(.secanceled)
        case .receiving:
            endReceive(t)
            return .ipc(.recanceled)
        case .dead, .ready:
            return nil
        }
    }

    /// The callee's reply slot pointing at a caller whose receive ended is cleared.
    mutating func endReceive(_ t: ThreadID) {
        if case .irq(let i)? = Sender(encoded: threads[t.index].partner) {
            threads[t.index].partner = noID
            freeIrqIfUnreferenced(i)
            return
        }
        guard case .thread(let callee)? = Sender(encoded: threads[t.index].partner), callee != t else { return }
        if threads[callee.index].replyTo == t.raw {
            threads[callee.index].replyTo = noID
            threads[callee.index].replyRights = 0
        }
        // The wait no longer pins a deleted callee's entry.
        threads[t.index].partner = noID
        freeThreadIfUnreferenced(callee)
    }
}

/// Two-byte encoding of an `Outcome` kept in a thread record.
enum ResultCode {
    static func encode(_ o: Outcome) -> (UInt8, UInt8) {
        switch o {
        case .ok: (1, 0)
        case .ipc(let e): (2, e.rawValue)
        case .error(let e): (3, e.rawValue)
        case .killed: (4, 0)
        case .blocked, .idle, .tornDown, .faultRetried: (0, 0)
        }
    }

    static func decode(_ kind: UInt8, _ code: UInt8) -> Outcome? {
        switch kind {
        case 1: .success
        case 2: IpcError(rawValue: code).map { .ipc($0) }
        case 3: L4Error(rawValue: code).map { .error($0) }
        case 4: .killed
        default: nil
        }
    }
}

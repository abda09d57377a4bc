/// Irq objects (kernel-api §3.6, §7): edge triggered; one outstanding delivery
/// per Irq, hits while queued are coalesced (masked), a hit while unbound is
/// remembered as pending. An Irq queues as a sender of priority 255.
extension Kernel {
    // MARK: - Delivery (`Irq_sender::hit`)

    mutating func hitIrq(_ i: Int) {
        guard irqs[i].header.life == .live else { return }
        guard irqs[i].thread != nil else {
            irqs[i].delivery = .pending
            irqs[i].masked = true
            return
        }
        if irqs[i].delivery == .queued {
            irqs[i].masked = true
            return
        }
        deliverIrq(i)
    }

    /// Delivers a bound Irq at once to a thread waiting for it, else queues it.
    /// A bound thread that can no longer receive leaves the Irq pending.
    mutating func deliverIrq(_ i: Int) {
        guard let r = irqs[i].thread else { return }
        guard canReceive(r) else {
            irqs[i].delivery = .pending
            irqs[i].masked = true
            return
        }
        if accepts(r, from: .irq(i)) {
            receiveIrqMessage(i, at: r)
            complete(r, .success)
            return
        }
        enqueue(.irq(i), in: .thread(r))
        irqs[i].delivery = .queued
    }

    /// §6.3: an IRQ message has tag label 0 and no words; the label register
    /// gets the Irq's label. Consuming it unmasks the edge-triggered line (§7).
    mutating func receiveIrqMessage(_ i: Int, at t: Int) {
        setReceived(t, tag: 0, label: irqs[i].label)
        irqs[i].delivery = .idle
        irqs[i].masked = false
    }

    /// Withdraws a queued delivery and unbinds (detach, deletion).
    mutating func detachIrq(_ i: Int) {
        guard let t = irqs[i].thread else { return }
        if irqs[i].delivery == .queued { dequeue(.irq(i), from: .thread(t)) }
        irqs[i].thread = nil
        irqs[i].delivery = .idle
        irqs[i].masked = true
        unpinThread(t)
    }

    /// Re-binding moves a queued delivery; an outstanding one is delivered now.
    mutating func bindIrq(_ i: Int, to t: Int, label: UInt64) {
        let outstanding = irqs[i].delivery != .idle
        let old = irqs[i].thread
        if irqs[i].delivery == .queued, let old { dequeue(.irq(i), from: .thread(old)) }
        irqs[i].thread = t
        irqs[i].label = label
        irqs[i].delivery = .idle
        if old != t {
            threads[t].pins += 1
            if let old { unpinThread(old) }
        }
        if outstanding { deliverIrq(i) }
    }

    /// A hardware line fires: every live Irq attached to it is hit, in table order.
    mutating func hitLine(_ line: Int) {
        for i in irqs.indices where irqs[i].header.life == .live && irqs[i].line == line { hitIrq(i) }
    }

    // MARK: - Operations (`Irq_sender::kinvoke`)

    mutating func irqRpc(_ t: Int, irq i: Int, rights: UInt8) -> RpcResult {
        let req = request(t)
        switch req.label {
        case Proto.kobject:
            guard req.words > 0, req.mr(0) == 0x10 else { return .fail(req.words == 0 ? .einval : .enosys) }
            do { return .done(try bind(t, irq: i, rights: rights, req)) } catch { return error.result }
        case Proto.irq:
            // Trigger (op 2, or no words) and unmask (op 4, EOI) are send-only: no reply.
            if req.words == 0 || req.mr(0) == 2 {
                hitIrq(i)
                return .noReply
            }
            guard req.mr(0) == 4 else { return .fail(.enosys) }
            if irqs[i].delivery == .idle && !injected(.irqUnmaskIgnored) { irqs[i].masked = false }
            return .noReply
        case Proto.irqSender:
            guard req.words > 0, req.mr(0) == 1 else { return .fail(req.words == 0 ? .emsgtooshort : .enosys) }
            return detach(i, rights: rights)
        default:
            return .fail(.ebadproto)
        }
    }

    /// KOBJECT op 0x10 (receive-endpoint bind): S on the Irq, the label word,
    /// the thread item, S on the thread; any label value.
    private mutating func bind(_ t: Int, irq i: Int, rights: UInt8, _ req: Request) throws(RpcError) -> RpcReply {
        guard rights & Rights.s != 0 else { throw .l4(.eperm) }
        guard req.words >= 2 else { throw .l4(.emsgtooshort) }
        let (thread, threadRights) = try objectArgument(t, req, kind: .thread)
        guard threadRights & Rights.s != 0 else { throw .l4(.eperm) }
        bindIrq(i, to: thread.index, label: req.mr(1))
        return RpcReply()
    }

    /// IRQ_SENDER op 1: S; `-ENOENT` if unbound; 1 if a delivery was
    /// outstanding (queued or pending), else 0.
    private mutating func detach(_ i: Int, rights: UInt8) -> RpcResult {
        guard rights & Rights.s != 0 else { return .fail(.eperm) }
        guard irqs[i].thread != nil else { return .fail(.enoent) }
        let outstanding: Int64 = irqs[i].delivery != .idle ? 1 : 0
        detachIrq(i)
        return .done(RpcReply(label: outstanding, value: true))
    }
}

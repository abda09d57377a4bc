/// Irq objects (kernel-api §3.6, §7): bind, trigger, receive, unmask, detach.
/// Edge-triggered only: one outstanding delivery per Irq, hits while queued are
/// coalesced, a hit while unbound is remembered as pending.
extension KernelState {
    // MARK: - Delivery

    /// kernel-api §7 — a hit: unbound → pending and masked; queued → coalesced;
    /// otherwise deliver at once to a waiting thread or queue at priority 255.
    mutating func hitIrq(_ i: IrqID) {
        guard irqs[i.index].life == .live else { return }
        if irqs[i.index].thread == noID {
            irqs[i.index].delivery = .pending
            irqs[i.index].masked = 1
            return
        }
        if irqs[i.index].delivery == .queued {
            irqs[i.index].masked = 1
            return
        }
        deliverIrq(i)
    }

    /// Delivers a bound Irq. An Irq bound to a thread that can no longer receive
    /// stays pending (properties.md §8, IRQ-1 note: modelled explicitly).
    mutating func deliverIrq(_ i: IrqID) {
        let r = ThreadID(Int(irqs[i.index].thread))
        guard canReceive(r) else {
            irqs[i.index].delivery = .pending
            irqs[i.index].masked = 1
            return
        }
        if accepts(r, from: .irq(i)) {
            receiveIrqMessage(i, at: r)
            finish(r, .success)
            return
        }
        enqueue(.irq(i), in: .thread(r))
        irqs[i.index].delivery = .queued
    }

    /// Withdraws a queued delivery and unbinds (detach, deletion).
    mutating func detachIrq(_ i: IrqID) {
        let t = irqs[i.index].thread
        guard t != noID else { return }
        if irqs[i.index].delivery == .queued { dequeue(.irq(i), from: .thread(ThreadID(Int(t)))) }
        irqs[i.index].thread = noID
        irqs[i.index].delivery = .idle
        irqs[i.index].masked = 1
        freeThreadIfUnreferenced(ThreadID(Int(t)))
    }

    // MARK: - Operations

    /// KOBJECT op 0x10 on an Irq: S on the Irq and S on the thread; any label.
    /// Re-binding moves a queued delivery; a pending hit is delivered now.
    func decodeBindIrq(rights: CapRights, thread: SlotIndex?, by caller: ThreadID) throws(SyscallError) -> ThreadID {
        guard rights.contains(.s) else { throw .l4(.eperm) }
        let (t, tr) = try objectArgument(thread, of: .thread, by: caller)
        guard tr.contains(.s) else { throw .l4(.eperm) }
        return ThreadID(Int(t))
    }

    mutating func performBindIrq(_ i: IrqID, to t: ThreadID, label: UInt16) {
        let wasOutstanding = irqs[i.index].delivery != .idle
        let old = irqs[i.index].thread
        if irqs[i.index].delivery == .queued, old != noID { dequeue(.irq(i), from: .thread(ThreadID(Int(old)))) }
        irqs[i.index].thread = t.raw
        irqs[i.index].label = label
        irqs[i.index].delivery = .idle
        if old != noID && old != t.raw { freeThreadIfUnreferenced(ThreadID(Int(old))) }
        if wasOutstanding { deliverIrq(i) }
    }

    /// IRQ_SENDER op 1 `detach`: S; `-ENOENT` if unbound; returns 1 if a
    /// delivery was outstanding, else 0.
    mutating func performDetach(_ i: IrqID, rights: CapRights) -> Outcome {
        guard rights.contains(.s) else { return .error(.eperm) }
        guard irqs[i.index].thread != noID else { return .error(.enoent) }
        let outstanding = irqs[i.index].delivery != .idle
        detachIrq(i)
        return .ok(value: outstanding ? 1 : 0)
    }

    /// IRQ op 4 `unmask`: no right; only when nothing is queued or pending.
    mutating func performUnmask(_ i: IrqID) {
        if irqs[i.index].delivery == .idle { irqs[i.index].masked = 0 }
    }

    /// A hardware line fires: every Irq attached to it is hit.
    mutating func hitLine(_ line: UInt8) {
        for i in 0..<Capacity.irqs where irqs[i].life == .live && irqs[i].line == line { hitIrq(IrqID(i)) }
    }
}

import Testing
import KernelImpl

/// Irq objects (kernel-api §3.6, §7): bind, trigger, coalescing, pending,
/// receive (unmask + closed wait), detach, hardware lines.
@Suite struct IrqTests {
    /// TwoTasks plus Irq i (label 0x77, line 3) bound to b if `bound`; A holds it at 8.
    static func world(bound: Bool = true) throws -> (TwoTasks, Int) {
        var w = try TwoTasks()
        let i = try w.k.bootIrq(quota: w.s.root, thread: bound ? w.b : nil, label: 0x77, line: 3)
        try w.s.cap(ObjectID(.irq, i), in: w.A, at: 8)
        try w.s.cap(ObjectID(.irq, i), in: w.B, at: 8)
        return (w, i)
    }

    @Test func trigger_deliversToAWaitingThread() throws {
        var (w, i) = try Self.world()
        _ = w.k.wait()                                          // b
        #expect(w.k.trigger(8).outcome == .success)              // a: send-only, no reply
        #expect(w.k.thread(w.b).lastOutcome == .success)
        #expect(w.k.regs(w.b).label == 0x77)
        #expect(w.k.tag(w.b).raw == 0)                           // label 0, no words
        #expect(w.k.irqView(i)?.delivery == .idle)
    }

    @Test func triggerWhileUnbound_isPending_andBindDelivers() throws {
        var (w, i) = try Self.world(bound: false)
        _ = w.k.wait()
        _ = w.k.trigger(8)
        #expect(w.k.irqView(i)?.delivery == .pending)
        #expect(w.k.irqView(i)?.masked == true)
        #expect(w.k.bind(8, thread: Slot.b, label: 0x99).outcome == .success)
        #expect(w.k.thread(w.b).lastOutcome == .success)
        #expect(w.k.regs(w.b).label == 0x99)
    }

    @Test func triggerWhileQueued_isCoalesced_andConsumingUnmasks() throws {
        var (w, i) = try Self.world()
        _ = w.k.sleep(Timeouts.never)                           // b blocks on itself; a runs
        _ = w.k.trigger(8)
        #expect(w.k.irqView(i)?.delivery == .queued)
        #expect(w.k.thread(w.b).senders == [.irq(i)])
        _ = w.k.trigger(8)
        #expect(w.k.irqView(i)?.masked == true)
        #expect(w.k.thread(w.b).senders == [.irq(i)])
        _ = w.k.exRegs(Slot.b, flags: Kernel.ExRegs.cancel)
        #expect(w.k.wait().outcome == .success)                  // b takes the queued hit
        #expect(w.k.irqView(i)?.delivery == .idle)
        #expect(w.k.irqView(i)?.masked == false)
    }

    @Test func irqReceive_unmasksThenWaitsClosedOnTheIrq() throws {
        var (w, i) = try Self.world()
        #expect(w.k.irqReceive(8).outcome == .blocked)            // b
        #expect(w.k.state(w.b) == .receiving(from: .irq(i)))
        _ = w.k.trigger(8)
        #expect(w.k.regs(w.b).label == 0x77)
    }

    @Test func irqReceive_takesAnAlreadyQueuedHitAtOnce() throws {
        var (w, _) = try Self.world()
        _ = w.k.sleep(Timeouts.never)
        _ = w.k.trigger(8)
        _ = w.k.exRegs(Slot.b, flags: Kernel.ExRegs.cancel)
        let e = w.k.irqReceive(8)
        #expect(e.outcome == .success)
        #expect(e.registers?.label == 0x77)
    }

    @Test func irqQueuesAtPriority255_aheadOfThreadSenders() throws {
        var (w, i) = try Self.world()
        let x = try w.s.thread(in: w.A, prio: 1)
        _ = w.k.sleep(Timeouts.never)                           // b
        _ = w.k.sleep(Timeouts.never)                           // a
        #expect(w.k.send(Slot.b).outcome == .blocked)           // x queues at b
        _ = w.k.irqLine(3)                                       // the line hits the Irq
        #expect(w.k.thread(w.b).senders == [.irq(i), .thread(x)])
    }

    @Test func unmask_onlyWhenNothingIsOutstanding() throws {
        var (w, i) = try Self.world(bound: false)
        _ = w.k.sleep(Timeouts.never)
        _ = w.k.trigger(8)                                       // pending + masked
        _ = w.k.unmask(8)
        #expect(w.k.irqView(i)?.masked == true)
    }

    @Test func detach_reportsAnOutstandingDelivery() throws {
        var (w, i) = try Self.world()
        _ = w.k.sleep(Timeouts.never)
        _ = w.k.trigger(8)
        let e = w.k.detach(8)
        #expect(e.outcome == .ok(value: 1))
        #expect(e.tag.label == 1)
        #expect(w.k.irqView(i)?.thread == nil)
        #expect(w.k.thread(w.b).senders == [])
        #expect(w.k.detach(8).outcome == .error(.enoent))
    }

    @Test func detach_withoutS_isEperm() throws {
        var (w, i) = try Self.world()
        _ = w.k.sleep(Timeouts.never)
        try w.s.cap(ObjectID(.irq, i), in: w.A, at: 9, rights: Rights.r | Rights.w)
        #expect(w.k.detach(9).outcome == .error(.eperm))
    }

    @Test func bind_needsSOnTheIrqAndOnTheThread() throws {
        var (w, i) = try Self.world(bound: false)
        _ = w.k.sleep(Timeouts.never)
        try w.s.cap(ObjectID(.irq, i), in: w.A, at: 9, rights: Rights.r)
        try w.s.cap(ObjectID(.thread, w.b), in: w.A, at: 10, rights: Rights.r)
        #expect(w.k.bind(9, thread: Slot.b, label: 1).outcome == .error(.eperm))
        #expect(w.k.bind(8, thread: 10, label: 1).outcome == .error(.eperm))
        #expect(w.k.bind(8, thread: Slot.task, label: 1).outcome == .error(.einval))
    }

    @Test func wrongProtocolAndUnknownOp() throws {
        var (w, _) = try Self.world()
        _ = w.k.sleep(Timeouts.never)
        #expect(w.k.call(8, Msg(label: 0, words: [1])).outcome == .error(.ebadproto))
        #expect(w.k.call(8, Msg(label: Proto.irq, words: [7])).outcome == .error(.enosys))
        #expect(w.k.send(8, Msg(label: 0, words: [1])).outcome == .success)     // dropped without a receive phase
    }

    @Test func rebinding_movesAQueuedDelivery() throws {
        var (w, i) = try Self.world()
        let c = try w.s.thread(in: w.A, prio: 1)
        try w.s.cap(ObjectID(.thread, c), in: w.A, at: 10)
        _ = w.k.sleep(Timeouts.never)                           // b
        _ = w.k.trigger(8)                                       // queued at b
        #expect(w.k.bind(8, thread: 10, label: 5).outcome == .success)   // a rebinds to c
        #expect(w.k.thread(w.b).senders == [])
        #expect(w.k.thread(c).senders == [.irq(i)])
        _ = w.k.sleep(Timeouts.never)                           // a
        #expect(w.k.wait().thread == c)                          // c takes it at once
        #expect(w.k.regs(c).label == 5)
    }

    @Test func deletingTheIrq_withdrawsTheQueuedDelivery() throws {
        var (w, i) = try Self.world()
        _ = w.k.sleep(Timeouts.never)
        _ = w.k.trigger(8)
        #expect(w.k.taskUnmap(Slot.task, mask: UnmapMask.deleteObject, [.object(index: 8, rights: 0xF)]).outcome == .success)
        #expect(w.k.lifetime(of: ObjectID(.irq, i)) == .free)
        #expect(w.k.thread(w.b).senders == [])
        #expect(w.k.capView(task: w.B, slot: 8) == nil)
    }

    @Test func triggerOpcode2_andUnknownKobjectOp() throws {
        var (w, i) = try Self.world()
        _ = w.k.sleep(Timeouts.never)
        #expect(w.k.send(8, Msg(label: Proto.irq, words: [2])).outcome == .success)
        #expect(w.k.irqView(i)?.delivery == .queued)
        #expect(w.k.call(8, Msg(label: Proto.kobject, words: [0x11])).outcome == .error(.enosys))
        #expect(w.k.call(8, Msg(label: Proto.irqSender, words: [2])).outcome == .error(.enosys))
    }
}

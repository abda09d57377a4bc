import Testing
import KernelImpl

/// Thread control and ex_regs (kernel-api §3.2).
@Suite struct ThreadTests {
    static func world() throws -> TwoTasks {
        var w = try TwoTasks()
        _ = w.k.sleep(Timeouts.never)                  // b blocks; a runs
        return w
    }

    static let neverSet: UInt64 = 0xFFFF_FFFF_FFFF_F000

    // MARK: - control (op 0)

    @Test func control_setsPagerAndHandler_returningTheOldOnes() throws {
        var w = try Self.world()
        let flags = Kernel.ThreadControl.setPager | Kernel.ThreadControl.setExceptionHandler
        let e = w.k.control(Slot.b, flags: flags, pager: Abi.selector(5) | 0x3, exc: Abi.selector(6))
        #expect(e.outcome == .success)
        #expect(e.tag == MsgTag(label: 0, words: 3))
        #expect(w.k.mr(w.a, 1) == Self.neverSet && w.k.mr(w.a, 2) == Self.neverSet)
        #expect(w.k.thread(w.b).pager == 5 && w.k.thread(w.b).excHandler == 6)   // stored as indices; low bits lost
        _ = w.k.control(Slot.b, flags: 0)
        #expect(w.k.mr(w.a, 1) == Abi.selector(5) && w.k.mr(w.a, 2) == Abi.selector(6))
    }

    @Test func control_withoutS_isEperm_beforeTheWordCount() throws {
        var w = try Self.world()
        try w.s.cap(ObjectID(.thread, w.b), in: w.A, at: 10, rights: Rights.r | Rights.w)
        #expect(w.k.call(10, Msg(label: Proto.thread, words: [0])).outcome == .error(.eperm))
        #expect(w.k.call(Slot.b, Msg(label: Proto.thread, words: [0, 0])).outcome == .error(.einval))
    }

    @Test func control_bindsAnUnboundThreadOnce() throws {
        var w = try Self.world()
        _ = w.k.create(Slot.factory, proto: Proto.thread, into: 8)
        let t = try #require(w.k.capView(task: w.A, slot: 8)).object.index
        #expect(w.k.control(8, flags: Kernel.ThreadControl.bindTask, bind: Slot.other).outcome == .success)
        #expect(w.k.thread(t).task == w.B)
        #expect(w.k.taskView(w.B)?.boundThreads == 2)
        #expect(w.k.control(8, flags: Kernel.ThreadControl.bindTask, bind: Slot.task).outcome == .error(.einval))
    }

    @Test func control_bindErrors() throws {
        var w = try Self.world()
        _ = w.k.create(Slot.factory, proto: Proto.thread, into: 8)
        #expect(w.k.control(8, flags: Kernel.ThreadControl.bindTask).outcome == .error(.einval))            // no task item
        #expect(w.k.control(8, flags: Kernel.ThreadControl.bindTask, bind: Slot.a).outcome == .error(.einval))   // not a task
        try w.s.cap(ObjectID(.task, w.B), in: w.A, at: 11, rights: Rights.r | Rights.w)
        #expect(w.k.control(8, flags: Kernel.ThreadControl.bindTask, bind: 11).outcome == .error(.eperm))
    }

    @Test func threadLabelWithFlagsZero_isAKernelOperation_resultDropped() throws {
        var w = try Self.world()
        let e = w.k.sys(Abi.selector(Slot.b), 0, Msg(label: Proto.thread, words: [Kernel.ThreadControl.setPager, Abi.selector(9), 0, 0, 0, 0]))
        #expect(e.outcome == .success)
        #expect(w.k.thread(w.b).pager == 9)
        #expect(e.tag.label == Proto.thread)                         // no receive phase: the input tag stays
    }

    @Test func threadLabelWithReceiveOnly_isIpc() throws {
        var w = try Self.world()
        #expect(w.k.receive(Slot.b, Msg(label: Proto.thread)).outcome == .blocked)   // a closed wait on b
        #expect(w.k.state(w.a) == .receiving(from: .thread(w.b)))
    }

    // MARK: - ex_regs (op 1)

    @Test func exRegs_resurrectsADeadThread_whichRunsAfterRunThread() throws {
        var w = try Self.world()
        _ = w.k.create(Slot.factory, proto: Proto.thread, into: 8)
        let t = try #require(w.k.capView(task: w.A, slot: 8)).object.index
        #expect(w.k.runThread(Slot.scheduler, thread: 8, prio: 9).outcome == .success)
        #expect(w.k.state(t) == .dead)
        let e = w.k.exRegs(8, ip: 0x1000, sp: 0x2000)
        #expect(e.outcome == .success)
        #expect(e.tag == MsgTag(label: 0, words: 3))
        #expect(w.k.state(t) == .ready && w.k.thread(t).ip == 0x1000 && w.k.thread(t).sp == 0x2000)
        #expect(w.k.currentThread(cpu: 0) == t)
    }

    @Test func exRegs_returnsTheOldIpAndSp() throws {
        var w = try Self.world()
        _ = w.k.exRegs(Slot.b, ip: 0x10, sp: 0x20)
        _ = w.k.exRegs(Slot.b)
        #expect(w.k.mr(w.a, 1) == 0x10 && w.k.mr(w.a, 2) == 0x20)
    }

    @Test func exRegs_cancel_abortsABlockedSender() throws {
        var w = try Self.world()
        let c = try w.s.thread(in: w.A, prio: 1)
        try w.s.cap(ObjectID(.thread, c), in: w.A, at: 10)
        #expect(w.k.send(Slot.b).outcome == .blocked)                    // a queues at the sleeping b
        #expect(w.k.currentThread(cpu: 0) == c)
        #expect(w.k.exRegs(Slot.a, flags: Kernel.ExRegs.cancel).outcome == .success)
        #expect(w.k.thread(w.a).lastOutcome == .ipcError(.secanceled))
        #expect(w.k.tag(w.a).raw == MsgTag.error)
        #expect(w.k.thread(w.b).senders == [])
    }

    @Test func exRegs_cancel_abortsAReceiveAndClearsTheCalleesReplySlot() throws {
        var w = try TwoTasks()
        _ = w.k.wait()                                                   // b
        _ = w.k.call(Slot.b)                                             // a waits for b's reply
        #expect(w.k.thread(w.b).replyTo == w.a)
        #expect(w.k.exRegs(Slot.a, flags: Kernel.ExRegs.cancel).outcome == .success)   // b cancels a
        #expect(w.k.thread(w.a).lastOutcome == .ipcError(.recanceled))
        #expect(w.k.thread(w.b).replyTo == nil)
        #expect(w.k.reply().outcome == .ipcError(.enotExistent))
    }

    @Test func exRegs_wordCountAndArchBits_areEinval() throws {
        var w = try Self.world()
        #expect(w.k.call(Slot.b, Msg(label: Proto.thread, words: [1, 0])).outcome == .error(.einval))
        #expect(w.k.exRegs(Slot.b, flags: 0x0100_0000).outcome == .error(.einval))
    }

    @Test func exRegs_needsNoRights() throws {
        var w = try Self.world()
        try w.s.cap(ObjectID(.thread, w.b), in: w.A, at: 10, rights: Rights.r)
        #expect(w.k.exRegs(10, flags: Kernel.ExRegs.cancel).outcome == .success)
        #expect(w.k.thread(w.b).lastOutcome == .ipcError(.recanceled))
    }

    @Test func unimplementedThreadOps_areEnosys() throws {
        var w = try Self.world()
        #expect(w.k.call(Slot.b, Msg(label: Proto.thread, words: [2])).outcome == .error(.enosys))
        #expect(w.k.call(Slot.b, Msg(label: Proto.thread, words: [])).outcome == .error(.emsgtooshort))
    }

    @Test func alienThreadsAndTriggeredExceptions_areEnosys() throws {
        var w = try Self.world()
        #expect(w.k.control(Slot.b, flags: Kernel.ThreadControl.alienThread).outcome == .error(.enosys))
        #expect(w.k.exRegs(Slot.b, flags: Kernel.ExRegs.triggerException).outcome == .error(.enosys))
    }
}

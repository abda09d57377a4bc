import Testing
import KernelImpl

/// IPC gates (kernel-api §3.3): label | rights, blocking while unbound,
/// bind_thread with its error order, get_infos, dec_refcnt, deletion.
@Suite struct GateTests {
    /// TwoTasks plus gate g: A holds the server cap at 7 and a client cap (R|W) at 8.
    static func world(boundTo bound: Bool = true, label: UInt64 = 0x40) throws -> (TwoTasks, Int) {
        var w = try TwoTasks()
        let g = try w.k.bootGate(quota: w.s.root, thread: bound ? w.b : nil, label: label)
        try w.s.cap(ObjectID(.gate, g), in: w.A, at: 7)
        try w.s.cap(ObjectID(.gate, g), in: w.A, at: 8, rights: Rights.r | Rights.w, server: false)
        return (w, g)
    }

    @Test func callThroughGate_deliversLabelOrRights_andTheReplyReturns() throws {
        var (w, _) = try Self.world()
        _ = w.k.wait()                                               // b
        #expect(w.k.call(8, Msg(words: [1], slabel: 0x999)).outcome == .blocked)
        #expect(w.k.regs(w.b).label == 0x41)                          // gate label | W; the sender's label is ignored
        #expect(w.k.thread(w.b).replyTo == w.a)
        #expect(w.k.state(w.a) == .receiving(from: .thread(w.b)))
        #expect(w.k.reply(Msg(words: [2])).outcome == .success)
        #expect(w.k.mr(w.a, 0) == 2)
    }

    @Test func serverCap_deliversTheSBitToo() throws {
        var (w, _) = try Self.world()
        _ = w.k.wait()
        _ = w.k.send(7)
        #expect(w.k.regs(w.b).label == 0x43)
    }

    @Test func unboundGate_zeroTimeout_isSetimeout() throws {
        var (w, _) = try Self.world(boundTo: false)
        _ = w.k.wait()
        #expect(w.k.call(8, Msg(send: Timeouts.zero)).outcome == .ipcError(.setimeout))
    }

    @Test func unboundGate_blocksUntilBind_thenTheIpcReruns() throws {
        var (w, g) = try Self.world(boundTo: false)
        let c = try w.s.thread(in: w.A, prio: 1)
        _ = w.k.wait()                                               // b waits
        #expect(w.k.call(8, Msg(words: [5])).outcome == .blocked)   // a blocks on the gate
        #expect(w.k.state(w.a) == .blockedOnGate(g))
        #expect(w.k.gateView(g)?.waiters == [w.a])
        #expect(w.k.currentThread(cpu: 0) == c)
        #expect(w.k.bind(7, thread: Slot.b, label: 0x80).outcome == .success)   // c binds the gate to b
        #expect(w.k.gateView(g)?.thread == w.b)
        #expect(w.k.mr(w.b, 0) == 5 && w.k.regs(w.b).label == 0x81)
        #expect(w.k.state(w.a) == .receiving(from: .thread(w.b)))
    }

    @Test func receiveOnlyThroughGate_isAClosedWaitOnTheBoundThread() throws {
        var (w, _) = try Self.world()
        _ = w.k.sleep(Timeouts.never)                                // b blocks (not receiving from a); a runs
        #expect(w.k.receive(8).outcome == .blocked)
        #expect(w.k.state(w.a) == .receiving(from: .thread(w.b)))
    }

    @Test func gateBoundToADyingThread_isEnotExistent() throws {
        var (w, _) = try Self.world()
        _ = w.k.sleep(Timeouts.never)                                   // b blocks; a runs
        #expect(w.k.taskUnmap(Slot.task, mask: UnmapMask.deleteObject, [.object(index: Slot.b, rights: 0xF)]).outcome == .success)
        #expect(w.k.thread(w.b).dying)
        // b is marked ready at the front of its level and tears down at its next event.
        #expect(w.k.tick(cpu: 0).outcome == .tornDown)
        #expect(w.k.call(8, Msg(send: Timeouts.zero)).outcome == .ipcError(.enotExistent))
    }

    @Test func clientViewWithKobjectLabel_isForwardedNotAKernelOp() throws {
        var (w, _) = try Self.world()
        _ = w.k.wait()
        #expect(w.k.call(8, Msg(label: Proto.kobject, words: [0x11])).outcome == .blocked)
        #expect(w.k.tag(w.b).label == Proto.kobject)
    }

    // MARK: - bind_thread errors, in the kernel's order

    @Test func bind_withoutS_isEperm() throws {
        var (w, g) = try Self.world()
        _ = w.k.sleep(Timeouts.never)
        try w.s.cap(ObjectID(.gate, g), in: w.A, at: 9, rights: Rights.r | Rights.w)       // server view, no S
        #expect(w.k.bind(9, thread: Slot.b, label: 0).outcome == .error(.eperm))
        #expect(w.k.tag(w.a).label == L4Err.eperm.label)
    }

    @Test func bind_tooFewWords_isEmsgtooshort() throws {
        var (w, _) = try Self.world()
        _ = w.k.sleep(Timeouts.never)
        #expect(w.k.call(7, Msg(label: Proto.kobject, words: [0x10])).outcome == .error(.emsgtooshort))
    }

    @Test func bind_labelLowBits_isEinval() throws {
        var (w, _) = try Self.world()
        _ = w.k.sleep(Timeouts.never)
        #expect(w.k.bind(7, thread: Slot.b, label: 0x41).outcome == .error(.einval))
    }

    @Test func bind_missingOrWrongThreadItem_isEinval() throws {
        var (w, _) = try Self.world()
        _ = w.k.sleep(Timeouts.never)
        #expect(w.k.call(7, Msg(label: Proto.kobject, words: [0x10, 0])).outcome == .error(.einval))
        #expect(w.k.bind(7, thread: Slot.task, label: 0).outcome == .error(.einval))      // a task, not a thread
        #expect(w.k.bind(7, thread: 13, label: 0).outcome == .error(.einval))             // empty slot
    }

    @Test func bind_nonObjectItem_isSemsgcut() throws {
        var (w, _) = try Self.world()
        _ = w.k.sleep(Timeouts.never)
        let m = Msg(label: Proto.kobject, words: [0x10, 0], items: [(SendItem.map, Fpage.memory(address: 0, order: 12, rights: 7).raw)])
        let e = w.k.call(7, m)
        #expect(e.outcome == .ipcError(.semsgcut))
        #expect(e.tag.raw == MsgTag.error)
    }

    @Test func bind_threadCapWithoutS_isEperm() throws {
        var (w, _) = try Self.world()
        _ = w.k.sleep(Timeouts.never)
        try w.s.cap(ObjectID(.thread, w.b), in: w.A, at: 10, rights: Rights.r)
        #expect(w.k.bind(7, thread: 10, label: 0).outcome == .error(.eperm))
    }

    // MARK: - get_infos, dec_refcnt

    @Test func getInfos_returnsTheLabel() throws {
        var (w, _) = try Self.world()
        _ = w.k.sleep(Timeouts.never)
        #expect(w.k.call(7, Msg(label: Proto.kobject, words: [0x11])).outcome == .success)
        #expect(w.k.mr(w.a, 0) == 0x40)
    }

    @Test func decRefcnt_lowersTheCounterWithoutDeleting_nextReleaseDeletes() throws {
        var (w, g) = try Self.world()
        _ = w.k.sleep(Timeouts.never)
        #expect(w.k.gateView(g)?.countedCaps == 2)
        #expect(w.k.call(7, Msg(label: Proto.kobject, words: [0, 2])).outcome == .success)
        #expect(w.k.mr(w.a, 0) == 0)
        #expect(w.k.lifetime(of: ObjectID(.gate, g)) == .live)
        // Releasing one counted cap now finds the counter at 0: the gate dies for every holder.
        #expect(w.k.taskUnmap(Slot.task, mask: UnmapMask.allSpaces, [.object(index: 8, rights: 0xF)]).outcome == .success)
        #expect(w.k.lifetime(of: ObjectID(.gate, g)) == .free)
        #expect(w.k.capView(task: w.A, slot: 7) == nil)
    }

    // MARK: - Deletion (§5.4)

    @Test func deletingAnUnboundGate_failsItsBlockedSendersWithEnotExistent() throws {
        var (w, g) = try Self.world(boundTo: false)
        _ = try w.s.thread(in: w.A, prio: 1)
        _ = w.k.sleep(Timeouts.never)                               // b
        #expect(w.k.call(8).outcome == .blocked)                     // a on the gate
        #expect(w.k.taskUnmap(Slot.task, mask: UnmapMask.deleteObject, [.object(index: 7, rights: 0xF)]).outcome == .success)   // c
        #expect(w.k.lifetime(of: ObjectID(.gate, g)) == .free)
        #expect(w.k.thread(w.a).lastOutcome == .ipcError(.enotExistent))
        #expect(w.k.tag(w.a).raw == MsgTag.error)
    }

    @Test func deletingABoundGate_leavesQueuedMessagesWithTheOldLabel() throws {
        var (w, g) = try Self.world()
        _ = try w.s.thread(in: w.A, prio: 1)
        _ = w.k.sleep(Timeouts.never)                               // b sleeps: not receiving
        #expect(w.k.send(8, Msg(words: [3])).outcome == .blocked)     // a queues at b
        #expect(w.k.taskUnmap(Slot.task, mask: UnmapMask.deleteObject, [.object(index: 7, rights: 0xF)]).outcome == .success)
        #expect(w.k.lifetime(of: ObjectID(.gate, g)) == .free)
        #expect(w.k.thread(w.b).senders == [.thread(w.a)])
        _ = w.k.exRegs(Slot.b, flags: Kernel.ExRegs.cancel)          // wake b
        #expect(w.k.wait().thread == w.b)
        #expect(w.k.regs(w.b).label == 0x41)
    }
}

import Testing
import KernelImpl

/// IPC through thread capabilities (kernel-api §6), driven through the ABI.
@Suite struct IpcTests {
    // MARK: - Dispatch errors (§1)

    @Test func invalidCap_isSendPhaseEnotExistent() throws {
        var w = try TwoTasks()
        let e = w.k.call(12, Msg(words: [1]))                     // b runs (prio 3): slot 12 is empty
        #expect(e.thread == w.b)
        #expect(e.outcome == .ipcError(.enotExistent))
        #expect(e.tag.raw == MsgTag.error)
        #expect(w.k.error(w.b) == IpcErrorCode.enotExistent.rawValue)
    }

    @Test func flagsZeroOnThreadWithForeignLabel_isEnotExistent() throws {
        var w = try TwoTasks()
        let e = w.k.sys(Abi.selector(Slot.a), 0, Msg(label: 5))
        #expect(e.outcome == .ipcError(.enotExistent))
        #expect(e.tag.hasError)
    }

    // MARK: - Send / receive (§6.2, §6.3)

    @Test func sendToOpenWaiter_copiesWordsLabelAndTag() throws {
        var w = try TwoTasks()
        #expect(w.k.wait().outcome == .blocked)                  // b waits
        let e = w.k.send(Slot.b, Msg(label: 9, words: [7, 8], slabel: 0x55))
        #expect(e.thread == w.a)
        #expect(e.outcome == .success)
        #expect(e.tag == MsgTag(label: 9, words: 2))           // a send-only returns its input tag
        #expect(w.k.tag(w.b) == MsgTag(label: 9, words: 2))
        #expect(w.k.regs(w.b).label == 0x55)
        #expect(w.k.mr(w.b, 0) == 7 && w.k.mr(w.b, 1) == 8)
        #expect(w.k.thread(w.b).lastOutcome == .success)
        #expect(w.k.currentThread(cpu: 0) == w.b)                // woken at the front, higher priority
        #expect(w.k.thread(w.b).replyTo == nil)                  // a plain send creates no reply cap
    }

    @Test func sendWithZeroTimeout_toNonReceiver_isSetimeout() throws {
        var w = try TwoTasks()
        let e = w.k.send(Slot.a, Msg(words: [1], send: Timeouts.zero))   // b sends to a, which is not receiving
        #expect(e.outcome == .ipcError(.setimeout))
        #expect(e.tag.raw == MsgTag.error)
        #expect(w.k.error(w.b) == IpcErrorCode.setimeout.rawValue)
    }

    @Test func sendWithNeverTimeout_queuesUntilTheReceiverWaits() throws {
        var w = try TwoTasks()
        #expect(w.k.send(Slot.a, Msg(words: [42])).outcome == .blocked)  // b queues at a
        #expect(w.k.state(w.b) == .sending(to: w.a))
        #expect(w.k.thread(w.a).senders == [.thread(w.b)])
        let e = w.k.wait()                                             // a takes it at once
        #expect(e.thread == w.a && e.outcome == .success)
        #expect(w.k.mr(w.a, 0) == 42)
        #expect(w.k.thread(w.b).lastOutcome == .success)
        #expect(w.k.state(w.b) == .ready)
    }

    @Test func sendToUnstartedThread_isEnotExistent() throws {
        var w = try TwoTasks()
        let dead = try w.s.thread(in: w.A, prio: 1, started: false)
        try w.s.cap(ObjectID(.thread, dead), in: w.B, at: 9)
        #expect(w.k.send(9, Msg(send: Timeouts.zero)).outcome == .ipcError(.enotExistent))
    }

    @Test func openWait_takesHighestPriorityFirst_fifoWithinPriority() throws {
        var s = try TestSystem()
        let T = try s.task()
        let r = try s.thread(in: T, prio: 1)
        let x = try s.thread(in: T, prio: 5)
        let y = try s.thread(in: T, prio: 7)
        let z = try s.thread(in: T, prio: 5)
        try s.cap(ObjectID(.thread, r), in: T, at: 1)
        for v in [7, 5, 5] { #expect(s.k.send(1, Msg(words: [UInt64(v)])).outcome == .blocked) }   // y, then x, then z
        #expect(s.k.thread(r).senders == [.thread(y), .thread(x), .thread(z)])
        #expect(s.k.wait().thread == r)
        #expect(s.k.thread(r).senders == [.thread(x), .thread(z)])
        #expect(s.k.thread(y).lastOutcome == .success)
    }

    @Test func closedReceive_takesTheNamedSenderEvenBehindOthers() throws {
        var s = try TestSystem()
        let T = try s.task()
        let r = try s.thread(in: T, prio: 1)
        let x = try s.thread(in: T, prio: 5)
        let y = try s.thread(in: T, prio: 4)
        try s.cap(ObjectID(.thread, r), in: T, at: 1)
        try s.cap(ObjectID(.thread, y), in: T, at: 2)
        #expect(s.k.send(1, Msg(words: [5])).outcome == .blocked)          // x
        #expect(s.k.send(1, Msg(words: [4])).outcome == .blocked)          // y
        let e = s.k.receive(2)                                              // r: closed on y
        #expect(e.thread == r && e.outcome == .success)
        #expect(s.k.mr(r, 0) == 4)
        #expect(s.k.thread(r).senders == [.thread(x)])
    }

    @Test func sleep_zeroTimeout_isRetimeoutOnTheInputTag() throws {
        var w = try TwoTasks()
        let e = w.k.sleep()
        #expect(e.outcome == .ipcError(.retimeout))
        #expect(e.tag.hasError)
        #expect(w.k.error(w.b) == IpcErrorCode.retimeout.rawValue)
    }

    @Test func sleep_never_endsOnlyByCancel() throws {
        var w = try TwoTasks()
        #expect(w.k.sleep(Timeouts.never).outcome == .blocked)
        #expect(w.k.state(w.b) == .receiving(from: .thread(w.b)))
        #expect(w.k.exRegs(Slot.b, flags: Kernel.ExRegs.cancel).outcome == .success)   // a cancels b
        #expect(w.k.thread(w.b).lastOutcome == .ipcError(.recanceled))
        #expect(w.k.error(w.b) == IpcErrorCode.recanceled.rawValue)
    }

    // MARK: - Call and reply (§6.4)

    @Test func callToOpenWaiter_setsReplyCap_andReplyCompletesTheCall() throws {
        var w = try TwoTasks()
        #expect(w.k.wait().outcome == .blocked)
        #expect(w.k.call(Slot.b, Msg(words: [1])).outcome == .blocked)           // a waits for the reply
        #expect(w.k.state(w.a) == .receiving(from: .thread(w.b)))
        #expect(w.k.thread(w.b).replyTo == w.a)
        #expect(w.k.thread(w.b).replyRights == Rights.w | Rights.s)
        let e = w.k.reply(Msg(label: 3, words: [99], slabel: 0x10))             // b replies
        #expect(e.thread == w.b && e.outcome == .success)
        #expect(w.k.thread(w.b).replyTo == nil)
        #expect(w.k.thread(w.a).lastOutcome == .success)
        #expect(w.k.tag(w.a) == MsgTag(label: 3, words: 1))
        #expect(w.k.mr(w.a, 0) == 99)
        #expect(w.k.regs(w.a).label == 0x10)
    }

    @Test func replyWithoutCaller_isEnotExistent() throws {
        var w = try TwoTasks()
        let e = w.k.reply(Msg(words: [1]))
        #expect(e.outcome == .ipcError(.enotExistent))
        #expect(e.tag.raw == MsgTag.error)
    }

    @Test func replyCap_isOneShot() throws {
        var w = try TwoTasks()
        _ = w.k.wait()
        _ = w.k.call(Slot.b)
        #expect(w.k.reply().outcome == .success)
        _ = w.k.sleep()                                  // b (higher) still runs; nobody is waiting for its reply now
        #expect(w.k.currentThread(cpu: 0) == w.b)
        #expect(w.k.reply().outcome == .ipcError(.enotExistent))
    }

    @Test func callWithZeroReceiveTimeout_sendsThenRetimeout_noReplyCap() throws {
        var w = try TwoTasks()
        _ = w.k.wait()
        let e = w.k.call(Slot.b, Msg(words: [5], receive: Timeouts.zero))
        #expect(e.outcome == .ipcError(.retimeout))
        #expect(w.k.mr(w.b, 0) == 5)
        #expect(w.k.thread(w.b).replyTo == nil)
    }

    @Test func closedWaitReceiverGetsNoReplyCap() throws {
        var w = try TwoTasks()
        #expect(w.k.receive(Slot.a).outcome == .blocked)          // b: closed wait on a
        #expect(w.k.call(Slot.b).outcome == .blocked)
        #expect(w.k.thread(w.b).replyTo == nil)
    }

    @Test func directSendToTheWaitingCaller_countsAsTheReply() throws {
        var w = try TwoTasks()
        _ = w.k.wait()
        _ = w.k.call(Slot.b)
        #expect(w.k.thread(w.b).replyTo == w.a)
        let e = w.k.send(Slot.a, Msg(words: [3]))                // b sends to a through its thread cap
        #expect(e.outcome == .success)
        #expect(w.k.thread(w.b).replyTo == nil)
        #expect(w.k.mr(w.a, 0) == 3)
        #expect(w.k.thread(w.a).lastOutcome == .success)
    }

    @Test func replyAndWait_repliesThenTakesTheNextQueuedSender() throws {
        var s = try TestSystem()
        let T = try s.task()
        let server = try s.thread(in: T, prio: 9)
        let c1 = try s.thread(in: T, prio: 5)
        let c2 = try s.thread(in: T, prio: 4)
        try s.cap(ObjectID(.thread, server), in: T, at: 1)
        #expect(s.k.wait().outcome == .blocked)                     // server
        #expect(s.k.call(1, Msg(words: [1])).outcome == .blocked)   // c1, delivered; server runs
        let e = s.k.replyAndWait(Msg(words: [10]))                  // server replies, waits: nothing queued
        #expect(e.outcome == .blocked)
        #expect(s.k.mr(c1, 0) == 10)
        #expect(s.k.thread(c1).lastOutcome == .success)
        // c1 (prio 5) runs next, then blocks; c2 calls and the server answers again.
        _ = s.k.sleep(Timeouts.never)
        #expect(s.k.call(1, Msg(words: [2])).thread == c2)
        #expect(s.k.thread(server).replyTo == c2)
    }

    @Test func replyAndWait_wakesTheCallerBeforeTheNextSender() throws {
        var s = try TestSystem()
        let T = try s.task()
        let server = try s.thread(in: T, prio: 5)
        let caller = try s.thread(in: T, prio: 5)
        let other = try s.thread(in: T, prio: 5)
        try s.cap(ObjectID(.thread, server), in: T, at: 1)
        _ = s.k.wait()                                              // server
        _ = s.k.call(1)                                             // caller; the server runs again
        _ = s.k.tick(cpu: 0)                                        // the server's time slice ends
        #expect(s.k.send(1).thread == other)                        // other queues at the server
        #expect(s.k.replyAndWait().outcome == .success)             // reply, then take other's message at once
        #expect(s.k.readyQueue(cpu: 0).order == [other, caller, server])
    }

    @Test func sendAndWait_sendsThenWaitsOpen() throws {
        var w = try TwoTasks()
        _ = w.k.wait()
        let e = w.k.sys(Abi.selector(Slot.b), Abi.send | Abi.recv | Abi.openWait, Msg(words: [4]))
        #expect(e.outcome == .blocked)
        #expect(w.k.state(w.a) == .receiving(from: nil))
        #expect(w.k.thread(w.b).replyTo == nil)              // not a call
        _ = w.k.send(Slot.a, Msg(words: [6]))                // b answers through a's thread cap
        #expect(w.k.mr(w.a, 0) == 6)
    }

    @Test func explicitReplySelector_withoutExplicitReplyCaps_isNoReplyCap() throws {
        var w = try TwoTasks()
        let e = w.k.sys(Abi.replyCapBit, Abi.recv | Abi.openWait)
        #expect(e.outcome == .ipcError(.noReplyCap))
        #expect(e.tag.hasError)
    }

    // MARK: - Scheduling effect of a wake-up (§6.5, §9)

    @Test func equalPriorityReceiverPreempts_runsNext() throws {
        var w = try TwoTasks(aPrio: 1, bPrio: 1)
        #expect(w.k.currentThread(cpu: 0) == w.a)                 // booted first, front of the level
        #expect(w.k.wait().outcome == .blocked)                  // a waits; b runs
        #expect(w.k.send(Slot.a).outcome == .success)            // b sends
        #expect(w.k.readyQueue(cpu: 0).order == [w.a, w.b])      // the woken receiver runs, b right behind it
    }

    @Test func strictlyHigherSenderKeepsRunning() throws {
        var w = try TwoTasks(aPrio: 2, bPrio: 3)
        _ = w.k.wait()                                          // b waits
        #expect(w.k.runThread(Slot.scheduler, thread: Slot.b, prio: 1).outcome == .success)   // b drops to 1 while blocked
        #expect(w.k.send(Slot.b).outcome == .success)
        #expect(w.k.readyQueue(cpu: 0).order == [w.a, w.b])
    }

    @Test func replyThroughAnExplicitSlot_isEnotExistent_andLeavesTheImplicitSlot() throws {
        var w = try TwoTasks()
        _ = w.k.wait()
        _ = w.k.call(Slot.b)
        #expect(w.k.sys(Abi.replyCapBit, Abi.reply | Abi.send).outcome == .ipcError(.enotExistent))
        #expect(w.k.thread(w.b).replyTo == w.a)
    }

    @Test func replyWithReceive_callsTheCaller() throws {
        var w = try TwoTasks()
        _ = w.k.wait()
        _ = w.k.call(Slot.b)
        #expect(w.k.sys(Abi.invalidCap, Abi.reply | Abi.send | Abi.recv, Msg(words: [8])).outcome == .blocked)
        #expect(w.k.state(w.b) == .receiving(from: .thread(w.a)))
        #expect(w.k.mr(w.a, 0) == 8)
        #expect(w.k.thread(w.a).replyTo == nil)               // a was in a closed wait: no reply cap
    }
}

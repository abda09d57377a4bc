import Testing
@testable import Spec

/// IPC between threads (Ipc.swift, IpcQueues.swift; kernel-api §6).
@Suite struct IpcTests {
    /// Client task A with thread `client`, server task B with thread `server`
    /// (booted first, so with equal priorities the server runs first).
    /// A: 0 = A, 1 = server thread (`serverCap` rights), 2 = gate g (bound to the
    /// server, label 0x40), 3 = root factory. B: 0 = B, 1 = client thread.
    /// A maps frame 3 at page 0.
    struct World {
        var s: KernelState
        let A: TaskID, B: TaskID
        let client: ThreadID, server: ThreadID
        let g: GateID
    }

    static func world(serverPrio: UInt8 = 1, clientPrio: UInt8 = 1, serverCap: CapRights = .all) -> World {
        var sb = SystemBuilder()
        let A = sb.task(), B = sb.task()
        let server = sb.thread(in: B, prio: serverPrio)
        let client = sb.thread(in: A, prio: clientPrio)
        let g = sb.gate(thread: server, label: 0x40)
        sb.cap(.task(A), in: A, at: 0)
        sb.cap(.thread(server), in: A, at: 1, rights: serverCap)
        sb.cap(.gate(g), in: A, at: 2)
        sb.cap(.factory(sb.root), in: A, at: 3)
        sb.cap(.task(B), in: B, at: 0)
        sb.cap(.thread(client), in: B, at: 1)
        sb.page(A, 0, frame: 3)
        return World(s: sb.state, A: A, B: B, client: client, server: server, g: g)
    }

    // MARK: - Send (kernel-api §6.2)

    @Test func send_toWaitingReceiver_deliversWordsAndLabel() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.server, .wait()) == .blocked)
        #expect(w.s.thread(w.server).state == .receiving)
        #expect(w.s.ready() == [w.client])
        #expect(w.s.invoke(as: w.client, .send(.s(1), [7, 9], label: 0x33)) == .success)
        #expect(w.s.lastResult(w.server) == .success)
        #expect(w.s.receivedWords(w.server) == [7, 9])
        #expect(w.s.thread(w.server).rcvLabel == 0x33)
        #expect(w.s.thread(w.server).replyTo == 0xFF)      // a send creates no reply capability
        // An equal-priority receiver runs at once; the sender is right behind it.
        #expect(w.s.ready() == [w.server, w.client])
        expectWellFormed(w.s)
    }

    @Test func send_zeroTimeout_toNonWaitingReceiver_isSETIMEOUT() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.server, .send(.s(1), [1], timeout: .zero)) == .ipc(.setimeout))
        #expect(w.s.senderQueue(w.client).isEmpty)
        #expect(w.s.thread(w.server).state == .ready)
        #expect(w.s.lastResult(w.server) == .ipc(.setimeout))
        expectWellFormed(w.s)
    }

    @Test func send_neverTimeout_toNonWaitingReceiver_blocksUntilReceived() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.server, .send(.s(1), [5])) == .blocked)
        #expect(w.s.thread(w.server).state == .sending)
        #expect(w.s.senderQueue(w.client) == [.thread(w.server)])
        #expect(w.s.ready() == [w.client])
        #expect(w.s.invoke(as: w.client, .wait()) == .success)
        #expect(w.s.receivedWords(w.client) == [5])
        #expect(w.s.lastResult(w.server) == .success)
        #expect(w.s.senderQueue(w.client).isEmpty)
        #expect(w.s.ready() == [w.server, w.client])
        expectWellFormed(w.s)
    }

    @Test func send_toUnstartedThread_isNotExistent() {
        var w = Self.world(clientPrio: 2)
        #expect(w.s.invoke(as: w.client, .create(.thread, factory: 3, into: 4)) == .success)
        #expect(w.s.invoke(as: w.client, .send(.s(4), [1])) == .ipc(.enotExistent))
        #expect(w.s.invoke(as: w.client, .call(.s(4), [1])) == .ipc(.enotExistent))
        expectWellFormed(w.s)
    }

    @Test func ipc_toNonThreadObjects() {
        var w = Self.world(clientPrio: 2)
        // A task answers a foreign protocol with -EBADPROTO, even without a receive phase.
        #expect(w.s.invoke(as: w.client, .send(.s(0), [1])) == .error(.ebadproto))
        // Other kernel objects drop a send-only result and answer a call with -EBADPROTO.
        #expect(w.s.invoke(as: w.client, .send(.s(3), [1])) == .success)
        #expect(w.s.invoke(as: w.client, .call(.s(3), [1])) == .error(.ebadproto))
        // A receive-only invocation of a non-sender object is a sleep on oneself;
        // a task runs `Task::invoke` regardless and rejects the foreign protocol.
        #expect(w.s.invoke(as: w.client, .ipcReceive(cap: .s(3), timeout: .zero, buffer: .none)) == .ipc(.retimeout))
        #expect(w.s.invoke(as: w.client, .ipcReceive(cap: .s(0), timeout: .zero, buffer: .none)) == .error(.ebadproto))
        expectWellFormed(w.s)
    }

    // MARK: - Receive (kernel-api §6.3)

    @Test func receive_zeroTimeout_isRETIMEOUT() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.server, .wait(.zero)) == .ipc(.retimeout))
        #expect(w.s.invoke(as: w.server, .ipcReceive(cap: .s(1), timeout: .zero, buffer: .none)) == .ipc(.retimeout))
        #expect(w.s.thread(w.server).state == .ready)
        #expect(w.s.ready() == [w.server, w.client])
        expectWellFormed(w.s)
    }

    @Test func closedReceive_takesOnlyThatSender() {
        var w = Self.world()
        // The server waits for the client only; a third thread's message waits in the queue.
        let other = w.s.bootThread(quota: FactoryID(0), task: w.A, prio: 1, cpu: CPU(0), pager: nil, started: true)!
        #expect(w.s.invoke(as: w.server, .ipcReceive(cap: .s(1), timeout: .never, buffer: .none)) == .blocked)
        #expect(w.s.thread(w.server).partner == w.client.raw)
        #expect(w.s.invoke(as: w.client, .ipcSleep(timeout: .never)) == .blocked)
        #expect(w.s.invoke(as: other, .send(.s(1), [3])) == .blocked)    // not accepted: queued
        #expect(w.s.senderQueue(w.server) == [.thread(other)])
        #expect(w.s.thread(w.server).state == .receiving)
        expectWellFormed(w.s)
    }

    @Test func sleep_zero_isRETIMEOUT_never_blocksUntilCanceled() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.server, .ipcSleep(timeout: .zero)) == .ipc(.retimeout))
        #expect(w.s.invoke(as: w.server, .ipcSleep(timeout: .never)) == .blocked)
        #expect(w.s.thread(w.server).partner == w.server.raw)
        // Nobody can send "as" the sleeper; only a cancel ends it.
        #expect(w.s.invoke(as: w.client, .send(.s(1), [1], timeout: .zero)) == .ipc(.setimeout))
        #expect(w.s.invoke(as: w.client, .threadExRegs(thread: .s(1), cancel: true)) == .success)
        #expect(w.s.lastResult(w.server) == .ipc(.recanceled))
        #expect(w.s.ready() == [w.server, w.client])
        expectWellFormed(w.s)
    }

    // MARK: - Call and reply (kernel-api §6.4)

    @Test func call_toOpenWaitReceiver_createsReplyCap_replyCompletesTheCall() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.server, .wait()) == .blocked)
        #expect(w.s.invoke(as: w.client, .call(.s(1), [1, 2], label: 0x10)) == .blocked)
        #expect(w.s.thread(w.client).state == .receiving)
        #expect(w.s.thread(w.client).partner == w.server.raw)
        #expect(w.s.lastResult(w.server) == .success)
        #expect(w.s.receivedWords(w.server) == [1, 2])
        #expect(w.s.thread(w.server).replyTo == w.client.raw)
        #expect(w.s.ready() == [w.server])
        expectWellFormed(w.s)
        #expect(w.s.invoke(as: w.server, .reply([42], label: 0x99)) == .success)
        #expect(w.s.lastResult(w.client) == .success)
        #expect(w.s.receivedWords(w.client) == [42])
        #expect(w.s.thread(w.client).rcvLabel == 0x99)
        #expect(w.s.thread(w.server).replyTo == 0xFF)
        #expect(w.s.ready() == [w.client, w.server])
        expectWellFormed(w.s)
    }

    @Test func call_toClosedWaitReceiver_getsNoReplyCap() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.server, .ipcReceive(cap: .s(1), timeout: .never, buffer: .none)) == .blocked)
        #expect(w.s.invoke(as: w.client, .call(.s(1), [1])) == .blocked)
        #expect(w.s.lastResult(w.server) == .success)
        #expect(w.s.thread(w.server).replyTo == 0xFF)
        #expect(w.s.invoke(as: w.server, .reply([2])) == .ipc(.enotExistent))
        #expect(w.s.thread(w.client).state == .receiving)
        expectWellFormed(w.s)
    }

    @Test func reply_usedTwice_secondIsNotExistent() {
        var w = Self.world(serverPrio: 2)
        _ = w.s.invoke(as: w.server, .wait())
        _ = w.s.invoke(as: w.client, .call(.s(1), [1]))
        #expect(w.s.invoke(as: w.server, .reply([2])) == .success)
        #expect(w.s.invoke(as: w.server, .reply([3])) == .ipc(.enotExistent))
        #expect(w.s.receivedWords(w.client) == [2])
        expectWellFormed(w.s)
    }

    @Test func reply_withoutCaller_isNotExistent() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.server, .reply([1])) == .ipc(.enotExistent))
        #expect(w.s.invoke(as: w.server, .ipcReplyAndWait(Message(words: [1]), timeout: .never, buffer: .none)) == .ipc(.enotExistent))
        #expect(w.s.thread(w.server).state == .ready)     // a failed send skips the receive phase
        expectWellFormed(w.s)
    }

    @Test func replyAndWait_repliesThenWaitsOpen() {
        var w = Self.world()
        _ = w.s.invoke(as: w.server, .wait())
        _ = w.s.invoke(as: w.client, .call(.s(1), [1]))
        #expect(w.s.invoke(as: w.server, .ipcReplyAndWait(Message(words: [10]), timeout: .never, buffer: .none)) == .blocked)
        #expect(w.s.thread(w.server).state == .receiving)
        #expect(w.s.thread(w.server).partner == 0xFF)
        #expect(w.s.lastResult(w.client) == .success)
        #expect(w.s.receivedWords(w.client) == [10])
        #expect(w.s.ready() == [w.client])
        // The next call is taken at once by the waiting server.
        #expect(w.s.invoke(as: w.client, .call(.s(1), [11])) == .blocked)
        #expect(w.s.receivedWords(w.server) == [11])
        #expect(w.s.thread(w.server).replyTo == w.client.raw)
        expectWellFormed(w.s)
    }

    @Test func replyAndWait_zeroTimeout_repliesThenTimesOut() {
        var w = Self.world()
        _ = w.s.invoke(as: w.server, .wait())
        _ = w.s.invoke(as: w.client, .call(.s(1), [1]))
        #expect(w.s.invoke(as: w.server, .ipcReplyAndWait(Message(words: [10]), timeout: .zero, buffer: .none)) == .ipc(.retimeout))
        #expect(w.s.lastResult(w.client) == .success)
        expectWellFormed(w.s)
    }

    @Test func directSend_fromCalleeToCaller_completesTheCallAndClearsTheReplySlot() {
        var w = Self.world()
        _ = w.s.invoke(as: w.server, .wait())
        _ = w.s.invoke(as: w.client, .call(.s(1), [1]))
        #expect(w.s.thread(w.server).replyTo == w.client.raw)
        #expect(w.s.invoke(as: w.server, .send(.s(1), [77], timeout: .zero)) == .success)
        #expect(w.s.lastResult(w.client) == .success)
        #expect(w.s.receivedWords(w.client) == [77])
        #expect(w.s.thread(w.server).replyTo == 0xFF)
        #expect(w.s.invoke(as: w.client, .wait(.zero)) == .ipc(.retimeout))   // client runs next
        #expect(w.s.ready() == [w.client, w.server])
        expectWellFormed(w.s)
    }

    @Test func call_zeroReceiveTimeout_isRETIMEOUT_withoutReplyCap() {
        var w = Self.world()
        _ = w.s.invoke(as: w.server, .wait())
        #expect(w.s.invoke(as: w.client, .call(.s(1), [4], receive: .zero)) == .ipc(.retimeout))
        #expect(w.s.lastResult(w.server) == .success)      // the send phase completed
        #expect(w.s.receivedWords(w.server) == [4])
        #expect(w.s.thread(w.server).replyTo == 0xFF)
        #expect(w.s.thread(w.client).state == .ready)
        expectWellFormed(w.s)
    }

    @Test func call_zeroSendTimeout_toBusyReceiver_isSETIMEOUT() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.server, .call(.s(1), [4], send: .zero)) == .ipc(.setimeout))
        #expect(w.s.thread(w.server).state == .ready)
        expectWellFormed(w.s)
    }

    @Test func replyCap_overwrittenByASecondCaller_firstCallerReleasedByDirectSend() {
        var w = Self.world()
        let second = w.s.bootThread(quota: FactoryID(0), task: w.A, prio: 1, cpu: CPU(0), pager: nil, started: true)!
        w.s.give(.thread(second), to: w.B, at: 2)
        _ = w.s.invoke(as: w.server, .wait())
        #expect(w.s.invoke(as: w.client, .call(.s(1), [1])) == .blocked)
        #expect(w.s.invoke(as: w.server, .wait()) == .blocked)              // the reply slot is still set
        #expect(w.s.invoke(as: second, .call(.s(1), [2])) == .blocked)
        #expect(w.s.thread(w.server).replyTo == second.raw)                 // overwritten
        #expect(w.s.invoke(as: w.server, .send(.s(1), [9], timeout: .zero)) == .success)  // direct send to the first caller
        #expect(w.s.lastResult(w.client) == .success)
        #expect(w.s.receivedWords(w.client) == [9])
        #expect(w.s.thread(w.server).replyTo == second.raw)
        expectWellFormed(w.s)
    }

    // MARK: - Sender queue order (kernel-api §6.2 step 2)

    @Test func queuedSenders_takenInPriorityOrder_FIFOWithinAPriority() {
        var sb = SystemBuilder()
        let T = sb.task()
        let h = sb.thread(in: T, prio: 3)
        let m1 = sb.thread(in: T, prio: 2)
        let m2 = sb.thread(in: T, prio: 2)
        let r = sb.thread(in: T, prio: 1)
        sb.cap(.thread(r), in: T, at: 0)
        sb.cap(.thread(h), in: T, at: 1)
        var s = sb.state
        #expect(s.ready() == [h, m1, m2, r])
        #expect(s.invoke(as: h, .ipcSleep(timeout: .never)) == .blocked)
        #expect(s.invoke(as: m1, .send(.s(0), [1])) == .blocked)
        #expect(s.invoke(as: m2, .send(.s(0), [2])) == .blocked)
        #expect(s.invoke(as: r, .threadExRegs(thread: .s(1), cancel: true)) == .success)   // wake h
        #expect(s.invoke(as: h, .send(.s(0), [3])) == .blocked)
        #expect(s.senderQueue(r) == [.thread(h), .thread(m1), .thread(m2)])
        expectWellFormed(s)
        for (sender, word) in [(h, UInt16(3)), (m1, 1), (m2, 2)] {
            #expect(s.invoke(as: r, .wait()) == .success)
            #expect(s.receivedWords(r) == [word])
            #expect(s.lastResult(sender) == .success)
            #expect(s.invoke(as: sender, .ipcSleep(timeout: .never)) == .blocked)   // get out of the way
            expectWellFormed(s)
        }
        #expect(s.senderQueue(r).isEmpty)
    }

    @Test func closedReceive_takesTheNamedSenderEvenIfOthersAreAhead() {
        var sb = SystemBuilder()
        let T = sb.task()
        let s1 = sb.thread(in: T, prio: 3)
        let s2 = sb.thread(in: T, prio: 2)
        let r = sb.thread(in: T, prio: 1)
        sb.cap(.thread(r), in: T, at: 0)
        sb.cap(.thread(s2), in: T, at: 1)
        var s = sb.state
        #expect(s.invoke(as: s1, .send(.s(0), [1])) == .blocked)
        #expect(s.invoke(as: s2, .send(.s(0), [2])) == .blocked)
        #expect(s.senderQueue(r) == [.thread(s1), .thread(s2)])
        // A queued sender is taken at once, even with a zero receive timeout.
        #expect(s.invoke(as: r, .ipcReceive(cap: .s(1), timeout: .zero, buffer: .none)) == .success)
        #expect(s.receivedWords(r) == [2])
        #expect(s.senderQueue(r) == [.thread(s1)])
        #expect(s.lastResult(s2) == .success)
        expectWellFormed(s)
    }

    // MARK: - Typed items (kernel-api §4.3, §4.5)

    @Test func replyItem_SIsMaskedByTheCallersCap() {
        // The reply uses the rights the caller called with (kernel-api §1 step 1).
        var w = Self.world(serverCap: [.r, .w])
        _ = w.s.invoke(as: w.server, .wait())
        #expect(w.s.invoke(as: w.client, .call(.s(1), [1], buffer: .object(SlotIndex(5)))) == .blocked)
        #expect(w.s.invoke(as: w.server, .reply(item: .obj(0, .all))) == .success)
        #expect(w.s.slot(w.A, 5).ref == .task(w.B))
        #expect(w.s.slot(w.A, 5).rights == [.r, .w, .d])
        expectWellFormed(w.s)
    }

    @Test func objectItem_isDelegatedIntoTheReceiveBuffer() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.server, .wait(buffer: .object(SlotIndex(5)))) == .blocked)
        #expect(w.s.invoke(as: w.client, .send(.s(1), [1], item: .obj(2, [.r, .w, .s]))) == .success)
        #expect(w.s.lastResult(w.server) == .success)
        let c = w.s.slot(w.B, 5)
        #expect(c.ref == .gate(w.g))
        #expect(c.rights == [.r, .w, .s])
        #expect(c.counted)
        #expect(w.s.countedRefs(.gate(w.g)) == 2)
        #expect(w.s.slot(w.A, 2).ref == .gate(w.g))           // a map: the sender keeps it
        expectWellFormed(w.s)
    }

    @Test func objectItem_grant_movesTheCap() {
        var w = Self.world()
        _ = w.s.invoke(as: w.server, .wait(buffer: .object(SlotIndex(5))))
        #expect(w.s.invoke(as: w.client, .send(.s(1), item: .obj(2, .all, grant: true))) == .success)
        #expect(w.s.slot(w.A, 2).isEmpty)
        #expect(w.s.slot(w.B, 5).ref == .gate(w.g))
        #expect(w.s.countedRefs(.gate(w.g)) == 1)
        expectWellFormed(w.s)
    }

    @Test func objectItem_SIsMaskedByTheAddressingCap() {
        var w = Self.world(serverCap: [.r, .w])
        _ = w.s.invoke(as: w.server, .wait(buffer: .object(SlotIndex(5))))
        #expect(w.s.invoke(as: w.client, .send(.s(1), item: .obj(2, .all))) == .success)
        #expect(w.s.slot(w.B, 5).rights == [.r, .w, .d])
        expectWellFormed(w.s)
    }

    @Test func item_withoutBuffer_isSEMSGCUTForTheSender_REMSGCUTForTheReceiver() {
        var w = Self.world()
        _ = w.s.invoke(as: w.server, .wait())
        #expect(w.s.invoke(as: w.client, .call(.s(1), [1], item: .obj(2))) == .ipc(.semsgcut))
        #expect(w.s.lastResult(w.server) == .ipc(.remsgcut))
        #expect(w.s.thread(w.server).replyTo == 0xFF)          // the sender skipped its receive phase
        #expect(w.s.thread(w.client).state == .ready)
        #expect(w.s.countedRefs(.gate(w.g)) == 1)
        expectWellFormed(w.s)
    }

    @Test func callWhoseTransferDeletesTheCaller_endsRECANCELED() {
        // The server's receive buffer holds the only cap to the client, with D:
        // the delivered item displaces it, the client is deleted by its own call
        // and does not enter its receive phase.
        var w = Self.world()
        w.s.give(.thread(w.client), to: w.B, at: 5)
        #expect(w.s.invoke(as: w.server, .unmapObj(task: 0, 1)) == .success)          // B:1 goes; B:5 is the last cap
        #expect(w.s.invoke(as: w.server, .wait(buffer: .object(SlotIndex(5)))) == .blocked)
        #expect(w.s.invoke(as: w.client, .call(.s(1), [1], item: .obj(2, [.r, .w]))) == .ipc(.recanceled))
        #expect(w.s.thread(w.client).isDying)
        #expect(w.s.slot(w.B, 5).ref == .gate(w.g))
        #expect(w.s.lastResult(w.server) == .success)
        #expect(w.s.thread(w.server).replyTo == 0xFF)
        expectWellFormed(w.s)
        #expect(w.s.apply(.tick(cpu: CPU(0))).outcome == .success)                    // the server runs first
        #expect(w.s.apply(.tick(cpu: CPU(0))) == StepResult(.tornDown, actor: w.client))
        expectWellFormed(w.s)
    }

    @Test func objectItem_intoAMemoryBuffer_isASilentNoOp() {
        var w = Self.world()
        _ = w.s.invoke(as: w.server, .wait(buffer: .memory(PageIndex(1))))
        #expect(w.s.invoke(as: w.client, .send(.s(1), item: .obj(2))) == .success)
        #expect(w.s.lastResult(w.server) == .success)
        #expect(!w.s.page(w.B, 1).isMapped)
        #expect(w.s.countedRefs(.gate(w.g)) == 1)
        expectWellFormed(w.s)
    }

    @Test func memoryItem_mapsThePageIntoTheBuffer() {
        var w = Self.world()
        _ = w.s.invoke(as: w.server, .wait(buffer: .memory(PageIndex(2))))
        #expect(w.s.invoke(as: w.client, .send(.s(1), item: .mem(0, [.r, .x]))) == .success)
        let e = w.s.page(w.B, 2)
        #expect(e.frame == 3)
        #expect(e.rights == [.r, .x])
        #expect(e.parent == UInt8(w.A.index * Capacity.pagesPerTask))
        expectWellFormed(w.s)
    }

    @Test func queuedSenderWithItem_isTransferredWhenPulled() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.server, .ipcSleep(timeout: .zero)) == .ipc(.retimeout))
        #expect(w.s.invoke(as: w.server, .send(.s(1), [1], item: .obj(0, [.r]))) == .blocked)  // server queues at client with B's task cap
        #expect(w.s.invoke(as: w.client, .wait(buffer: .object(SlotIndex(5)))) == .success)
        #expect(w.s.slot(w.A, 5).ref == .task(w.B))
        #expect(w.s.slot(w.A, 5).rights == [.r])
        expectWellFormed(w.s)
    }
}

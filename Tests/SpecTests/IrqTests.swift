import Testing
@testable import Spec

/// Irq objects (Irq.swift; kernel-api §3.6, §7): edge-triggered software IRQs.
@Suite struct IrqTests {
    /// Task A with threads `receiver` and `driver`; Irq `i` on hardware line 3.
    /// A: 0 = A, 1 = i (all), 2 = receiver (all), 3 = driver (all).
    struct World {
        var s: KernelState
        let A: TaskID
        let receiver: ThreadID, driver: ThreadID
        let i: IrqID
    }

    /// `receiverFirst`: the receiver is booted first and runs first.
    static func world(bound: Bool = false, receiverFirst: Bool = true) -> World {
        var sb = SystemBuilder()
        let A = sb.task()
        let r: ThreadID, d: ThreadID
        if receiverFirst {
            r = sb.thread(in: A)
            d = sb.thread(in: A)
        } else {
            d = sb.thread(in: A)
            r = sb.thread(in: A)
        }
        let i = sb.irq(thread: bound ? r : nil, label: bound ? 0x77 : 0, line: 3)
        sb.cap(.task(A), in: A, at: 0)
        sb.cap(.irq(i), in: A, at: 1)
        sb.cap(.thread(r), in: A, at: 2)
        sb.cap(.thread(d), in: A, at: 3)
        return World(s: sb.state, A: A, receiver: r, driver: d, i: i)
    }

    // MARK: - bind (kernel-api §3.6 KOBJECT op 0x10)

    @Test func bind_errors() {
        var w = Self.world()
        w.s.give(.irq(w.i), to: w.A, at: 4, rights: [.r, .w])
        w.s.give(.thread(w.receiver), to: w.A, at: 5, rights: [.r, .w])
        #expect(w.s.invoke(as: w.receiver, .irqBind(irq: .s(4), thread: SlotIndex(2), label: 1)) == .error(.eperm))   // no S on the Irq
        #expect(w.s.invoke(as: w.receiver, .irqBind(irq: .s(1), thread: SlotIndex(5), label: 1)) == .error(.eperm))   // no S on the thread
        #expect(w.s.invoke(as: w.receiver, .irqBind(irq: .s(1), thread: SlotIndex(0), label: 1)) == .error(.einval))  // not a thread
        #expect(w.s.invoke(as: w.receiver, .irqBind(irq: .s(1), thread: nil, label: 1)) == .error(.einval))           // no item
        #expect(w.s.irq(w.i).thread == 0xFF)
        expectWellFormed(w.s)
    }

    @Test func bind_acceptsAnyLabel_andTheGenericBindOp() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.receiver, .irqBind(irq: .s(1), thread: SlotIndex(2), label: 0x3)) == .success)
        #expect(w.s.irq(w.i).thread == w.receiver.raw)
        #expect(w.s.irq(w.i).label == 0x3)
        // gate.bind_thread on an Irq cap is the same receive-endpoint bind.
        #expect(w.s.invoke(as: w.receiver, .gateBindThread(gate: .s(1), thread: SlotIndex(3), label: 0x5)) == .success)
        #expect(w.s.irq(w.i).thread == w.driver.raw)
        #expect(w.s.irq(w.i).label == 0x5)
        expectWellFormed(w.s)
    }

    // MARK: - Delivery (kernel-api §7)

    @Test func trigger_toAWaitingThread_deliversTheLabel() {
        var w = Self.world(bound: true)
        #expect(w.s.invoke(as: w.receiver, .wait()) == .blocked)
        #expect(w.s.invoke(as: w.driver, .irqTrigger(irq: .s(1))) == .success)
        #expect(w.s.lastResult(w.receiver) == .success)
        #expect(w.s.thread(w.receiver).rcvLabel == 0x77)
        #expect(w.s.receivedWords(w.receiver).isEmpty)
        #expect(w.s.irq(w.i).delivery == .idle)
        #expect(w.s.ready() == [w.receiver, w.driver])
        expectWellFormed(w.s)
    }

    @Test func trigger_whileUnbound_isPending_deliveredWhenBound() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.receiver, .wait()) == .blocked)
        #expect(w.s.invoke(as: w.driver, .irqTrigger(irq: .s(1))) == .success)
        #expect(w.s.irq(w.i).delivery == .pending)
        #expect(w.s.irq(w.i).masked == 1)
        #expect(w.s.thread(w.receiver).state == .receiving)
        expectWellFormed(w.s)
        #expect(w.s.invoke(as: w.driver, .irqBind(irq: .s(1), thread: SlotIndex(2), label: 0x50)) == .success)
        #expect(w.s.lastResult(w.receiver) == .success)
        #expect(w.s.thread(w.receiver).rcvLabel == 0x50)
        #expect(w.s.irq(w.i).delivery == .idle)
        #expect(w.s.irq(w.i).masked == 0)
        expectWellFormed(w.s)
    }

    @Test func pendingIrq_boundToABusyThread_isQueued() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.receiver, .irqTrigger(irq: .s(1))) == .success)
        #expect(w.s.invoke(as: w.receiver, .irqBind(irq: .s(1), thread: SlotIndex(2), label: 0x50)) == .success)
        #expect(w.s.irq(w.i).delivery == .queued)
        #expect(w.s.senderQueue(w.receiver) == [.irq(w.i)])
        #expect(w.s.invoke(as: w.receiver, .wait(.zero)) == .success)
        #expect(w.s.thread(w.receiver).rcvLabel == 0x50)
        expectWellFormed(w.s)
    }

    @Test func trigger_whileQueued_coalesces() {
        var w = Self.world(bound: true, receiverFirst: false)
        #expect(w.s.invoke(as: w.driver, .irqTrigger(irq: .s(1))) == .success)
        #expect(w.s.irq(w.i).delivery == .queued)
        #expect(w.s.senderQueue(w.receiver) == [.irq(w.i)])
        #expect(w.s.invoke(as: w.driver, .irqTrigger(irq: .s(1))) == .success)
        #expect(w.s.irq(w.i).delivery == .queued)
        #expect(w.s.irq(w.i).masked == 1)
        #expect(w.s.senderQueue(w.receiver) == [.irq(w.i)])
        expectWellFormed(w.s)
        #expect(w.s.invoke(as: w.driver, .ipcSleep(timeout: .never)) == .blocked)
        #expect(w.s.invoke(as: w.receiver, .wait()) == .success)
        #expect(w.s.irq(w.i).delivery == .idle)
        #expect(w.s.irq(w.i).masked == 0)                    // unmasked when consumed
        #expect(w.s.invoke(as: w.receiver, .wait(.zero)) == .ipc(.retimeout))   // one delivery only
        expectWellFormed(w.s)
    }

    @Test func queuedIrq_goesAheadOfThreadSendersBelow255() {
        var w = Self.world(bound: true, receiverFirst: false)
        #expect(w.s.invoke(as: w.driver, .send(.s(2), [1])) == .blocked)
        #expect(w.s.invoke(as: w.receiver, .irqTrigger(irq: .s(1))) == .success)
        #expect(w.s.senderQueue(w.receiver) == [.irq(w.i), .thread(w.driver)])
        #expect(w.s.invoke(as: w.receiver, .wait()) == .success)
        #expect(w.s.thread(w.receiver).rcvLabel == 0x77)
        expectWellFormed(w.s)
    }

    @Test func irqSenders_areFIFOWithThreadSendersOfPriority255() {
        var sb = SystemBuilder()
        let A = sb.task()
        let top = sb.thread(in: A, prio: 255)
        let r = sb.thread(in: A, prio: 1)
        let i = sb.irq(thread: r, label: 9)
        sb.cap(.thread(r), in: A, at: 0)
        sb.cap(.irq(i), in: A, at: 1)
        var s = sb.state
        #expect(s.invoke(as: top, .send(.s(0), [1], timeout: .never)) == .blocked)
        // r raises its own Irq while the priority-255 thread message is queued.
        #expect(s.invoke(as: r, .irqTrigger(irq: .s(1))) == .success)
        #expect(s.senderQueue(r) == [.thread(top), .irq(i)])
        expectWellFormed(s)
    }

    @Test func rebind_movesAQueuedDeliveryToTheNewThread() {
        var w = Self.world(bound: true, receiverFirst: false)
        #expect(w.s.invoke(as: w.driver, .ipcSleep(timeout: .zero)) == .ipc(.retimeout))
        #expect(w.s.invoke(as: w.driver, .irqTrigger(irq: .s(1))) == .success)
        #expect(w.s.senderQueue(w.receiver) == [.irq(w.i)])
        // The driver rebinds the Irq to itself and finds the delivery queued there.
        #expect(w.s.invoke(as: w.driver, .irqBind(irq: .s(1), thread: SlotIndex(3), label: 0x66)) == .success)
        #expect(w.s.senderQueue(w.receiver).isEmpty)
        #expect(w.s.senderQueue(w.driver) == [.irq(w.i)])
        #expect(w.s.invoke(as: w.driver, .wait(.zero)) == .success)
        #expect(w.s.thread(w.driver).rcvLabel == 0x66)
        expectWellFormed(w.s)
    }

    @Test func irqReceive_unmasksAndWaitsOnThatIrq() {
        var w = Self.world(bound: true)
        #expect(w.s.invoke(as: w.receiver, .irqReceive(irq: .s(1), timeout: .never)) == .blocked)
        #expect(w.s.thread(w.receiver).state == .receiving)
        #expect(w.s.thread(w.receiver).partner == 0x80 | w.i.raw)
        // A thread message is not accepted by a closed wait on the Irq.
        #expect(w.s.invoke(as: w.driver, .send(.s(2), [1], timeout: .zero)) == .ipc(.setimeout))
        #expect(w.s.invoke(as: w.driver, .irqTrigger(irq: .s(1))) == .success)
        #expect(w.s.lastResult(w.receiver) == .success)
        #expect(w.s.thread(w.receiver).rcvLabel == 0x77)
        expectWellFormed(w.s)
    }

    @Test func irqReceive_takesAnAlreadyQueuedDelivery() {
        var w = Self.world(bound: true)
        #expect(w.s.invoke(as: w.receiver, .irqTrigger(irq: .s(1))) == .success)
        #expect(w.s.irq(w.i).delivery == .queued)
        #expect(w.s.invoke(as: w.receiver, .irqReceive(irq: .s(1), timeout: .zero)) == .success)
        #expect(w.s.irq(w.i).delivery == .idle)
        #expect(w.s.invoke(as: w.receiver, .irqReceive(irq: .s(1), timeout: .zero)) == .ipc(.retimeout))
        expectWellFormed(w.s)
    }

    @Test func irqLine_hitsTheAttachedIrq() {
        var w = Self.world(bound: true)
        _ = w.s.invoke(as: w.receiver, .wait())
        #expect(w.s.apply(.irqLine(2)) == StepResult(.success, actor: nil))
        #expect(w.s.thread(w.receiver).state == .receiving)
        #expect(w.s.apply(.irqLine(3)) == StepResult(.success, actor: nil))
        #expect(w.s.lastResult(w.receiver) == .success)
        #expect(w.s.thread(w.receiver).rcvLabel == 0x77)
        expectWellFormed(w.s)
    }

    // MARK: - detach and unmask (kernel-api §3.6)

    @Test func detach_unbound_isENOENT() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.receiver, .irqDetach(irq: .s(1))) == .error(.enoent))
        #expect(w.s.invoke(as: w.receiver, .irqTrigger(irq: .s(1))) == .success)
        #expect(w.s.invoke(as: w.receiver, .irqDetach(irq: .s(1))) == .error(.enoent))   // pending but unbound
        expectWellFormed(w.s)
    }

    @Test func detach_withoutS_isEPERM() {
        var w = Self.world(bound: true)
        w.s.give(.irq(w.i), to: w.A, at: 4, rights: [.r, .w])
        #expect(w.s.invoke(as: w.receiver, .irqDetach(irq: .s(4))) == .error(.eperm))
        #expect(w.s.irq(w.i).thread == w.receiver.raw)
        expectWellFormed(w.s)
    }

    @Test func detach_idle_returns0() {
        var w = Self.world(bound: true)
        #expect(w.s.invoke(as: w.receiver, .irqDetach(irq: .s(1))) == .ok(value: 0))
        #expect(w.s.irq(w.i).thread == 0xFF)
        #expect(w.s.irq(w.i).masked == 1)
        expectWellFormed(w.s)
    }

    @Test func detach_withOutstandingDelivery_returns1AndWithdrawsIt() {
        var w = Self.world(bound: true)
        #expect(w.s.invoke(as: w.receiver, .irqTrigger(irq: .s(1))) == .success)
        #expect(w.s.senderQueue(w.receiver) == [.irq(w.i)])
        #expect(w.s.invoke(as: w.receiver, .irqDetach(irq: .s(1))) == .ok(value: 1))
        #expect(w.s.senderQueue(w.receiver).isEmpty)
        #expect(w.s.irq(w.i).delivery == .idle)
        #expect(w.s.irq(w.i).thread == 0xFF)
        #expect(w.s.invoke(as: w.receiver, .wait(.zero)) == .ipc(.retimeout))
        expectWellFormed(w.s)
    }

    @Test func unmask_onlyWhenNothingIsOutstanding() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.receiver, .irqTrigger(irq: .s(1))) == .success)   // pending, masked
        #expect(w.s.invoke(as: w.receiver, .irqUnmask(irq: .s(1))) == .success)
        #expect(w.s.irq(w.i).masked == 1)
        #expect(w.s.irq(w.i).delivery == .pending)
        #expect(w.s.invoke(as: w.receiver, .irqBind(irq: .s(1), thread: SlotIndex(2), label: 1)) == .success)
        #expect(w.s.invoke(as: w.receiver, .wait(.zero)) == .success)              // consumes the delivery
        #expect(w.s.invoke(as: w.receiver, .irqDetach(irq: .s(1))) == .ok(value: 0))
        #expect(w.s.irq(w.i).masked == 1)
        #expect(w.s.invoke(as: w.receiver, .irqUnmask(irq: .s(1))) == .success)
        #expect(w.s.irq(w.i).masked == 0)
        expectWellFormed(w.s)
    }

    @Test func irqOps_needNoRightsExceptDetachAndBind() {
        var w = Self.world(bound: true)
        w.s.give(.irq(w.i), to: w.A, at: 4, rights: [.r])
        #expect(w.s.invoke(as: w.receiver, .irqTrigger(irq: .s(4))) == .success)
        #expect(w.s.irq(w.i).delivery == .queued)
        #expect(w.s.invoke(as: w.receiver, .irqReceive(irq: .s(4), timeout: .zero)) == .success)
        #expect(w.s.invoke(as: w.receiver, .irqUnmask(irq: .s(4))) == .success)
        expectWellFormed(w.s)
    }

    /// Finding: the closed wait of `irq.receive` names the Irq by table index.
    /// After the Irq is deleted its entry is freed and a new Irq created into it
    /// satisfies the old wait. Reference (kernel-api §5.3, §5.4 "Irq | its bound
    /// thread | detached … no further deliveries"; §6.3 a closed wait accepts only
    /// the named partner): the waiter is left waiting until its timeout or a
    /// cancel, like the orphaned caller of a deleted thread (which the spec now
    /// handles by pinning the entry, Deletion.swift `freeThreadIfUnreferenced`).
    @Test func closedWaitOnADeletedIrq_isNotSatisfiedByANewIrqInItsEntry() {
        var sb = SystemBuilder()
        let A = sb.task()
        let r = sb.thread(in: A, prio: 2)
        let d = sb.thread(in: A, prio: 1)
        let i = sb.irq(thread: r, label: 1)
        sb.cap(.task(A), in: A, at: 0)
        sb.cap(.irq(i), in: A, at: 1)
        sb.cap(.thread(r), in: A, at: 2)
        sb.cap(.factory(sb.root), in: A, at: 3)
        var s = sb.state
        #expect(s.invoke(as: r, .irqReceive(irq: .s(1), timeout: .never)) == .blocked)
        #expect(s.invoke(as: d, .unmapObj(task: 0, 1, delete: true)) == .success)
        // The waiter pins the deleted Irq's entry (regression: a new Irq used to reuse it).
        #expect(s.irq(i).life == .zombie)
        #expect(s.thread(r).state == .receiving)
        #expect(s.invoke(as: d, .create(.irq, factory: 3, into: 1)) == .success)
        #expect(s.invoke(as: d, .irqBind(irq: .s(1), thread: SlotIndex(2), label: 0x55)) == .success)
        #expect(s.invoke(as: d, .irqTrigger(irq: .s(1))) == .success)
        #expect(s.slot(A, 1).ref != .irq(i))
        #expect(s.thread(r).state == .receiving)
        expectWellFormed(s)
    }

    @Test func deletingTheIrq_withdrawsAQueuedDelivery() {
        var w = Self.world(bound: true)
        #expect(w.s.invoke(as: w.receiver, .irqTrigger(irq: .s(1))) == .success)
        #expect(w.s.invoke(as: w.receiver, .unmapObj(task: 0, 1, delete: true)) == .success)
        #expect(w.s.irq(w.i).life == .free)
        #expect(w.s.senderQueue(w.receiver).isEmpty)
        #expect(w.s.invoke(as: w.receiver, .wait(.zero)) == .ipc(.retimeout))
        expectWellFormed(w.s)
    }
}

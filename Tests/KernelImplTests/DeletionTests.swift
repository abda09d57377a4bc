import Testing
import KernelImpl

/// Object deletion and its effects on blocked threads (kernel-api §3.1, §3.2,
/// §5.2–§5.4): two-phase destruction, deferred thread teardown, quota refunds.
@Suite struct DeletionTests {
    static let deleteB = [Fpage.object(index: Slot.b, rights: 0xF)]

    @Test func deletingAThread_marksItDying_andItTearsDownAtItsNextEvent() throws {
        var w = try TwoTasks(aPrio: 3, bPrio: 2)
        let used = try #require(w.k.factoryView(w.s.root)).used
        #expect(w.k.taskUnmap(Slot.task, mask: UnmapMask.deleteObject, Self.deleteB).outcome == .success)
        #expect(w.k.thread(w.b).dying)
        #expect(w.k.lifetime(of: ObjectID(.thread, w.b)) == .zombie)
        #expect(w.k.capView(task: w.B, slot: Slot.b) == nil)
        _ = w.k.sleep(Timeouts.never)                                      // a blocks; b runs next
        #expect(w.k.tick(cpu: 0) == Exit(.tornDown, thread: w.b))
        #expect(w.k.lifetime(of: ObjectID(.thread, w.b)) == .free)
        #expect(w.k.factoryView(w.s.root)?.used == used - ObjectSizes.amd64.thread)
        #expect(w.k.taskView(w.B)?.boundThreads == 0)
    }

    @Test func teardown_cancelsQueuedSenders() throws {
        var w = try TwoTasks(aPrio: 3, bPrio: 2)
        let c = try w.s.thread(in: w.A, prio: 4)
        #expect(w.k.send(Slot.b).outcome == .blocked)                     // c queues at b
        #expect(w.k.taskUnmap(Slot.task, mask: UnmapMask.deleteObject, Self.deleteB).outcome == .success)   // a deletes b
        #expect(w.k.thread(w.b).senders == [.thread(c)])                  // still queued until b's teardown
        _ = w.k.sleep(Timeouts.never)                                      // a
        #expect(w.k.tick(cpu: 0).outcome == .tornDown)
        #expect(w.k.thread(c).lastOutcome == .ipcError(.secanceled))
    }

    @Test func callerOfADeletedCallee_isNotWoken() throws {
        var w = try TwoTasks()
        _ = w.k.wait()                                                     // b
        _ = w.k.call(Slot.b)                                               // a waits for the reply
        _ = try w.s.thread(in: w.A, prio: 9)                               // d
        #expect(w.k.taskUnmap(Slot.task, mask: UnmapMask.deleteObject, Self.deleteB).outcome == .success)   // d deletes b
        _ = w.k.sleep(Timeouts.never)                                      // d
        #expect(w.k.tick(cpu: 0).outcome == .tornDown)                     // b
        #expect(w.k.state(w.a) == .receiving(from: .thread(w.b)))
        #expect(w.k.lifetime(of: ObjectID(.thread, w.b)) == .zombie)       // pinned by the waiting caller
        #expect(w.k.currentThread(cpu: 0) == nil)
    }

    @Test func deletedCaller_clearsTheCalleesReplySlot() throws {
        var w = try TwoTasks()
        _ = w.k.wait()                                                     // b
        _ = w.k.call(Slot.b)                                               // a
        #expect(w.k.thread(w.b).replyTo == w.a)
        let dropA = [Fpage.object(index: Slot.a, rights: 0xF)]
        #expect(w.k.taskUnmap(Slot.task, mask: UnmapMask.deleteObject, dropA).outcome == .success)   // b deletes a
        #expect(w.k.thread(w.b).replyTo == nil)
        #expect(w.k.reply().outcome == .ipcError(.enotExistent))
    }

    @Test func deletingATask_killsItsThreadsAtTheirNextFault() throws {
        var w = try TwoTasks(aPrio: 3, bPrio: 2)
        try w.k.bootPage(task: w.B, page: 1, frame: 7, rights: Rights.memAll)
        // B's caps to a and b lose D first, so deleting B does not destroy them.
        let stripD = [Fpage.object(index: Slot.a, rights: UInt64(Rights.d)), Fpage.object(index: Slot.b, rights: UInt64(Rights.d))]
        _ = w.k.taskUnmap(Slot.other, mask: UnmapMask.allSpaces, stripD)
        let dropB = [Fpage.object(index: Slot.other, rights: 0xF)]
        #expect(w.k.taskUnmap(Slot.task, mask: UnmapMask.deleteObject, dropB).outcome == .success)
        #expect(w.k.lifetime(of: ObjectID(.task, w.B)) == .zombie)          // b is still bound
        #expect(w.k.capTable(task: w.B).isEmpty)
        #expect(w.k.mapping(task: w.B, page: 1) == nil)
        _ = w.k.sleep(Timeouts.never)                                       // a; b runs
        #expect(w.k.send(Slot.a, Msg(send: Timeouts.zero)).outcome == .ipcError(.enotExistent))   // its caps are gone
        #expect(w.k.memoryAccess(cpu: 0, address: 0x1000, write: false) == Exit(.killed, thread: w.b))
        #expect(w.k.state(w.b) == .dead)
        #expect(w.k.lifetime(of: ObjectID(.task, w.B)) == .free)
    }

    @Test func deletingATask_destroysTheObjectsItHeldWithD() throws {
        var w = try TwoTasks(aPrio: 3, bPrio: 2)
        let g = try w.k.bootGate(quota: w.s.root, thread: nil, label: 0)
        try w.s.cap(ObjectID(.gate, g), in: w.B, at: 9)                     // with D
        try w.s.cap(ObjectID(.gate, g), in: w.A, at: 9, rights: Rights.r | Rights.w)
        _ = w.k.taskUnmap(Slot.task, mask: UnmapMask.deleteObject, [Fpage.object(index: Slot.other, rights: 0xF)])
        #expect(w.k.lifetime(of: ObjectID(.gate, g)) == .free)
        #expect(w.k.capView(task: w.A, slot: 9) == nil)
        #expect(w.k.lifetime(of: ObjectID(.thread, w.b)) == .zombie)       // B held b with D too
    }

    @Test func unstartedThread_isTornDownAtOnce() throws {
        var w = try TwoTasks(aPrio: 3, bPrio: 2)
        let t = try w.s.thread(in: w.A, prio: 1, started: false)
        try w.s.cap(ObjectID(.thread, t), in: w.A, at: 9)
        _ = w.k.taskUnmap(Slot.task, mask: UnmapMask.deleteObject, [Fpage.object(index: 9, rights: 0xF)])
        #expect(w.k.lifetime(of: ObjectID(.thread, t)) == .free)
        #expect(w.k.taskView(w.A)?.boundThreads == 1)
    }

    @Test func tornDownThread_staysChargedWhileAGateIsBoundToIt() throws {
        var w = try TwoTasks(aPrio: 3, bPrio: 2)
        let g = try w.k.bootGate(quota: w.s.root, thread: w.b, label: 0)
        try w.s.cap(ObjectID(.gate, g), in: w.A, at: 9)
        _ = w.k.taskUnmap(Slot.task, mask: UnmapMask.deleteObject, Self.deleteB)
        _ = w.k.sleep(Timeouts.never)
        _ = w.k.tick(cpu: 0)                                                // b's teardown
        #expect(w.k.lifetime(of: ObjectID(.thread, w.b)) == .zombie)
        #expect(w.k.thread(w.b).pins == 1)
        #expect(w.k.gateView(g)?.thread == w.b)
    }

    @Test func deletingTheGate_releasesTheTornDownThread() throws {
        var w = try TwoTasks(aPrio: 3, bPrio: 2)
        let g = try w.k.bootGate(quota: w.s.root, thread: w.b, label: 0)
        try w.s.cap(ObjectID(.gate, g), in: w.A, at: 9)
        _ = w.k.taskUnmap(Slot.task, mask: UnmapMask.deleteObject, Self.deleteB)
        // b (dying, prio 2) waits behind a; a deletes the gate first.
        _ = w.k.taskUnmap(Slot.task, mask: UnmapMask.deleteObject, [Fpage.object(index: 9, rights: 0xF)])
        #expect(w.k.lifetime(of: ObjectID(.thread, w.b)) == .zombie)        // not yet torn down
        _ = w.k.sleep(Timeouts.never)
        #expect(w.k.tick(cpu: 0).outcome == .tornDown)
        #expect(w.k.lifetime(of: ObjectID(.thread, w.b)) == .free)
    }
}

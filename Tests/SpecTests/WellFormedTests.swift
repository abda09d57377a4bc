import Testing
@testable import Spec

/// Negative tests for every clause of `KernelState.wellFormedClauses`
/// (KernelState+WellFormed.swift): a hand-broken state must be reported under
/// exactly that clause. A checker that cannot fail is a defect (DESIGN §6).
@Suite struct WellFormedTests {
    /// A reachable state that exercises every clause: a caller in closed wait with
    /// a reply slot at its callee, a queued sender, a queued Irq, a thread blocked
    /// on an unbound gate, a ready thread, a child factory with a charged object,
    /// and a two-level mapping tree.
    struct Base: Sendable {
        var state: KernelState
        let A: TaskID, B: TaskID
        let x: ThreadID, y: ThreadID, z: ThreadID, w: ThreadID, v: ThreadID
        let g: GateID, g2: GateID
        let i: IrqID, i2: IrqID
        let root: FactoryID, f: FactoryID
    }

    static let base: Base = {
        var sb = SystemBuilder()
        let A = sb.task(), B = sb.task()
        let y = sb.thread(in: A)
        let x = sb.thread(in: A)
        let z = sb.thread(in: A)
        let w = sb.thread(in: A)
        let v = sb.thread(in: B)
        let f = sb.factory(limit: 10)
        let g = sb.gate(thread: y, label: 0x40)
        let g2 = sb.gate(quota: f)
        let i = sb.irq(thread: z, label: 1)
        let i2 = sb.irq()
        sb.cap(.task(A), in: A, at: 0)
        sb.cap(.thread(y), in: A, at: 1)
        sb.cap(.irq(i), in: A, at: 2)
        sb.cap(.gate(g2), in: A, at: 3)
        sb.cap(.gate(g), in: A, at: 4, rights: [.r, .w])
        sb.cap(.task(B), in: B, at: 0)
        sb.cap(.factory(f), in: B, at: 1)
        sb.cap(.irq(i2), in: B, at: 2, weak: false)
        sb.page(A, 0, frame: 0)
        sb.page(B, 0, frame: 0, rights: [.r], from: (A, 0))
        var s = sb.state
        _ = s.invoke(as: y, .wait())                                // y in open wait
        _ = s.invoke(as: x, .call(.s(4), [1]))                      // x calls y through g: reply slot at y
        _ = s.invoke(as: y, .irqTrigger(irq: .s(2)))                // i queued at z
        _ = s.invoke(as: y, .ipcSleep(timeout: .never))            // y sleeps
        _ = s.invoke(as: z, .send(.s(1), [2]))                      // z queued at y
        _ = s.invoke(as: w, .send(.s(3), [3]))                      // w blocked on the unbound gate g2
        return Base(state: s, A: A, B: B, x: x, y: y, z: z, w: w, v: v, g: g, g2: g2, i: i, i2: i2, root: sb.root, f: f)
    }()

    @Test func base_isWellFormedAndCoversTheInterestingShapes() {
        let b = Self.base
        let s = b.state
        expectWellFormed(s)
        #expect(s.thread(b.y).state == .receiving)
        #expect(s.thread(b.y).replyTo == b.x.raw)
        #expect(s.thread(b.x).state == .receiving)
        #expect(s.senderQueue(b.y) == [.thread(b.z)])
        #expect(s.senderQueue(b.z) == [.irq(b.i)])
        #expect(s.thread(b.w).state == .onGate)
        #expect(s.ready() == [b.v])
        #expect(s.factory(b.f).used == 1)
    }

    /// One hand-made breakage of a well-formed state.
    struct Breakage: Sendable, CustomTestStringConvertible {
        let clause: String
        let what: String
        let mutate: @Sendable (inout KernelState, Base) -> Void
        var testDescription: String { "\(clause): \(what)" }
    }

    static func slotIndex(_ t: TaskID, _ s: Int) -> Int { t.index * Capacity.slotsPerTask + s }
    static func node(_ t: TaskID, _ p: Int) -> Int { t.index * Capacity.pagesPerTask + p }

    static let breakages: [Breakage] = [
        Breakage(clause: "slotsNameLiveObjects", what: "a weak slot names a freed gate") { s, b in
            s.slots[slotIndex(b.A, 6)] = Slot(.gate(GateID(3)), rights: .all, counted: false)
        },
        Breakage(clause: "slotsNameLiveObjects", what: "a slot of a freed task holds a cap") { s, b in
            s.slots[slotIndex(TaskID(3), 0)] = Slot(.gate(b.g), rights: .all, counted: false)
        },
        Breakage(clause: "slotsNameLiveObjects", what: "a slot beyond the bound holds a cap") { s, b in
            s.config.slotBound = 6
            s.slots[slotIndex(b.A, 7)] = Slot(.gate(b.g), rights: .all, counted: false)
        },
        Breakage(clause: "slotsNameLiveObjects", what: "a slot has an unknown kind") { s, b in
            s.slots[slotIndex(b.A, 6)].kindRaw = 9
        },
        Breakage(clause: "refcountsMatchSlots", what: "a thread's counter is one too high") { s, b in
            s.threads[b.x.index].counted += 1
        },
        Breakage(clause: "refcountsMatchSlots", what: "a counted slot is not counted") { s, b in
            s.slots[slotIndex(b.A, 6)] = Slot(.gate(b.g), rights: .all, counted: true)
        },
        Breakage(clause: "bindingsNameExistingObjects", what: "a gate is bound to a freed thread") { s, b in
            s.gates[b.g.index].thread = 5
        },
        Breakage(clause: "bindingsNameExistingObjects", what: "a thread is bound to a freed task") { s, b in
            s.threads[b.v.index].task = 3
        },
        Breakage(clause: "bindingsNameExistingObjects", what: "an Irq is bound to a freed thread") { s, b in
            s.irqs[b.i2.index].thread = 5
        },
        Breakage(clause: "threadInAtMostOneQueue", what: "a sender is linked twice into one queue") { s, b in
            s.threads[b.z.index].queueNext = b.z.raw
        },
        Breakage(clause: "threadInAtMostOneQueue", what: "a queued Irq also hangs in a gate's wait queue") { s, b in
            s.threads[b.w.index].queueNext = 0x80 | b.i.raw
        },
        Breakage(clause: "queuesMatchThreadStates", what: "a thread in a gate's wait queue is marked sending") { s, b in
            s.threads[b.w.index].state = .sending
        },
        Breakage(clause: "queuesMatchThreadStates", what: "a thread blocked on a gate is not in its wait queue") { s, b in
            s.gates[b.g2.index].waitHead = 0xFF
        },
        Breakage(clause: "queuesMatchThreadStates", what: "a queued sender names another partner") { s, b in
            s.threads[b.z.index].partner = b.x.raw
        },
        Breakage(clause: "readyListsSound", what: "a blocked thread is listed as ready") { s, b in
            s.ready[0].entries[1] = b.y.raw
            s.ready[0].count = 2
        },
        Breakage(clause: "readyListsSound", what: "a thread is listed twice") { s, b in
            s.ready[0].entries[1] = b.v.raw
            s.ready[0].count = 2
        },
        Breakage(clause: "readyListsSound", what: "a ready thread is not listed") { s, b in
            s.ready[0].entries[0] = 0xFF
            s.ready[0].count = 0
        },
        Breakage(clause: "readyListsSound", what: "a higher priority is listed behind a lower one") { s, b in
            s.threads[b.y.index].state = .ready
            s.threads[b.y.index].prio = 1
            s.threads[b.v.index].prio = 0
            s.threads[b.y.index].replyTo = 0xFF
            s.threads[b.y.index].partner = 0xFF
            s.threads[b.z.index].partner = 0xFF
            s.threads[b.z.index].state = .ready
            s.threads[b.y.index].queueHead = 0xFF
            s.threads[b.x.index].state = .ready
            s.threads[b.x.index].partner = 0xFF
            s.ready[0].entries[0] = b.v.raw
            s.ready[0].entries[1] = b.y.raw
            s.ready[0].entries[2] = b.z.raw
            s.ready[0].entries[3] = b.x.raw
            s.ready[0].count = 4
        },
        Breakage(clause: "replySlotsNameWaitingCallers", what: "a reply slot names a thread that is not waiting for it") { s, b in
            s.threads[b.v.index].replyTo = b.w.raw
        },
        Breakage(clause: "replySlotsNameWaitingCallers", what: "two reply slots name one caller") { s, b in
            s.threads[b.v.index].replyTo = b.x.raw
        },
        Breakage(clause: "irqDeliveryConsistent", what: "a pending Irq is not masked") { s, b in
            s.irqs[b.i2.index].delivery = .pending
            s.irqs[b.i2.index].masked = 0
        },
        Breakage(clause: "irqDeliveryConsistent", what: "a queued Irq is marked idle") { s, b in
            s.irqs[b.i.index].delivery = .idle
        },
        Breakage(clause: "irqDeliveryConsistent", what: "an Irq marked queued sits in no queue") { s, b in
            s.irqs[b.i2.index].delivery = .queued
            s.irqs[b.i2.index].thread = b.v.raw
        },
        Breakage(clause: "quotaWithinLimit", what: "a child factory uses more than its limit") { s, b in
            // Lower the limit and the parent's reservation alike, so the accounting stays exact.
            s.factories[b.f.index].limit = 0
            s.factories[b.root.index].used -= 10
        },
        Breakage(clause: "quotaAccountingExact", what: "a factory records one unit too many") { s, b in
            s.factories[b.root.index].used += 1
        },
        Breakage(clause: "quotaAccountingExact", what: "an object is charged to the wrong account") { s, b in
            s.gates[b.g2.index].quota = b.root.raw
        },
        Breakage(clause: "mappingParentsExist", what: "a page's parent is unmapped") { s, b in
            s.pages[node(b.B, 0)].parent = UInt8(node(b.A, 3))
        },
        Breakage(clause: "mappingParentsExist", what: "a page's parent maps another frame") { s, b in
            s.pages[node(b.A, 0)].frame = 9
        },
        Breakage(clause: "mappingParentsExist", what: "the mapping tree has a cycle") { s, b in
            s.pages[node(b.A, 0)].parent = UInt8(node(b.B, 0))
        },
        Breakage(clause: "mappingParentsExist", what: "a freed task maps a page") { s, b in
            s.pages[node(TaskID(3), 0)] = PageEntry(frame: FrameID(4), rights: .all, parent: nil)
        },
    ]

    @Test(arguments: breakages)
    func brokenState_isReportedUnderExactlyItsClause(_ k: Breakage) {
        var s = Self.base.state
        k.mutate(&s, Self.base)
        let v = s.wellFormed()
        #expect(!v.isEmpty, "\(k.what) went unnoticed")
        #expect(Set(v.map(\.clause)) == [k.clause], "\(v)")
    }

    @Test func everyClause_hasANegativeTest() {
        let covered = Set(Self.breakages.map(\.clause))
        for (name, _) in KernelState.wellFormedClauses {
            #expect(covered.contains(name), "clause \(name) has no negative test")
        }
        // And no breakage names a clause that does not exist.
        let names = Set(KernelState.wellFormedClauses.map(\.0))
        #expect(covered.isSubset(of: names))
    }

    @Test func clauseNames_areUnique() {
        let names = KernelState.wellFormedClauses.map(\.0)
        #expect(Set(names).count == names.count)
    }
}

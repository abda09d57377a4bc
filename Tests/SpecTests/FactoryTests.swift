import Testing
@testable import Spec

/// Factories and kernel-memory quotas (Factory.swift; kernel-api §3.4, §8).
@Suite struct FactoryTests {
    /// Task A with thread `a`. A's slots: 0 = A, 1 = root factory, 2 = child
    /// factory `f` (limit `limit`), 3 = thread `a`; 4 and 5 are free.
    struct World {
        var s: KernelState
        let A: TaskID
        let a: ThreadID
        let root: FactoryID, f: FactoryID
    }

    static func world(limit: UInt16 = 10) -> World {
        var sb = SystemBuilder(slots: 6)
        let A = sb.task()
        let a = sb.thread(in: A)
        let f = sb.factory(limit: limit)
        sb.cap(.task(A), in: A, at: 0)
        sb.cap(.factory(sb.root), in: A, at: 1)
        sb.cap(.factory(f), in: A, at: 2)
        sb.cap(.thread(a), in: A, at: 3)
        return World(s: sb.state, A: A, a: a, root: sb.root, f: f)
    }

    // MARK: - Each kind (kernel-api §3.4 table)

    @Test func create_task() {
        var w = Self.world()
        let used = w.s.factory(w.f).used
        #expect(w.s.invoke(as: w.a, .create(.task, factory: 2, into: 4)) == .success)
        let c = w.s.slot(w.A, 4)
        #expect(c.ref == .task(TaskID(1)))
        #expect(c.rights == .all)
        #expect(c.counted)
        #expect(w.s.task(TaskID(1)).life == .live)
        #expect(w.s.task(TaskID(1)).quota == w.f.raw)
        #expect(w.s.factory(w.f).used == used + KernelMemory.cost(of: .task))
        expectWellFormed(w.s)
    }

    @Test func create_thread_isDeadUnboundPriority1() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .create(.thread, factory: 2, into: 4)) == .success)
        let t = ThreadID(1)
        #expect(w.s.slot(w.A, 4).ref == .thread(t))
        let r = w.s.thread(t)
        #expect(r.life == .live)
        #expect(r.state == .dead)
        #expect(r.task == 0xFF)
        #expect(r.prio == 1)
        #expect(r.cpu == 0xFF)
        #expect(r.pager == 0xFF)
        #expect(!w.s.ready().contains(t))
        #expect(w.s.factory(w.f).used == KernelMemory.cost(of: .thread))
        expectWellFormed(w.s)
    }

    @Test func create_gate_isUnboundWithLabel0AndServerView() {
        var w = Self.world()
        // Without a thread item the label argument is not taken (kernel-api §3.3 creation).
        #expect(w.s.invoke(as: w.a, .create(.gate(label: 0x40, thread: nil), factory: 2, into: 4)) == .success)
        let c = w.s.slot(w.A, 4)
        #expect(c.ref == .gate(GateID(0)))
        #expect(c.server)
        #expect(c.rights == .all)
        #expect(w.s.gate(GateID(0)).thread == 0xFF)
        #expect(w.s.gate(GateID(0)).label == 0)
        #expect(w.s.factory(w.f).used == KernelMemory.cost(of: .gate))
        expectWellFormed(w.s)
    }

    @Test func create_gateWithThread_bindsWithLabel() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .create(.gate(label: 0x40, thread: SlotIndex(3)), factory: 2, into: 4)) == .success)
        #expect(w.s.gate(GateID(0)).thread == w.a.raw)
        #expect(w.s.gate(GateID(0)).label == 0x40)
        expectWellFormed(w.s)
    }

    @Test func create_irq() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .create(.irq, factory: 2, into: 4)) == .success)
        #expect(w.s.slot(w.A, 4).ref == .irq(IrqID(0)))
        let i = w.s.irq(IrqID(0))
        #expect(i.life == .live)
        #expect(i.thread == 0xFF)
        #expect(i.delivery == .idle)
        #expect(w.s.factory(w.f).used == KernelMemory.cost(of: .irq))
        expectWellFormed(w.s)
    }

    @Test func create_factory_reservesCostPlusLimitFromTheParent() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .create(.factory(limit: 5), factory: 2, into: 4)) == .success)
        let child = FactoryID(2)
        #expect(w.s.slot(w.A, 4).ref == .factory(child))
        #expect(w.s.factory(child).limit == 5)
        #expect(w.s.factory(child).used == 0)
        #expect(w.s.factory(child).parent == w.f.raw)
        #expect(w.s.factory(w.f).used == KernelMemory.cost(of: .factory) + 5)
        expectWellFormed(w.s)
    }

    // MARK: - Decode errors (kernel-api §3.4 order)

    @Test func create_withoutS_isEPERM() {
        var w = Self.world()
        w.s.give(.factory(w.f), to: w.A, at: 5, rights: [.r, .w, .d])
        #expect(w.s.invoke(as: w.a, .create(.gate(label: 0, thread: nil), factory: 5, into: 4)) == .error(.eperm))
        #expect(w.s.slot(w.A, 4).isEmpty)
        #expect(w.s.factory(w.f).used == 0)
        expectWellFormed(w.s)
    }

    @Test func create_withoutSlot_isREMSGCUT() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .create(.thread, factory: 2, into: nil)) == .ipc(.remsgcut))
        // The buffer check comes before the arguments: even an invalid kind gives REMSGCUT.
        #expect(w.s.invoke(as: w.a, .create(.factory(limit: 0), factory: 2, into: nil)) == .ipc(.remsgcut))
        #expect(w.s.factory(w.f).used == 0)
        #expect(w.s.thread(ThreadID(1)).life == .free)
        expectWellFormed(w.s)
    }

    @Test func create_slotBeyondTheBound_isENOMEM() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .create(.thread, factory: 2, into: 6)) == .error(.enomem))
        #expect(w.s.invoke(as: w.a, .create(.thread, factory: 2, into: 200)) == .error(.enomem))
        #expect(w.s.factory(w.f).used == 0)
        #expect(w.s.thread(ThreadID(1)).life == .free)
        expectWellFormed(w.s)
    }

    @Test func createFactory_limit0_isENOMEM() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .create(.factory(limit: 0), factory: 2, into: 4)) == .error(.enomem))
        #expect(w.s.slot(w.A, 4).isEmpty)
        #expect(w.s.factory(FactoryID(2)).life == .free)
        expectWellFormed(w.s)
    }

    @Test func createFactory_costPlusLimitOverflowing_isENOMEM() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .create(.factory(limit: .max), factory: 1, into: 4)) == .error(.enomem))
        #expect(w.s.slot(w.A, 4).isEmpty)
        #expect(w.s.factory(FactoryID(2)).life == .free)
        expectWellFormed(w.s)
    }

    @Test func create_withTheObjectTableFull_isENOMEM() {
        // The model's fixed capacity stands in for kernel memory running out.
        var sb = SystemBuilder()
        let A = sb.task()
        let a = sb.thread(in: A)
        for _ in 0..<Capacity.gates { _ = sb.gate() }
        sb.cap(.factory(sb.root), in: A, at: 1)
        var s = sb.state
        let used = s.factory(sb.root).used
        #expect(s.invoke(as: a, .create(.gate(label: 0, thread: nil), factory: 1, into: 4)) == .error(.enomem))
        #expect(s.slot(A, 4).isEmpty)
        #expect(s.factory(sb.root).used == used)
        expectWellFormed(s)
    }

    @Test func createGate_labelLowBits_isEINVAL() {
        var w = Self.world()
        for label: UInt16 in [0x41, 0x42, 0x43] {
            #expect(w.s.invoke(as: w.a, .create(.gate(label: label, thread: SlotIndex(3)), factory: 2, into: 4)) == .error(.einval))
        }
        #expect(w.s.slot(w.A, 4).isEmpty)
        #expect(w.s.gate(GateID(0)).life == .free)
        expectWellFormed(w.s)
    }

    @Test func createGate_threadItemNotAThread_isEINVAL() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .create(.gate(label: 0x40, thread: SlotIndex(0)), factory: 2, into: 4)) == .error(.einval))  // a task
        #expect(w.s.invoke(as: w.a, .create(.gate(label: 0x40, thread: SlotIndex(5)), factory: 2, into: 4)) == .error(.einval))  // empty
        #expect(w.s.slot(w.A, 4).isEmpty)
        expectWellFormed(w.s)
    }

    @Test func createGate_threadWithoutS_isEPERM() {
        var w = Self.world()
        w.s.give(.thread(w.a), to: w.A, at: 5, rights: [.r, .w])
        #expect(w.s.invoke(as: w.a, .create(.gate(label: 0x40, thread: SlotIndex(5)), factory: 2, into: 4)) == .error(.eperm))
        #expect(w.s.slot(w.A, 4).isEmpty)
        expectWellFormed(w.s)
    }

    @Test func create_onNonFactoryCap_isEBADPROTO() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .create(.thread, factory: 0, into: 4)) == .error(.ebadproto))
        #expect(w.s.slot(w.A, 4).isEmpty)
        expectWellFormed(w.s)
    }

    // MARK: - Quota (kernel-api §3.4 Ram_quota)

    @Test func create_quotaExhausted_isENOMEM_refundedOnDeletion() {
        var w = Self.world(limit: 3)
        #expect(w.s.invoke(as: w.a, .create(.thread, factory: 2, into: 4)) == .success)          // 2 of 3
        #expect(w.s.invoke(as: w.a, .create(.gate(label: 0, thread: nil), factory: 2, into: 5)) == .success)  // 3 of 3
        #expect(w.s.factory(w.f).used == 3)
        // Full: the slot holding the gate stays untouched (allocation comes before the slot).
        #expect(w.s.invoke(as: w.a, .create(.irq, factory: 2, into: 5)) == .error(.enomem))
        #expect(w.s.slot(w.A, 5).ref == .gate(GateID(0)))
        #expect(w.s.irq(IrqID(0)).life == .free)
        #expect(w.s.factory(w.f).used == 3)
        // Deleting the thread refunds its cost; now the Irq fits.
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 0, 4, delete: true)) == .success)
        #expect(w.s.factory(w.f).used == 1)
        #expect(w.s.invoke(as: w.a, .create(.irq, factory: 2, into: 4)) == .success)
        #expect(w.s.factory(w.f).used == 2)
        expectWellFormed(w.s)
    }

    @Test func replacingAnObject_needsQuotaForBoth() {
        var w = Self.world(limit: 1)
        #expect(w.s.invoke(as: w.a, .create(.gate(label: 0, thread: nil), factory: 2, into: 4)) == .success)
        #expect(w.s.invoke(as: w.a, .create(.gate(label: 0, thread: nil), factory: 2, into: 4)) == .error(.enomem))
        #expect(w.s.slot(w.A, 4).ref == .gate(GateID(0)))
        expectWellFormed(w.s)
    }

    @Test func childFactory_reservationReturnedWhenTheDrainedChildIsDeleted() {
        var w = Self.world()
        let rootUsed = w.s.factory(w.root).used
        #expect(w.s.invoke(as: w.a, .create(.factory(limit: 4), factory: 1, into: 4)) == .success)
        let child = FactoryID(2)
        #expect(w.s.factory(w.root).used == rootUsed + KernelMemory.cost(of: .factory) + 4)
        #expect(w.s.invoke(as: w.a, .create(.gate(label: 0, thread: nil), factory: 4, into: 5)) == .success)
        #expect(w.s.factory(child).used == 1)
        // Deleting the child invalidates it, but its account lives while the gate exists.
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 0, 4, delete: true)) == .success)
        #expect(w.s.factory(child).life == .zombie)
        #expect(w.s.factory(w.root).used == rootUsed + KernelMemory.cost(of: .factory) + 4)
        expectWellFormed(w.s)
        // The last object goes: the drained account returns cost + limit to the parent.
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 0, 5)) == .success)
        #expect(w.s.factory(child).life == .free)
        #expect(w.s.factory(w.root).used == rootUsed)
        expectWellFormed(w.s)
    }

    @Test func childFactory_cannotExceedItsParentsBudget() {
        var w = Self.world(limit: 5)
        // cost 1 + limit 5 > 5
        #expect(w.s.invoke(as: w.a, .create(.factory(limit: 5), factory: 2, into: 4)) == .error(.enomem))
        #expect(w.s.invoke(as: w.a, .create(.factory(limit: 4), factory: 2, into: 4)) == .success)
        #expect(w.s.factory(w.f).used == 5)
        expectWellFormed(w.s)
    }

    // MARK: - Creating into an occupied slot (kernel-api §3.4, §4.6)

    @Test func create_intoSlotHoldingADCap_destroysTheOldObjectForEveryHolder() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .create(.gate(label: 0, thread: nil), factory: 2, into: 4)) == .success)
        #expect(w.s.invoke(as: w.a, .map(dst: 0, src: 0, .obj(4, [.r, .w]), to: 5)) == .success)  // a copy without D
        #expect(w.s.invoke(as: w.a, .create(.irq, factory: 2, into: 4)) == .success)
        #expect(w.s.slot(w.A, 4).ref == .irq(IrqID(0)))
        #expect(w.s.slot(w.A, 5).isEmpty)
        #expect(w.s.gate(GateID(0)).life == .free)
        #expect(w.s.factory(w.f).used == KernelMemory.cost(of: .irq))
        expectWellFormed(w.s)
    }

    @Test func create_intoSlotHoldingACapWithoutD_releasesIt() {
        var w = Self.world()
        #expect(w.s.invoke(as: w.a, .create(.gate(label: 0, thread: nil), factory: 2, into: 4)) == .success)
        #expect(w.s.invoke(as: w.a, .map(dst: 0, src: 0, .obj(4, [.r, .w]), to: 5)) == .success)
        #expect(w.s.invoke(as: w.a, .create(.irq, factory: 2, into: 5)) == .success)
        #expect(w.s.slot(w.A, 5).ref == .irq(IrqID(0)))
        #expect(w.s.isLive(.gate(GateID(0))))
        #expect(w.s.countedRefs(.gate(GateID(0))) == 1)
        expectWellFormed(w.s)
    }

    @Test func create_displacingTheCallersOwnTask_isREMSGCUT() {
        // The caller's own task dies with the displaced D cap: the new object is freed again.
        var sb = SystemBuilder(slots: 4)
        let A = sb.task()
        let a = sb.thread(in: A)
        let f = sb.factory(limit: 10)
        sb.cap(.task(A), in: A, at: 0)
        sb.cap(.factory(f), in: A, at: 1, rights: [.r, .s])
        var s = sb.state
        let rootUsed = s.factory(sb.root).used
        #expect(s.invoke(as: a, .create(.gate(label: 0, thread: nil), factory: 1, into: 0)) == .ipc(.remsgcut))
        #expect(s.task(A).life == .zombie)                 // thread a is still bound to it
        #expect(s.gate(GateID(0)).life == .free)
        // A's cap to f was f's only counted cap: f went with the task, and once the
        // gate was freed its drained account returned cost + limit to the root.
        #expect(s.factory(f).life == .free)
        #expect(s.factory(sb.root).used == rootUsed - KernelMemory.cost(of: .factory) - 10)
        expectWellFormed(s)
    }

    @Test func createAndDeleteEverything_restoresTheAccounting() {
        var w = Self.world()
        let before = w.s.factory(w.f).used
        #expect(w.s.invoke(as: w.a, .create(.task, factory: 2, into: 4)) == .success)
        #expect(w.s.invoke(as: w.a, .create(.factory(limit: 2), factory: 2, into: 5)) == .success)
        #expect(w.s.factory(w.f).used == before + 3 + 3)
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 0, 4, delete: true)) == .success)
        #expect(w.s.invoke(as: w.a, .unmapObj(task: 0, 5, delete: true)) == .success)
        #expect(w.s.factory(w.f).used == before)
        expectWellFormed(w.s)
    }
}

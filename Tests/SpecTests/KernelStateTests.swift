import Testing
@testable import Spec

/// The flat state itself (KernelState.swift): padding-free records, byte-wise
/// equality, stable fingerprints, and the purity of `step`.
@Suite struct KernelStateTests {
    // MARK: - Layout: equality and fingerprints read raw bytes, so no padding

    @Test func records_haveNoPadding() {
        #expect(MemoryLayout<Slot>.size == MemoryLayout<Slot>.stride)
        #expect(MemoryLayout<PageEntry>.size == MemoryLayout<PageEntry>.stride)
        #expect(MemoryLayout<TaskRecord>.size == MemoryLayout<TaskRecord>.stride)
        #expect(MemoryLayout<ThreadRecord>.size == MemoryLayout<ThreadRecord>.stride)
        #expect(MemoryLayout<GateRecord>.size == MemoryLayout<GateRecord>.stride)
        #expect(MemoryLayout<IrqRecord>.size == MemoryLayout<IrqRecord>.stride)
        #expect(MemoryLayout<FactoryRecord>.size == MemoryLayout<FactoryRecord>.stride)
        #expect(MemoryLayout<ReadyList>.size == MemoryLayout<ReadyList>.stride)
        #expect(MemoryLayout<Config>.size == MemoryLayout<Config>.stride)
        #expect(MemoryLayout<KernelState>.size == MemoryLayout<KernelState>.stride)
    }

    @Test func state_isTheSumOfItsTables() {
        // No interior padding either: the state's size is the sum of its fields.
        let sum = MemoryLayout<ThreadTable>.size + MemoryLayout<GateTable>.size + MemoryLayout<IrqTable>.size
            + MemoryLayout<FactoryTable>.size + MemoryLayout<SlotTable>.size + MemoryLayout<PageTable>.size
            + MemoryLayout<TaskTable>.size + MemoryLayout<ReadyTable>.size + MemoryLayout<Config>.size
        #expect(MemoryLayout<KernelState>.size == sum)
    }

    @Test func config_clampsToTheCapacity() {
        let c = Config(slotBound: 100, pageBound: 100, cpuCount: 0)
        #expect(Int(c.slotBound) == Capacity.slotsPerTask)
        #expect(Int(c.pageBound) == Capacity.pagesPerTask)
        #expect(c.cpuCount == 1)
        #expect(Config(slotBound: 3, pageBound: 2, cpuCount: 9).cpuCount == UInt8(Capacity.cpus))
    }

    // MARK: - Equality and fingerprints

    static func sample() -> (KernelState, ThreadID, TaskID) {
        var sb = SystemBuilder()
        let A = sb.task()
        let t = sb.thread(in: A)
        let g = sb.gate(thread: t, label: 4)
        sb.cap(.gate(g), in: A, at: 1)
        sb.page(A, 0, frame: 2)
        return (sb.state, t, A)
    }

    @Test func equalStates_haveEqualFingerprints() {
        let (a, _, _) = Self.sample()
        let (b, _, _) = Self.sample()
        #expect(a == b)
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.hashValue == b.hashValue)
        #expect(Set([a, b]).count == 1)
    }

    @Test(arguments: [
        "thread.rcvLabel", "thread.queueNext", "thread.mr", "slot.flags", "slot.rights", "page.rights",
        "page.parent", "task.counted", "gate.label", "irq.masked", "factory.used", "ready.count", "config.reserved",
    ])
    func oneFieldChange_changesEqualityAndFingerprint(_ field: String) {
        let (a, t, A) = Self.sample()
        var b = a
        switch field {
        case "thread.rcvLabel": b.threads[t.index].rcvLabel = 1
        case "thread.queueNext": b.threads[5].queueNext = 0
        case "thread.mr": b.threads[t.index].mr[1] = 9
        case "slot.flags": b.slots[A.index * Capacity.slotsPerTask + 1].flags ^= Slot.countedFlag
        case "slot.rights": b.slots[A.index * Capacity.slotsPerTask + 1].rightsRaw ^= CapRights.d.rawValue
        case "page.rights": b.pages[A.index * Capacity.pagesPerTask].rightsRaw = MemRights.r.rawValue
        case "page.parent": b.pages[15].parent = 3
        case "task.counted": b.tasks[A.index].counted += 1
        case "gate.label": b.gates[0].label = 8
        case "irq.masked": b.irqs[1].masked = 1
        case "factory.used": b.factories[0].used += 1
        case "ready.count": b.ready[1].count = 1
        case "config.reserved": b.config.reserved = 1
        default: Issue.record("unknown field \(field)")
        }
        #expect(a != b)
        #expect(a.fingerprint != b.fingerprint)
    }

    @Test func fingerprint_isStable() {
        // Not derived from Swift's per-process seeded Hasher: the same state gives
        // the same value in every run (DESIGN §9).
        let s = KernelState(config: Config(slotBound: 4, pageBound: 2, cpuCount: 1))
        let again = KernelState(config: Config(slotBound: 4, pageBound: 2, cpuCount: 1))
        #expect(s.fingerprint == again.fingerprint)
        #expect(s.fingerprint != KernelState(config: Config(slotBound: 5, pageBound: 2, cpuCount: 1)).fingerprint)
    }

    // MARK: - step is pure

    @Test func step_leavesItsInputUntouched() {
        let (s, t, _) = Self.sample()
        let copy = s
        let events: [Event] = [
            .invoke(cpu: CPU(0), .ipcSleep(timeout: .never)),
            .invoke(cpu: CPU(0), .send(.s(1), [1, 2])),
            .invoke(cpu: CPU(0), .unmapObj(task: 0, 1, delete: true)),
            .tick(cpu: CPU(0)),
            .irqLine(0),
        ]
        for e in events {
            let (next, r) = step(s, e)
            #expect(s == copy)
            #expect(s.fingerprint == copy.fingerprint)
            var applied = s
            #expect(applied.apply(e) == r)
            #expect(applied == next)
        }
        let (next, r) = step(s, .invoke(cpu: CPU(0), .ipcSleep(timeout: .never)))
        #expect(r == StepResult(.blocked, actor: t))
        #expect(next != s)
        #expect(s.thread(t).state == .ready)
    }

    @Test func boot_rejectsWhatDoesNotFit() {
        var s = KernelState(config: Config(slotBound: 2, pageBound: 2, cpuCount: 1))
        let root = s.bootFactory(limit: nil, parent: nil)!
        let child = s.bootFactory(limit: 4, parent: root)!
        let third = s.bootFactory(limit: 1, parent: root)
        let fourth = s.bootFactory(limit: 1, parent: root)              // no table entry left
        let task = s.bootTask(quota: child)                              // 3 of 4
        let thread = s.bootThread(quota: child, task: nil, prio: 1, cpu: nil, pager: nil, started: false)  // over quota
        #expect(third != nil)
        #expect(fourth == nil)
        #expect(task != nil)
        #expect(thread == nil)
        let t = s.bootTask(quota: root)!
        let beyond = s.bootCap(.task(t), task: t, slot: SlotIndex(2), rights: .all, server: false, weak: false)
        let placed = s.bootCap(.task(t), task: t, slot: SlotIndex(1), rights: .all, server: false, weak: false)
        let occupied = s.bootCap(.task(t), task: t, slot: SlotIndex(1), rights: .all, server: false, weak: false)
        let pageBeyond = s.bootPage(task: t, page: PageIndex(2), frame: FrameID(0), rights: .all, from: nil)
        let root0 = s.bootPage(task: t, page: PageIndex(0), frame: FrameID(0), rights: [.r], from: nil)
        let wider = s.bootPage(task: t, page: PageIndex(1), frame: FrameID(0), rights: .all, from: (t, PageIndex(0)))
        #expect(!beyond)
        #expect(placed)
        #expect(!occupied)
        #expect(!pageBeyond)
        #expect(root0)
        #expect(!wider)                                                   // more rights than the parent
        #expect(s.wellFormed().isEmpty)
    }
}

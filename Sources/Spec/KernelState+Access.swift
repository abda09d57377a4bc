/// Small accessors shared by the rule files (l4v's `CSpaceAcc_A` role).
extension KernelState {
    // MARK: - Slots and pages

    @inlinable func slotPosition(_ task: TaskID, _ slot: SlotIndex) -> Int {
        task.index * Capacity.slotsPerTask + slot.index
    }
    @inlinable func pagePosition(_ task: TaskID, _ page: PageIndex) -> Int {
        task.index * Capacity.pagesPerTask + page.index
    }
    @inlinable func validSlot(_ s: SlotIndex) -> Bool { s.raw < config.slotBound }
    @inlinable func validPage(_ p: PageIndex) -> Bool { p.raw < config.pageBound }

    /// The slot, or an empty one for indices beyond the bound (kernel-api §2).
    public func slot(_ task: TaskID, _ s: SlotIndex) -> Slot {
        validSlot(s) && task.index < Capacity.tasks ? slots[slotPosition(task, s)] : Slot()
    }
    public func page(_ task: TaskID, _ p: PageIndex) -> PageEntry {
        validPage(p) && task.index < Capacity.tasks ? pages[pagePosition(task, p)] : PageEntry()
    }
    /// The (task, page) a mapping-tree node index denotes.
    @inlinable func node(_ n: Int) -> (TaskID, PageIndex) {
        (TaskID(n / Capacity.pagesPerTask), PageIndex(n % Capacity.pagesPerTask))
    }

    // MARK: - Records

    public func thread(_ t: ThreadID) -> ThreadRecord { threads[t.index] }
    public func isLive(_ ref: ObjectRef) -> Bool { life(of: ref) == .live }

    public func life(of ref: ObjectRef) -> Life {
        let i = Int(ref.index)
        switch ref.kind {
        case .task: return i < Capacity.tasks ? tasks[i].life : .free
        case .thread: return i < Capacity.threads ? threads[i].life : .free
        case .gate: return i < Capacity.gates ? gates[i].life : .free
        case .irq: return i < Capacity.irqs ? irqs[i].life : .free
        case .factory: return i < Capacity.factories ? factories[i].life : .free
        case .scheduler: return .live
        }
    }

    /// Counted-capability counter of an object (kernel-api §5.2).
    public func countedRefs(_ ref: ObjectRef) -> Int {
        let i = Int(ref.index)
        switch ref.kind {
        case .task: return Int(tasks[i].counted)
        case .thread: return Int(threads[i].counted)
        case .gate: return Int(gates[i].counted)
        case .irq: return Int(irqs[i].counted)
        case .factory: return Int(factories[i].counted)
        case .scheduler: return 0
        }
    }

    mutating func adjustCounted(_ ref: ObjectRef, by delta: Int) {
        let i = Int(ref.index)
        func apply(_ v: inout UInt8) { v = UInt8(clamping: Int(v) + delta) }
        switch ref.kind {
        case .task: apply(&tasks[i].counted)
        case .thread: apply(&threads[i].counted)
        case .gate: apply(&gates[i].counted)
        case .irq: apply(&irqs[i].counted)
        case .factory: apply(&factories[i].counted)
        case .scheduler: break
        }
    }

    /// The factory an object is charged to (kernel-api §3.4); for a factory,
    /// the parent it reserved its budget from. `0xFF` for none.
    public func quotaAccount(of ref: ObjectRef) -> UInt8 {
        let i = Int(ref.index)
        switch ref.kind {
        case .task: return tasks[i].quota
        case .thread: return threads[i].quota
        case .gate: return gates[i].quota
        case .irq: return irqs[i].quota
        case .factory: return factories[i].parent
        case .scheduler: return noID
        }
    }

    /// Threads bound to a task (kernel-api §3.2 control/bind).
    func boundThreadCount(_ task: TaskID) -> Int {
        var n = 0
        for i in 0..<Capacity.threads where threads[i].life != .free && threads[i].task == task.raw { n += 1 }
        return n
    }

    /// The thread that runs on `cpu`: the head of its ready list (kernel-api §9).
    public func current(on cpu: CPU) -> ThreadID? {
        guard cpu.index < Capacity.cpus, ready[cpu.index].count > 0 else { return nil }
        return ThreadID(Int(ready[cpu.index].entries[0]))
    }
}

/// Queue entries name a thread or an Irq in one byte (kernel-api §6.2: Irqs
/// queue as senders at the bound thread).
enum Sender: Equatable {
    case thread(ThreadID)
    case irq(IrqID)
    init?(encoded: UInt8) {
        if encoded == noID { return nil }
        self = encoded & irqTag != 0 ? .irq(IrqID(Int(encoded & ~irqTag))) : .thread(ThreadID(Int(encoded)))
    }
    var encoded: UInt8 {
        switch self {
        case .thread(let t): t.raw
        case .irq(let i): irqTag | i.raw
        }
    }
}

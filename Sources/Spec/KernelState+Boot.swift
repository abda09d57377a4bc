/// Building the boot state of a system description (DESIGN §3). Objects that
/// exist at boot are charged to their factory like created ones, so the
/// accounting invariants (MEM-2) hold from the first state. Each builder
/// returns nil when the model's fixed capacity is exhausted.
extension KernelState {
    /// The root factory is unlimited (`limit == nil`); a child reserves
    /// `cost + limit` from its parent (kernel-api §3.4).
    public mutating func bootFactory(limit: UInt16?, parent: FactoryID?) -> FactoryID? {
        guard let i = freeEntry(.factory) else { return nil }
        if let parent, let limit {
            let (amount, overflow) = KernelMemory.cost(of: .factory).addingReportingOverflow(limit)
            guard !overflow, charge(parent.raw, amount) else { return nil }
        }
        allocate(.factory(FactoryID(i)), quota: parent?.raw ?? noID, kind: .factory(limit: limit ?? 0))
        if limit == nil { factories[i].unlimited = 1 }
        return FactoryID(i)
    }

    public mutating func bootTask(quota: FactoryID) -> TaskID? {
        bootObject(.task, quota: quota).map { TaskID($0) }
    }

    /// A thread bound to `task`; `started` threads are ready on `cpu` (both
    /// ex_regs and run_thread done at boot, kernel-api §3.2).
    public mutating func bootThread(quota: FactoryID, task: TaskID?, prio: UInt8, cpu: CPU?, pager: SlotIndex?, started: Bool) -> ThreadID? {
        guard let i = bootObject(.thread, quota: quota) else { return nil }
        let t = ThreadID(i)
        threads[i].task = task?.raw ?? noID
        threads[i].prio = max(prio, 1)
        threads[i].cpu = cpu?.raw ?? noID
        threads[i].pager = pager?.raw ?? noID
        if started {
            threads[i].state = .ready
            enqueueReady(t, front: false)
        }
        return t
    }

    public mutating func bootGate(quota: FactoryID, thread: ThreadID?, label: UInt16) -> GateID? {
        guard let i = bootObject(.gate, quota: quota) else { return nil }
        gates[i].thread = thread?.raw ?? noID
        gates[i].label = label
        return GateID(i)
    }

    public mutating func bootIrq(quota: FactoryID, thread: ThreadID?, label: UInt16, line: UInt8?) -> IrqID? {
        guard let i = bootObject(.irq, quota: quota) else { return nil }
        irqs[i].thread = thread?.raw ?? noID
        irqs[i].label = label
        irqs[i].line = line ?? noID
        return IrqID(i)
    }

    /// Puts a capability into an empty slot. Returns false for an occupied or
    /// out-of-bound slot or a dead object.
    public mutating func bootCap(_ ref: ObjectRef, task: TaskID, slot: SlotIndex, rights: CapRights, server: Bool, weak: Bool) -> Bool {
        guard validSlot(slot), tasks[task.index].life == .live, life(of: ref) == .live, self.slot(task, slot).isEmpty else { return false }
        insertCap(Slot(ref, rights: rights, counted: !weak, server: ref.kind == .gate && server), at: task, slot)
        return true
    }

    /// Maps a page: from sigma0 (`from == nil`, the frame's root) or derived
    /// from another task's mapping of the same frame (kernel-api §5.1).
    public mutating func bootPage(task: TaskID, page: PageIndex, frame: FrameID, rights: MemRights, from: (TaskID, PageIndex)?) -> Bool {
        guard validPage(page), frame.index < Capacity.frames, !self.page(task, page).isMapped else { return false }
        var parent: Int?
        if let (pt, pp) = from {
            let p = self.page(pt, pp)
            guard p.isMapped, p.frame == frame.raw, rights.isSubset(of: p.rights) else { return false }
            parent = pagePosition(pt, pp)
        }
        pages[pagePosition(task, page)] = PageEntry(frame: frame, rights: rights, parent: parent)
        return true
    }

    private mutating func bootObject(_ kind: ObjectKind, quota: FactoryID) -> Int? {
        guard let i = freeEntry(kind), charge(quota.raw, KernelMemory.cost(of: kind)) else { return nil }
        allocate(ObjectRef(kind, i), quota: quota.raw, kind: kind == .task ? .task : .thread)
        return i
    }

    // MARK: - Read access for reports and checkers

    public func factory(_ f: FactoryID) -> FactoryRecord { factories[f.index] }
    public func gate(_ g: GateID) -> GateRecord { gates[g.index] }
    public func irq(_ i: IrqID) -> IrqRecord { irqs[i.index] }
    public func task(_ t: TaskID) -> TaskRecord { tasks[t.index] }
    /// The result a thread's last system call returned (nil while blocked/never).
    public func lastResult(_ t: ThreadID) -> Outcome? { ResultCode.decode(threads[t.index].resultKind, threads[t.index].resultCode) }
    /// The words of the last message a thread received.
    public func receivedWords(_ t: ThreadID) -> [UInt16] { (0..<Int(threads[t.index].mrCount)).map { threads[t.index].mr[$0] } }
    /// The threads a CPU's ready list holds, in scheduling order.
    public func readyThreads(_ cpu: CPU) -> [ThreadID] {
        guard cpu.index < Capacity.cpus else { return [] }
        return (0..<Int(ready[cpu.index].count)).map { ThreadID(Int(ready[cpu.index].entries[$0])) }
    }
    /// The senders queued at a thread, in order (threads and Irqs).
    public func senderQueue(_ t: ThreadID) -> [ObjectRef] {
        members(of: .thread(t)).map { s in
            switch s {
            case .thread(let x): .thread(x)
            case .irq(let i): .irq(i)
            }
        }
    }
}

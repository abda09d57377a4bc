/// Object destruction (kernel-api §5.3, §5.4): invalidate every capability, then
/// the object-specific `destroy`. All kinds but threads finish inside the
/// deleting operation; a thread is only marked and tears itself down when it
/// next runs.
extension KernelState {
    /// kernel-api §5.3 steps 1–4 for one object (no-op unless it is live).
    mutating func destroy(_ ref: ObjectRef) {
        guard life(of: ref) == .live, ref.kind != .scheduler else { return }
        setLife(ref, .zombie)
        clearAllSlots(naming: ref)
        switch ref.kind {
        case .task: destroyTask(TaskID(Int(ref.index)))
        case .thread: kill(ThreadID(Int(ref.index)))
        case .gate: destroyGate(GateID(Int(ref.index)))
        case .irq: destroyIrq(IrqID(Int(ref.index)))
        case .factory: releaseFactoryIfDrained(FactoryID(Int(ref.index)))
        case .scheduler: break
        }
    }

    mutating func setLife(_ ref: ObjectRef, _ life: Life) {
        let i = Int(ref.index)
        switch ref.kind {
        case .task: tasks[i].life = life
        case .thread: threads[i].life = life
        case .gate: gates[i].life = life
        case .irq: irqs[i].life = life
        case .factory: factories[i].life = life
        case .scheduler: break
        }
    }

    /// kernel-api §3.1 task deletion — unmap everything with the full mask
    /// including the delete flag; bound threads keep the task struct alive.
    mutating func destroyTask(_ t: TaskID) {
        for s in 0..<Capacity.slotsPerTask { removeCap(at: t, SlotIndex(s), delete: true) }
        for p in 0..<Capacity.pagesPerTask {
            let n = pagePosition(t, PageIndex(p))
            if pages[n].isMapped { revoke(node: n, includingSelf: true) }
        }
        freeTaskIfUnreferenced(t)
    }

    mutating func freeTaskIfUnreferenced(_ t: TaskID) {
        if tasks[t.index].life == .zombie && boundThreadCount(t) == 0 { free(.task(t)) }
    }

    /// kernel-api §3.3 gate deletion — senders blocked on the unbound gate get
    /// ENOT_EXISTENT; the binding is dropped. Messages already queued at the
    /// bound thread stay queued with their old label (IPC-7 exception).
    mutating func destroyGate(_ g: GateID) {
        while let t = popGateWaiter(g) { finish(t, .ipc(.enotExistent)) }
        let old = gates[g.index].thread
        gates[g.index].thread = noID
        free(.gate(g))
        if old != noID { freeThreadIfUnreferenced(ThreadID(Int(old))) }
    }

    /// kernel-api §7 deletion — detached and invalidated; a queued delivery is withdrawn.
    mutating func destroyIrq(_ i: IrqID) {
        detachIrq(i)
        freeIrqIfUnreferenced(i)
    }

    /// A thread in a closed wait on a deleted Irq stays blocked (no further
    /// deliveries, kernel-api §5.4); the entry stays pinned meanwhile, so a new
    /// Irq in the same entry cannot complete that wait.
    mutating func freeIrqIfUnreferenced(_ i: IrqID) {
        guard irqs[i.index].life == .zombie else { return }
        for t in 0..<Capacity.threads where threads[t].life != .free
            && threads[t].state == .receiving && threads[t].partner == irqTag | i.raw { return }
        free(.irq(i))
    }

    // MARK: - Threads (deferred teardown)

    /// kernel-api §3.2 `prepare_kill` — mark dying, cancel its IPC and make it
    /// ready; `teardown` runs when it is next scheduled. A thread that can never
    /// run (not started, or without a home CPU) is torn down at once: the real
    /// kernel would never reach its teardown, and the spec must not keep it half-dead.
    mutating func kill(_ t: ThreadID) {
        threads[t.index].dying = 1
        let wasStarted = threads[t.index].state != .dead
        if wasStarted { _ = cancelIpc(t) }
        if wasStarted && threads[t.index].cpu != noID {
            threads[t.index].state = .ready
            enqueueReady(t, front: true)
        } else {
            teardown(t)
        }
    }

    /// kernel-api §3.2 `do_kill` — thread senders queued at it get SECANCELED,
    /// queued Irqs become unbound and pending; only the implicit reply slot is
    /// reset (its caller is not woken); it unbinds from its task; dead for good.
    mutating func teardown(_ t: ThreadID) {
        releaseSendersAndReplySlot(t)
        unlistReady(t)
        threads[t.index].state = .dead
        threads[t.index].dying = 0
        threads[t.index].pending = .none
        threads[t.index].faultAccess = 0
        threads[t.index].rcvBuf = noID
        clearStaged(t)
        let task = threads[t.index].task
        threads[t.index].task = noID
        if task != noID { freeTaskIfUnreferenced(TaskID(Int(task))) }
        freeThreadIfUnreferenced(t)
    }

    /// `do_kill`'s release of a thread's partners (kernel-api §5.4): thread
    /// senders queued at it get SECANCELED; queued Irqs are unbound and become
    /// pending; its implicit reply slot is reset (the caller is not woken).
    mutating func releaseSendersAndReplySlot(_ t: ThreadID) {
        while let s = popSender(at: t) {
            switch s {
            case .thread(let x): finish(x, .ipc(.secanceled))
            case .irq(let i):
                irqs[i.index].thread = noID
                irqs[i.index].delivery = .pending
                irqs[i.index].masked = 1
            }
        }
        threads[t.index].replyTo = noID
        threads[t.index].replyRights = 0
    }

    /// A deleted, torn-down thread stays charged while gates or Irqs are still
    /// bound to it (kernel-api §3.2).
    mutating func freeThreadIfUnreferenced(_ t: ThreadID) {
        let rec = threads[t.index]
        guard rec.life == .zombie, rec.state == .dead, !rec.isDying else { return }
        for g in 0..<Capacity.gates where gates[g].life != .free && gates[g].thread == t.raw { return }
        for i in 0..<Capacity.irqs where irqs[i].life != .free && irqs[i].thread == t.raw { return }
        // A thread still waiting in a closed receive on it (an orphaned caller,
        // kernel-api §5.4) pins the entry: reusing it for a new thread would let
        // that thread complete a wait meant for the dead one.
        for i in 0..<Capacity.threads where i != t.index && threads[i].life != .free
            && threads[i].state == .receiving && threads[i].partner == t.raw { return }
        free(.thread(t))
    }
}

/// Object destruction (kernel-api §5.3, §5.4): invalidate every capability,
/// then the object-specific `destroy`. Every kind but threads finishes inside
/// the deleting operation; a thread is only marked dying and tears itself
/// down when it next runs. Zombies stay charged until their last internal
/// reference goes (`free`).
extension Kernel {
    /// kernel-api §5.3 steps 1–4 for one object (no-op unless it is live).
    mutating func destroy(_ id: ObjectID) {
        guard id.kind != .scheduler, life(id) == .live else { return }
        self[header: id].life = .zombie
        clearAllCaps(naming: id)
        switch id.kind {
        case .task: destroyTask(id.index)
        case .thread: kill(id.index)
        case .gate: destroyGate(id.index)
        case .irq: destroyIrq(id.index)
        case .factory: releaseFactoryIfDrained(id.index)
        case .scheduler: break
        }
    }

    /// Frees a zombie's table entry and refunds its cost (factories drain
    /// through `releaseFactoryIfDrained` instead).
    mutating func free(_ id: ObjectID) {
        let account = self[header: id].account
        switch id.kind {
        case .task: tasks[id.index] = TaskObject()
        case .thread:
            readyUnlink(id.index)
            threads[id.index] = Tcb()
        case .gate: gates[id.index] = GateObject()
        case .irq: irqs[id.index] = IrqObject()
        case .factory, .scheduler: return
        }
        if !injected(.quotaNotRefunded) { refund(account, cost(id.kind)) }
    }

    // MARK: - Tasks (kernel-api §3.1 task deletion)

    /// Unmaps everything with the full mask including the delete flag; bound
    /// threads keep the (empty) task alive.
    mutating func destroyTask(_ k: Int) {
        for s in 0..<config.capSlots {
            if let n = slotNumber(k, UInt64(s)) { removeCap(n, delete: true) }
        }
        for p in 0..<config.pages {
            if let n = mdb.node(task: k, page: UInt64(p)) { mdb.revoke(n, includingSelf: true) }
        }
        freeTaskIfUnreferenced(k)
    }

    mutating func freeTaskIfUnreferenced(_ k: Int) {
        if tasks[k].header.life == .zombie && tasks[k].boundThreads == 0 { free(ObjectID(.task, k)) }
    }

    /// Unbinds a thread from its task (`Thread::unbind`).
    mutating func unbindTask(_ t: Int) {
        guard let k = threads[t].task else { return }
        threads[t].task = nil
        tasks[k].boundThreads -= 1
        freeTaskIfUnreferenced(k)
    }

    // MARK: - Gates (kernel-api §3.3 gate deletion)

    /// Senders blocked on the unbound gate get ENOT_EXISTENT; the binding goes.
    /// Messages already queued at the bound thread stay with their old label.
    mutating func destroyGate(_ g: Int) {
        while case .thread(let t)? = popHead(.gate(g)) { complete(t, .ipcError(.enotExistent)) }
        let old = gates[g].thread
        gates[g].thread = nil
        free(ObjectID(.gate, g))
        if let old { unpinThread(old) }
    }

    // MARK: - Irqs (kernel-api §7 deletion)

    mutating func destroyIrq(_ i: Int) {
        detachIrq(i)
        freeIrqIfUnreferenced(i)
    }

    /// A zombie Irq lives while a thread still waits on it in a closed receive.
    mutating func freeIrqIfUnreferenced(_ i: Int) {
        if irqs[i].header.life == .zombie && irqs[i].closedWaiters == 0 { free(ObjectID(.irq, i)) }
    }

    // MARK: - Threads (kernel-api §3.2, §5.3 deferred teardown)

    /// `prepare_kill`: mark dying, cancel its IPC and make it ready; the
    /// teardown runs when it is next scheduled. A thread that can never run
    /// (not started, or without a home CPU) is torn down at once.
    mutating func kill(_ t: Int) {
        threads[t].dying = true
        let started = threads[t].state != .dead
        if started { _ = cancelIpc(t) }
        if started && threads[t].cpu != nil {
            setState(t, .ready)
            readyEnqueue(t, front: true)
        } else {
            teardown(t)
        }
    }

    /// `do_kill`: thread senders queued at it get SECANCELED, queued Irqs are
    /// unbound and become pending; only the implicit reply slot is reset (its
    /// caller is not woken); it unbinds from its task; dead for good.
    mutating func teardown(_ t: Int) {
        releaseSendersAndReplySlot(t)
        setState(t, .dead)
        threads[t].dying = false
        threads[t].ipc = PendingIpc()
        threads[t].fault = nil
        threads[t].retry = nil
        threads[t].deadline = nil
        threads[t].utcb.freeMarker = 0
        unbindTask(t)
        freeThreadIfUnreferenced(t)
    }

    /// The partner release shared by `do_kill` and the kernel's kill (§5.4).
    mutating func releaseSendersAndReplySlot(_ t: Int) {
        while let s = popHead(.thread(t)) {
            switch s {
            case .thread(let x):
                complete(x, .ipcError(.secanceled))
            case .irq(let i):
                irqs[i].thread = nil
                irqs[i].delivery = .pending
                irqs[i].masked = true
                threads[t].pins -= 1
            }
        }
        threads[t].reply = nil
    }

    /// Drops one kernel reference to a thread (a gate or Irq binding).
    mutating func unpinThread(_ t: Int) {
        threads[t].pins -= 1
        freeThreadIfUnreferenced(t)
    }

    /// A deleted, torn-down thread stays charged while gates or Irqs are bound
    /// to it or a caller still waits on it (kernel-api §3.2, §5.4).
    mutating func freeThreadIfUnreferenced(_ t: Int) {
        let x = threads[t]
        guard x.header.life == .zombie, x.state == .dead, !x.dying, x.pins == 0 else { return }
        free(ObjectID(.thread, t))
    }

    /// The kernel kills a thread it cannot continue (page fault without pager,
    /// §6.6): dead as after `do_kill`, but the object stays.
    mutating func halt(_ t: Int) {
        setState(t, .dead)
        releaseSendersAndReplySlot(t)
        threads[t].ipc = PendingIpc()
        threads[t].fault = nil
        threads[t].retry = nil
        threads[t].deadline = nil
        threads[t].lastOutcome = .killed
        unbindTask(t)
    }
}

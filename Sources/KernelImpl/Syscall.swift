/// Kernel entry points (kernel-api §1): the one system call "invoke
/// capability", the timer tick, a hardware IRQ line and a user memory access.
/// Each acts for the CPU's current thread, which the scheduler decides.
extension Kernel {
    // MARK: - Entry points

    /// The current thread of `cpu` invokes a capability with `registers`,
    /// having written `utcb` (its message and buffer registers) first.
    public mutating func invoke(cpu: Int, registers: Registers, utcb: Utcb) -> Exit {
        let t: Int
        switch prologue(cpu) {
        case .exit(let e): return e
        case .run(let x): t = x
        }
        threads[t].regs = registers
        threads[t].utcb = utcb
        threads[t].ipc = PendingIpc()
        let o = syscall(t, cpu: cpu)
        return epilogue(t, o, registers: true)
    }

    /// A timer tick on `cpu` (kernel-api §9): a dying current thread runs its
    /// teardown, a handled fault is retried, otherwise the time slice ends.
    /// Then expired timeouts of threads homed on `cpu` fire.
    public mutating func tick(cpu: Int) -> Exit {
        guard runQueues.indices.contains(cpu) else { return Exit(.idle, thread: nil) }
        clock &+= config.tickMicros
        let exit: Exit
        switch prologue(cpu) {
        case .exit(let e): exit = e
        case .run(let t):
            timeSliceExpired(t)
            exit = Exit(.success, thread: t)
        }
        expireTimeouts(on: cpu)
        return exit
    }

    /// Hardware IRQ line `line` fires: every Irq attached to it is hit (§7).
    public mutating func irqLine(_ line: Int) -> Exit {
        hitLine(line)
        return Exit(.success, thread: nil)
    }

    /// The current thread of `cpu` reads or writes user address `address`;
    /// without a mapping carrying the right it page-faults to its pager (§6.6).
    public mutating func memoryAccess(cpu: Int, address: UInt64, write: Bool) -> Exit {
        switch prologue(cpu) {
        case .exit(let e): return e
        case .run(let t): return epilogue(t, memoryAccess(t, address: address, write: write), registers: false)
        }
    }

    enum Prologue {
        case exit(Exit)
        case run(Int)
    }

    /// Picks the current thread; a dying one is torn down instead (§5.3) and a
    /// handled fault re-runs its access instead (§6.6).
    mutating func prologue(_ cpu: Int) -> Prologue {
        guard let t = schedule(cpu) else { return .exit(Exit(.idle, thread: nil)) }
        if threads[t].dying {
            teardown(t)
            return .exit(Exit(.tornDown, thread: t))
        }
        if threads[t].retry != nil { return .exit(Exit(retryFault(t), thread: t)) }
        return .run(t)
    }

    /// Writes an IPC result and forgets the finished IPC; records the outcome.
    mutating func epilogue(_ t: Int, _ o: KernelOutcome, registers: Bool) -> Exit {
        guard o != .blocked else { return Exit(.blocked, thread: t) }
        if case .pageFault = threads[t].ipc.op {} else { deliverResult(t, o) }
        threads[t].ipc = PendingIpc()
        if threads[t].state != .dead { threads[t].lastOutcome = o }
        return Exit(o, thread: t, registers: registers ? threads[t].regs : nil)
    }

    // MARK: - Dispatch (kernel-api §1 steps 1–5)

    mutating func syscall(_ t: Int, cpu: Int) -> KernelOutcome {
        let dest = threads[t].regs.destination
        let flags = dest & Abi.flagMask
        let explicitReply = dest & Abi.replyCapBit != 0 && dest & Abi.invalidCapBit == 0
        if flags & Abi.reply != 0 { return replyInvocation(t, flags: flags, explicit: explicitReply) }
        if explicitReply && flags & Abi.openWait != 0 && flags & Abi.recv != 0 {
            // Explicit reply-cap slots are not configured (EXPLICIT_REPLY_CAPS off, §6.4).
            stage(t, flags: Abi.recv, rights: 0)
            return .ipcError(.noReplyCap)
        }
        let target: Invoked
        let special = injected(.selfSelectorWrongBit) ? dest & Abi.replyCapBit != 0 : Kernel.isSpecial(dest)
        if special {
            target = Invoked(object: ObjectID(.thread, t), rights: Rights.w | Rights.s, server: false)
        } else if let c = resolve(t, index: dest >> Abi.capShift) {
            target = c
        } else {
            return .ipcError(.enotExistent)
        }
        switch target.object.kind {
        case .thread: return threadInvocation(t, target, flags: flags)
        case .gate: return gateInvocation(t, target, flags: flags)
        case .task: return taskInvocation(t, target, flags: flags)
        case .factory, .scheduler, .irq: return kobjectInvocation(t, target, flags: flags, cpu: cpu)
        }
    }

    /// §1 step 1: the REPLY flag targets the caller in the reply slot, which is
    /// consumed by the lookup, before the send starts (§6.4).
    private mutating func replyInvocation(_ t: Int, flags: UInt64, explicit: Bool) -> KernelOutcome {
        stage(t, flags: flags, rights: 0)
        guard !explicit, let slot = threads[t].reply else { return .ipcError(.enotExistent) }
        if !injected(.replyCapReusable) { threads[t].reply = nil }
        return replyPhase(t, to: slot)
    }

    /// `Thread_object::invoke`: the THREAD protocol with a send phase (or with
    /// all flags 0) is a kernel operation; anything else is IPC with the thread.
    private mutating func threadInvocation(_ t: Int, _ c: Invoked, flags: UInt64) -> KernelOutcome {
        let x = c.object.index
        if MsgTag(raw: threads[t].regs.tag).label == Proto.thread && (flags & Abi.send != 0 || flags == 0) {
            return commitRpc(t, threadRpc(t, thread: x, rights: c.rights), hasReceive: flags & Abi.recv != 0) ?? .success
        }
        guard flags & (Abi.send | Abi.recv) != 0 else { return .ipcError(.enotExistent) }
        stage(t, flags: flags, rights: c.rights)
        let (send, receive) = timeoutPair(t)
        if flags & Abi.send != 0 { return sendPhase(t, to: x, timeout: send) }
        return receivePhase(t, from: flags & Abi.openWait != 0 ? nil : .thread(x), timeout: receive)
    }

    /// `Ipc_gate::invoke`: KOBJECT with a send phase through the server view is
    /// a kernel operation; everything else is forwarded to the bound thread.
    private mutating func gateInvocation(_ t: Int, _ c: Invoked, flags: UInt64) -> KernelOutcome {
        let label = MsgTag(raw: threads[t].regs.tag).label
        if c.server && label == Proto.kobject && flags & Abi.send != 0 {
            return commitRpc(t, gateRpc(t, gate: c.object.index, rights: c.rights), hasReceive: flags & Abi.recv != 0) ?? .success
        }
        guard flags & (Abi.send | Abi.recv) != 0 else { return .ipcError(.enotExistent) }
        stage(t, flags: flags, rights: c.rights)
        if flags & Abi.send == 0 && flags & Abi.openWait != 0 {
            return receivePhase(t, from: nil, timeout: timeoutPair(t).receive)
        }
        return gateIpc(t, gate: c.object.index)
    }

    /// `Task::invoke` ignores the SEND flag (§1).
    private mutating func taskInvocation(_ t: Int, _ c: Invoked, flags: UInt64) -> KernelOutcome {
        commitRpc(t, taskRpc(t, task: c.object.index, rights: c.rights), hasReceive: flags & Abi.recv != 0) ?? .success
    }

    /// `Kobject_h::invoke` (factory, scheduler, Irq): the send phase is an RPC;
    /// after a no-reply operation, or for a receive-only invocation, the
    /// caller receives: open wait, closed wait on the object if it is a sender
    /// (an Irq), else a closed wait on itself (a sleep).
    private mutating func kobjectInvocation(_ t: Int, _ c: Invoked, flags: UInt64, cpu: Int) -> KernelOutcome {
        if flags & Abi.send != 0 {
            let result: RpcResult
            switch c.object.kind {
            case .factory: result = factoryRpc(t, factory: c.object.index, rights: c.rights)
            case .scheduler: result = schedulerRpc(t, cpu: cpu)
            default: result = irqRpc(t, irq: c.object.index, rights: c.rights)
            }
            if let o = commitRpc(t, result, hasReceive: flags & Abi.recv != 0) { return o }
        }
        guard flags & Abi.recv != 0 else { return .success }
        stage(t, flags: Abi.recv, rights: c.rights)
        let partner: Partner? = flags & Abi.openWait != 0 ? nil : (c.object.kind == .irq ? .irq(c.object.index) : .thread(t))
        return receivePhase(t, from: partner, timeout: timeoutPair(t).receive)
    }
}

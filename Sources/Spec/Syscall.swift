/// The step function (DESIGN §2): event → acting thread → capability lookup →
/// decode (may fail, never changes the state) → perform. Total: every event
/// yields the kernel's result, never a trap.

/// A decode failure: one of the two kernel result channels (kernel-api §1).
public enum SyscallError: Error, Equatable {
    case l4(L4Error)
    case ipc(IpcError)
    var outcome: Outcome {
        switch self {
        case .l4(let e): .error(e)
        case .ipc(let e): .ipc(e)
        }
    }
}

/// Applies one event to a copy of `state`.
public func step(_ state: KernelState, _ event: Event) -> (KernelState, StepResult) {
    var next = state
    let result = next.apply(event)
    return (next, result)
}

extension KernelState {
    /// Applies one event in place and returns its result.
    public mutating func apply(_ event: Event) -> StepResult {
        switch event {
        case .tick(let cpu):
            guard let t = runningThread(cpu) else { return StepResult(.idle, actor: nil) }
            if threads[t.index].isDying {
                teardown(t)
                return StepResult(.tornDown, actor: t)
            }
            if hasFaultRetry(t) { return StepResult(retryFault(t), actor: t) }
            return StepResult(timerTick(cpu), actor: t)
        case .irqLine(let line):
            hitLine(line)
            return StepResult(.success, actor: nil)
        case .invoke(let cpu, let inv):
            guard let t = runningThread(cpu) else { return StepResult(.idle, actor: nil) }
            // kernel-api §5.3 — a dying thread's deferred teardown runs when it next runs.
            if threads[t.index].isDying {
                teardown(t)
                return StepResult(.tornDown, actor: t)
            }
            // kernel-api §6.6 — a resolved fault re-runs the access when the thread next runs.
            if hasFaultRetry(t) { return StepResult(retryFault(t), actor: t) }
            let outcome = perform(inv, by: t)
            if outcome != .blocked {
                threads[t.index].pending = .none
                threads[t.index].rcvBuf = noID
                threads[t.index].faultAccess = 0
                clearStaged(t)
                if threads[t.index].state != .dead { record(t, outcome) }
            }
            return StepResult(outcome, actor: t)
        }
    }

    func runningThread(_ cpu: CPU) -> ThreadID? {
        guard cpu.raw < config.cpuCount else { return nil }
        return current(on: cpu)
    }

    // MARK: - Dispatch

    mutating func perform(_ inv: Invocation, by t: ThreadID) -> Outcome {
        switch inv {
        case .ipcSend(let cap, let msg, let timeout):
            return invokeIpc(t, cap, msg, pending: .send, send: timeout, receive: .never, buffer: .none)
        case .ipcCall(let cap, let msg, let st, let rt, let buffer):
            return invokeIpc(t, cap, msg, pending: .call, send: st, receive: rt, buffer: buffer)
        case .ipcReceive(let cap, let timeout, let buffer):
            return receive(t, from: cap, timeout: timeout, buffer: buffer)
        case .ipcWait(let timeout, let buffer):
            return receivePhase(t, from: noID, timeout: timeout, buffer: buffer)
        case .ipcReply(let msg):
            return reply(t, msg)
        case .ipcReplyAndWait(let msg, let timeout, let buffer):
            let o = reply(t, msg)
            guard o == .success else { return o }       // a failed send skips the receive phase
            return receivePhase(t, from: noID, timeout: timeout, buffer: buffer)
        case .ipcSleep(let timeout):
            return receivePhase(t, from: t.raw, timeout: timeout, buffer: .none)
        case .memAccess(let page, let write):
            return memoryAccess(t, page: page, write: write)
        default:
            return invokeKernelObject(inv, by: t)
        }
    }

    /// kernel-api §1, §6.1 — IPC through a thread or gate capability; any other
    /// object answers a foreign label with `-EBADPROTO` (dropped without a
    /// receive phase, except for tasks).
    mutating func invokeIpc(_ t: ThreadID, _ name: CapName, _ msg: Message, pending: PendingIpc, send: Timeout, receive: Timeout, buffer: ReceiveBuffer) -> Outcome {
        guard let cap = lookup(name, by: t) else { return .ipc(.enotExistent) }
        stage(t, msg, rights: cap.rights, pending: pending, receive: receive, buffer: buffer)
        switch cap.ref.kind {
        case .thread:
            return sendPhase(t, to: ThreadID(Int(cap.ref.index)), timeout: send)
        case .gate:
            return invokeGate(t, GateID(Int(cap.ref.index)), rights: cap.rights, sendTimeout: send)
        case .task:
            return .error(.ebadproto)
        case .factory, .scheduler, .irq:
            return pending == .send ? .success : .error(.ebadproto)
        }
    }

    /// kernel-api §6.1 `l4_ipc_receive(obj)` — closed wait on a thread or Irq;
    /// through a gate on its bound thread; any other object: a sleep on oneself.
    mutating func receive(_ t: ThreadID, from name: CapName, timeout: Timeout, buffer: ReceiveBuffer) -> Outcome {
        guard let cap = lookup(name, by: t) else { return .ipc(.enotExistent) }
        switch cap.ref.kind {
        case .thread:
            return receivePhase(t, from: cap.ref.index, timeout: timeout, buffer: buffer)
        case .irq:
            return receivePhase(t, from: irqTag | cap.ref.index, timeout: timeout, buffer: buffer)
        case .gate:
            stage(t, Message(), rights: cap.rights, pending: .receive, receive: timeout, buffer: buffer)
            return invokeGate(t, GateID(Int(cap.ref.index)), rights: cap.rights, sendTimeout: timeout)
        case .task:
            // `Task::invoke` ignores the SEND flag: a foreign label gets -EBADPROTO (§1).
            return .error(.ebadproto)
        case .factory, .scheduler:
            return receivePhase(t, from: t.raw, timeout: timeout, buffer: buffer)
        }
    }

    /// The protocol an invocation speaks, and whether the C API sends it with a
    /// receive phase (results of send-only operations are dropped, kernel-api §1).
    static func protocolOf(_ inv: Invocation) -> (ObjectKind, UInt16) {
        switch inv {
        case .taskMap, .taskUnmap, .taskCapValid, .taskCapEqual: (.task, Protocol.task)
        case .factoryCreate: (.factory, Protocol.factory)
        case .threadControl, .threadExRegs: (.thread, Protocol.thread)
        case .schedulerRunThread: (.scheduler, Protocol.scheduler)
        case .gateBindThread, .irqBind: (.gate, Protocol.kobject)
        case .irqDetach: (.irq, Protocol.irqSender)
        case .irqTrigger, .irqUnmask, .irqReceive: (.irq, Protocol.irq)
        default: (.thread, 0)
        }
    }

    /// How the C API sends an operation (kernel-api §1; l4sys `irq.h`):
    /// `l4_irq_trigger` is a send with zero timeouts, `l4_irq_unmask` a send,
    /// `l4_irq_receive` a call with the caller's receive timeout, every other
    /// operation a call with never timeouts. It matters where the target does
    /// not implement the protocol: then the invocation is plain IPC.
    static func ipcShape(_ inv: Invocation) -> (pending: PendingIpc, send: Timeout, receive: Timeout) {
        switch inv {
        case .irqTrigger: (.send, .zero, .zero)
        case .irqUnmask: (.send, .never, .never)
        case .irqReceive(_, let timeout): (.call, .never, timeout)
        default: (.call, .never, .never)
        }
    }

    /// kernel-api §1 step 5 — a kernel-object operation. On a thread cap a
    /// foreign protocol, and on a gate cap anything but a KOBJECT op through the
    /// server view, is IPC (a call carrying the protocol label).
    mutating func invokeKernelObject(_ inv: Invocation, by t: ThreadID) -> Outcome {
        let (kind, proto) = Self.protocolOf(inv)
        guard let cap = lookup(inv.target, by: t) else { return .ipc(.enotExistent) }
        let isKernelOp: Bool
        switch cap.ref.kind {
        case .thread: isKernelOp = kind == .thread
        case .gate: isKernelOp = proto == Protocol.kobject && cap.server
        case .irq: isKernelOp = kind == .irq || proto == Protocol.kobject
        default: isKernelOp = kind == cap.ref.kind
        }
        guard isKernelOp else {
            let shape = Self.ipcShape(inv)
            switch cap.ref.kind {
            case .thread, .gate:
                return invokeIpc(t, inv.target, Message(label: proto), pending: shape.pending, send: shape.send, receive: shape.receive, buffer: .none)
            case .task:
                return .error(.ebadproto)           // Task::invoke writes it even without a receive phase
            case .factory, .scheduler, .irq:
                return shape.pending == .send ? .success : .error(.ebadproto)   // send-only: the result is dropped
            }
        }
        do {
            return try performKernelOp(inv, on: cap, by: t)
        } catch {
            return error.outcome
        }
    }

    mutating func performKernelOp(_ inv: Invocation, on cap: Capability, by t: ThreadID) throws(SyscallError) -> Outcome {
        let index = Int(cap.ref.index)
        switch inv {
        case .taskMap(_, let src, let item, let order, let sndBase):
            // kernel-api §3.1 map: W on the destination task; the source is an object argument.
            guard cap.rights.contains(.w) else { throw .l4(.eperm) }
            guard case .slot(let srcSlot) = src else { throw .l4(.einval) }
            let (s, sr) = try objectArgument(srcSlot, of: .task, by: t)
            let keepS = cap.rights.contains(.s) && sr.contains(.s)
            performTaskMap(dst: TaskID(index), src: TaskID(Int(s)), item: item, order: order, sndBase: sndBase, keepS: keepS)
            return .success
        case .taskUnmap(_, let space, let idx, let order, let rights, let scope, let delete):
            performUnmap(task: TaskID(index), space: space, index: idx, order: order, rights: rights, scope: scope, delete: delete)
            return .success
        case .taskCapValid(_, let c):
            return .ok(value: capValid(in: TaskID(index), c))
        case .taskCapEqual(_, let a, let b):
            return .ok(value: capEqual(in: TaskID(index), a, b))
        case .factoryCreate(_, let kind, let slot):
            let req = try decodeCreate(FactoryID(index), rights: cap.rights, kind: kind, slot: slot, by: t)
            return performCreate(req, by: t)
        case .threadControl(_, let pager, let exc, let bind):
            let req = try decodeControl(ThreadID(index), rights: cap.rights, pager: pager, excHandler: exc, bindTask: bind, by: t)
            performControl(req)
            return .success
        case .threadExRegs(_, let cancel):
            performExRegs(ThreadID(index), cancel: cancel)
            return .success
        case .schedulerRunThread(_, let thread, let prio, let cpu):
            let (target, p, c) = try decodeRunThread(thread, prio: prio, cpu: cpu, by: t)
            performRunThread(target, prio: p, cpu: c)
            return .success
        case .gateBindThread(_, let thread, let label), .irqBind(_, let thread, let label):
            // Receive-endpoint bind (KOBJECT op 0x10) is one operation for gates and Irqs.
            if cap.ref.kind == .gate {
                let target = try decodeBindGate(rights: cap.rights, thread: thread, label: label, by: t)
                bindGate(GateID(index), to: target, label: label)
            } else {
                let target = try decodeBindIrq(rights: cap.rights, thread: thread, by: t)
                performBindIrq(IrqID(index), to: target, label: label)
            }
            return .success
        case .irqDetach:
            return performDetach(IrqID(index), rights: cap.rights)
        case .irqTrigger:
            hitIrq(IrqID(index))                     // send-only: no reply
            return .success
        case .irqUnmask:
            performUnmask(IrqID(index))              // send-only: no reply
            return .success
        case .irqReceive(_, let timeout):
            performUnmask(IrqID(index))
            return receivePhase(t, from: irqTag | UInt8(index), timeout: timeout, buffer: .none)
        default:
            return .error(.enosys)
        }
    }

    /// Object arguments (typed items) resolved in the caller's space (kernel-api §3 intro).
    func objectArgument(_ s: SlotIndex?, of kind: ObjectKind, by thread: ThreadID) throws(SyscallError) -> (UInt8, CapRights) {
        guard let s, let cap = lookup(.slot(s), by: thread), cap.ref.kind == kind else { throw .l4(.einval) }
        return (cap.ref.index, cap.rights)
    }
}

extension Invocation {
    /// The capability an invocation is addressed to.
    public var target: CapName {
        switch self {
        case .ipcSend(let c, _, _), .ipcCall(let c, _, _, _, _), .ipcReceive(let c, _, _): c
        case .taskMap(let c, _, _, _, _), .taskUnmap(let c, _, _, _, _, _, _), .taskCapValid(let c, _), .taskCapEqual(let c, _, _): c
        case .factoryCreate(let c, _, _), .threadControl(let c, _, _, _), .threadExRegs(let c, _): c
        case .schedulerRunThread(let c, _, _, _), .gateBindThread(let c, _, _), .irqBind(let c, _, _): c
        case .irqDetach(let c), .irqTrigger(let c), .irqUnmask(let c), .irqReceive(let c, _): c
        case .ipcWait, .ipcReply, .ipcReplyAndWait, .ipcSleep, .memAccess: .this
        }
    }
}

import KernelImpl
import Spec

/// Runs one spec event on the implementation through its entry points
/// (`invoke`, `tick`, `irqLine`, `memoryAccess`) and decodes the result.
enum ImplStep {
    /// The UTCB laid out when no thread runs (the call then finds the CPU idle).
    static let emptyUtcb = Utcb()

    /// The acting thread: its index and what the encoding needs of it.
    struct Actor {
        var index: Int
        var core: ThreadCoreView
    }

    struct Run {
        var exit: Exit
        /// The result as the acting thread reads it (`ResultDecoding.actor`);
        /// nil when it holds a code the spec has no name for.
        var outcome: Outcome?
        var invocation: Invocation?

        /// The result for reports: decoded, or the raw exit.
        var text: String { outcome?.description ?? "undecodable (\(exit.outcome), registers \(exit.registers.map { "tag \(String($0.tag, radix: 16))" } ?? "none"))" }
    }

    static func run(_ event: Event, on k: inout Kernel) -> Run {
        switch event {
        case .tick(let cpu):
            let exit = k.tick(cpu: cpu.index)
            return Run(exit: exit, outcome: Vocabulary.outcome(exit.outcome), invocation: nil)
        case .irqLine(let line):
            let exit = k.irqLine(Int(line))
            return Run(exit: exit, outcome: Vocabulary.outcome(exit.outcome), invocation: nil)
        case .invoke(let cpu, .memAccess(let page, let write)):
            let exit = k.memoryAccess(cpu: cpu.index, address: UInt64(page.raw) << 12, write: write)
            return Run(exit: exit, outcome: Vocabulary.outcome(exit.outcome), invocation: .memAccess(page: page, write: write))
        case .invoke(let cpu, let inv):
            let actor = k.currentThread(cpu: cpu.index)
            let view = actor.flatMap { a in k.threadCore(a).map { Actor(index: a, core: $0) } }
            let target = object(inv.target, actor: view, in: k)
            let invoked = target?.kind
            let asIpc = target.map { becomesIpc(inv, on: $0, in: k, actor: view) } ?? false
            let utcbBefore = actor.flatMap { k.utcb(of: $0) } ?? emptyUtcb
            let call = EventEncoding.encode(inv, utcb: utcbBefore, hotSpot: hotSpot(inv, actor: view, in: k), keepItems: !asIpc)
            let exit = k.invoke(cpu: cpu.index, registers: call.registers, utcb: call.utcb)
            let utcb = exit.thread.flatMap { k.utcb(of: $0) }
            return Run(exit: exit, outcome: ResultDecoding.actor(exit, utcb: utcb, call: call, invocation: inv, invoked: invoked), invocation: inv)
        }
    }

    /// The object a capability name resolves to for the acting thread
    /// (kernel-api §1 steps 2–4), nil for an empty slot or no task.
    static func object(_ name: CapName, actor: Actor?, in k: Kernel) -> ObjectID? {
        guard let actor else { return nil }
        switch name {
        case .this: return ObjectID(.thread, actor.index)
        case .slot(let s):
            guard let task = actor.core.task, k.lifetime(of: ObjectID(.task, task)) == .live else { return nil }
            return k.capView(task: task, slot: s.index)?.object
        }
    }

    /// Whether a kernel operation addressed to `o` is IPC instead (kernel-api
    /// §1 dispatch): on a thread any protocol but THREAD, on a gate anything
    /// but KOBJECT through the server view.
    ///
    /// Deliberate difference: the spec models such an invocation as a call
    /// carrying the protocol label only; the implementation transfers the
    /// operation's real message. Its words are sent and not compared (see
    /// `ImplMessage.matches`), but its typed items (object arguments such as
    /// the thread of a bind) are left out: transferred as IPC items (§4.3)
    /// they would need receive buffers (MSGCUT without) or map capabilities
    /// into the receiver, where the spec transfers nothing. For the same
    /// reason its receive buffer (a factory's slot for the new cap) is void:
    /// the spec's call takes no item with the reply.
    static func becomesIpc(_ inv: Invocation, on o: ObjectID, in k: Kernel, actor: Actor?) -> Bool {
        let kernelOp: Bool
        switch inv {
        case .ipcSend, .ipcCall, .ipcReceive, .ipcWait, .ipcReply, .ipcReplyAndWait, .ipcSleep, .memAccess: return false
        case .threadControl, .threadExRegs: kernelOp = o.kind == .thread
        case .gateBindThread, .irqBind:
            let server = actor.flatMap { a in
                if case .slot(let s) = inv.target, let t = a.core.task { return k.capView(task: t, slot: s.index)?.server }
                return nil
            } ?? false
            kernelOp = o.kind == .gate ? server : o.kind != .thread
        default: kernelOp = o.kind != .thread && o.kind != .gate
        }
        return !kernelOp && (o.kind == .thread || o.kind == .gate)
    }

    /// The hot spot for typed items sent to a thread in a page fault. The
    /// implementation's fault IPC receives with the window "all spaces"
    /// (kernel-api §6.6), so the item's send base decides where it lands; a
    /// pager sets it to the fault address (what the spec's window — exactly
    /// the faulting page — means for memory). Object items are aimed past the
    /// object-space bound, where nothing lands, as in the spec, whose
    /// one-page memory window takes no capability (§4.3 type mismatch).
    static func hotSpot(_ inv: Invocation, actor: Actor?, in k: Kernel) -> HotSpot {
        guard let actor, let r = receiver(inv, actor: actor, in: k), let fault = k.threadCore(r)?.fault else { return HotSpot() }
        return HotSpot(memory: fault.address & ~0xFFF, object: Abi.selector(k.config.capSlots))
    }

    /// The thread an IPC's send phase goes to, as far as the caller's state tells.
    static func receiver(_ inv: Invocation, actor: Actor, in k: Kernel) -> Int? {
        switch inv {
        case .ipcReply, .ipcReplyAndWait: return actor.core.replyTo
        case .ipcSend(let cap, _, _), .ipcCall(let cap, _, _, _, _):
            guard let o = object(cap, actor: actor, in: k) else { return nil }
            switch o.kind {
            case .thread: return o.index
            case .gate: return k.gateView(o.index)?.thread
            default: return nil
            }
        default: return nil
        }
    }
}

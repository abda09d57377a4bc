import SMT
import Spec

extension SymbolicCall {
    /// The encoded form of an IPC-family invocation by `actor`, or nil when
    /// the encoding does not cover it (a typed item, the "self" selector).
    /// The choices the abstract queues leave open are `Spec`'s: the head of
    /// the actor's sender list, and whether the peer has nobody queued ahead.
    static func concreteIpc(_ inv: Invocation, in k: KernelState, actor: ThreadID, _ v: Vocabulary) throws(SMTError) -> SymbolicCall? {
        let me = k.thread(actor)
        func call(_ kind: IpcKind, cap: UInt8 = 0, _ msg: Message = Message(), send: Timeout = .never, receive: Timeout = .never,
                  peer: UInt8 = 0xFF) throws(SMTError) -> SymbolicCall? {
            guard msg.item == nil else { return nil }
            return .ipc(IpcCall(kind: kind, cap: try v.b8(cap), label: try v.b16(msg.label), sendNever: try v.truth(send == .never),
                                receiveNever: try v.truth(receive == .never), picked: try v.b8(me.queueHead),
                                peerQueueEmpty: try v.truth(nobodyAhead(k, peer, of: actor.raw))))
        }
        func irq(_ op: IrqOp, _ c: SlotIndex, receive: Timeout = .never) throws(SMTError) -> SymbolicCall {
            let i = peerIrq(of: c, k, actor)
            let bound = i.map { k.irq(IrqID(Int($0))).thread } ?? 0xFF
            return .irq(IrqCall(op: op, cap: try v.b8(c.raw), receiveNever: try v.truth(receive == .never),
                                peerQueueEmpty: try v.truth(nobodyAhead(k, bound, of: 0x80 | (i ?? 0)))))
        }
        switch inv {
        case .ipcSend(.slot(let c), let m, let t): return try call(.send, cap: c.raw, m, send: t, peer: peer(of: c, k, actor))
        case .ipcCall(.slot(let c), let m, let st, let rt, _): return try call(.call, cap: c.raw, m, send: st, receive: rt, peer: peer(of: c, k, actor))
        case .ipcReceive(.slot(let c), let t, _): return try call(.receive, cap: c.raw, receive: t)
        case .ipcWait(let t, _): return try call(.wait, receive: t)
        case .ipcReply(let m): return try call(.reply, m, peer: me.replyTo)
        case .ipcReplyAndWait(let m, let t, _): return try call(.replyAndWait, m, receive: t, peer: me.replyTo)
        case .ipcSleep(let t): return try call(.sleep, receive: t)
        case .gateBindThread(.slot(let g), let x, let label), .irqBind(.slot(let g), let x, let label):
            // An Irq re-bound with a delivery outstanding is delivered after leaving its old queue.
            let i = peerIrq(of: g, k, actor) ?? 0
            let target = x.map { peer(of: $0, k, actor) } ?? 0xFF
            let empty = nobodyAhead(k, target, of: 0x80 | i, removing: 0x80 | i)
            return .gateBind(GateBindCall(gate: try v.b8(g.raw), thread: try v.b8(x?.raw ?? 0), hasThread: try v.truth(x != nil),
                                          label: try v.b16(label), peerQueueEmpty: try v.truth(empty)))
        case .irqTrigger(.slot(let c)): return try irq(.trigger, c)
        case .irqUnmask(.slot(let c)): return try irq(.unmask, c)
        case .irqDetach(.slot(let c)): return try irq(.detach, c)
        case .irqReceive(.slot(let c), let t): return try irq(.receive, c, receive: t)
        case .threadExRegs(.slot(let x), let cancel):
            return .exRegs(thread: try v.b8(x.raw), cancel: try v.truth(cancel))
        default:
            return nil
        }
    }

    static func held(_ c: SlotIndex, _ k: KernelState, _ actor: ThreadID) -> Slot? {
        let task = k.thread(actor).task
        guard Int(task) < Capacity.tasks, c.raw < k.config.slotBound else { return nil }
        return k.slots[Int(task) * Capacity.slotsPerTask + Int(c.raw)]
    }

    /// The thread a send through slot `c` of the actor's task addresses:
    /// the thread itself, or the thread a gate is bound to.
    static func peer(of c: SlotIndex, _ k: KernelState, _ actor: ThreadID) -> UInt8 {
        guard let slot = held(c, k, actor) else { return 0xFF }
        switch ObjectKind(rawValue: slot.kindRaw) {
        case .thread?: return slot.object
        case .gate?: return Int(slot.object) < Capacity.gates ? k.gate(GateID(Int(slot.object))).thread : 0xFF
        default: return 0xFF
        }
    }

    /// The Irq slot `c` names, if any.
    static func peerIrq(of c: SlotIndex, _ k: KernelState, _ actor: ThreadID) -> UInt8? {
        guard let slot = held(c, k, actor), slot.kindRaw == ObjectKind.irq.rawValue, Int(slot.object) < Capacity.irqs else { return nil }
        return slot.object
    }

    /// `Spec.accepts`' open-wait test for sender `s` at thread `r`: the
    /// head of r's sender list (without `removed`) is nobody or `s`.
    static func nobodyAhead(_ k: KernelState, _ r: UInt8, of s: UInt8, removing removed: UInt8 = 0xFF) -> Bool {
        guard Int(r) < Capacity.threads else { return true }
        var cur = k.thread(ThreadID(Int(r))).queueHead, steps = 0
        while cur == removed && cur != 0xFF && steps <= Capacity.threads + Capacity.irqs {
            cur = cur & 0x80 != 0 ? k.irq(IrqID(Int(cur & 0x7F) % Capacity.irqs)).queueNext : k.thread(ThreadID(Int(cur) % Capacity.threads)).queueNext
            steps += 1
        }
        return cur == 0xFF || cur == s
    }
}

import Properties
import SMT
import Symbolic

/// A refuted obligation's model in the spec's vocabulary: the acting
/// thread, the call's arguments, and the pre/post values at each witness.
enum CounterexampleText {
    static let reachability = "not decided: the counterexample's pre-state is an arbitrary state satisfying the invariants, over tables of 2^8 entries; the explorer can only confirm states of a concrete scenario (run `l4spec check` on one that reaches it)"

    static let kindNames = ["empty", "task", "thread", "gate", "irq", "factory", "scheduler"]

    static func describe(_ m: Model, _ t: TransitionView, witnesses: [(BoundSort, Expr)], _ k: SymbolicKernel) throws(SMTError) -> [String] {
        let caller = try m.uint64(t.caller)
        let task = try m.uint64(t.pre.threadTask.select(t.caller))
        var lines = ["caller: thread \(caller) in task \(task) (domain \(try m.uint64(t.pre.owner.select(k.ref(Kind.task, t.pre.threadTask.select(t.caller))))))"]
        lines.append("call: \(t.call.name) \(try arguments(m, t.call))")
        lines.append("result: \(try outcome(m, t.step.outcome))")
        for (sort, w) in witnesses {
            let i = try m.uint64(w)
            switch sort {
            case .slot:
                lines.append("slot[task \(i >> 8)][\(i & 0xFF)]: \(try slot(m, t.pre, w)) → \(try slot(m, t.post, w))")
            case .node:
                lines.append("page[task \(i >> 8)][\(i & 0xFF)]: \(try page(m, t.pre, w)) → \(try page(m, t.post, w))")
            case .object:
                let kind = Int(i >> 8)
                let name = kind < kindNames.count ? "\(kindNames[kind]) \(i & 0xFF)" : "object \(i)"
                lines.append("\(name): \(try header(m, t.pre, w)) → \(try header(m, t.post, w))")
            case .factory:
                lines.append("factory \(i): used \(try m.uint64(t.pre.used.select(w))) → \(try m.uint64(t.post.used.select(w))), limit \(try m.uint64(t.pre.limit.select(w)))")
            case .domain:
                lines.append("observer domain \(i)")
            case .thread:
                lines.append("\(i & 0x80 != 0 ? "irq \(i & 0x7F)" : "thread \(i)"): \(try ipc(m, t.pre, w, k)) → \(try ipc(m, t.post, w, k))")
            }
        }
        return lines
    }

    static let stateNames = ["dead", "ready", "sending", "receiving", "blocked_on_gate"]

    /// A thread's IPC fields (a sender's queue for an Irq).
    static func ipc(_ m: Model, _ s: SymbolicState, _ x: Expr, _ k: SymbolicKernel) throws(SMTError) -> String {
        let q = try m.uint64(s.queuedAt.select(x))
        let queue = q == 0 ? "in no queue" : "queued at \(q >> 8 == 3 ? "gate" : "thread") \(q & 0xFF)"
        let i = try m.uint64(x)
        if i & 0x80 != 0 {
            let irq = try x.bvand(k.v.b8(0x7F))
            let delivery = ["idle", "queued", "pending"], d = Int(try m.uint64(s.irqDelivery.select(irq)))
            return "bound to \(try m.uint64(s.irqThread.select(irq))), \(d < delivery.count ? delivery[d] : "delivery \(d)"), masked \(try m.uint64(s.irqMasked.select(irq))), \(queue)"
        }
        let st = Int(try m.uint64(s.threadState.select(x)))
        return "\(st < stateNames.count ? stateNames[st] : "state \(st)"), partner \(try m.uint64(s.partner.select(x))), reply slot \(try m.uint64(s.replyTo.select(x))), \(queue)"
    }

    static func slot(_ m: Model, _ s: SymbolicState, _ p: Expr) throws(SMTError) -> String {
        let kind = Int(try m.uint64(s.slotKind.select(p)))
        if kind == 0 { return "empty" }
        let name = kind < kindNames.count ? kindNames[kind] : "kind \(kind)"
        let rights = try m.uint64(s.slotRights.select(p)), flags = try m.uint64(s.slotFlags.select(p))
        let r = [(0x4, "R"), (0x1, "W"), (0x2, "S"), (0x8, "D")].filter { rights & UInt64($0.0) != 0 }.map(\.1).joined()
        return "\(name) \(try m.uint64(s.slotObject.select(p))) \(r.isEmpty ? "-" : r)\(flags & 1 != 0 ? " counted" : " weak")"
    }

    static func page(_ m: Model, _ s: SymbolicState, _ n: Expr) throws(SMTError) -> String {
        let frame = try m.uint64(s.pageFrame.select(n))
        if frame == 0xFF { return "unmapped" }
        let rights = try m.uint64(s.pageRights.select(n))
        let r = [(0x4, "R"), (0x2, "W"), (0x1, "X")].filter { rights & UInt64($0.0) != 0 }.map(\.1).joined()
        let parent = try m.bool(s.pageRooted.select(n)) ? "sigma0" : "node \(try m.uint64(s.pageParent.select(n)))"
        return "frame \(frame) \(r.isEmpty ? "-" : r) from \(parent)"
    }

    static func header(_ m: Model, _ s: SymbolicState, _ r: Expr) throws(SMTError) -> String {
        let life = ["free", "live", "zombie"]
        let l = Int(try m.uint64(s.life.select(r)))
        return "\(l < life.count ? life[l] : "life \(l)"), counted \(try m.uint64(s.counted.select(r))), account \(try m.uint64(s.quota.select(r))), owner \(try m.uint64(s.owner.select(r)))"
    }

    static func outcome(_ m: Model, _ o: SymbolicOutcome) throws(SMTError) -> String {
        let kind = try m.uint64(o.kind), code = try m.uint64(o.code)
        switch kind {
        case 1: return try m.bool(o.hasValue) ? "ok(\(try m.uint64(o.value)))" : "ok"
        case 2: return "IPC error 0x\(String(code, radix: 16))"
        case 3: return "-L4 error \(code)"
        default: return "kind \(kind)"
        }
    }

    static func arguments(_ m: Model, _ call: SymbolicCall) throws(SMTError) -> String {
        func n(_ e: Expr) throws(SMTError) -> String { String(try m.uint64(e)) }
        func b(_ e: Expr) throws(SMTError) -> String { try m.bool(e) ? "yes" : "no" }
        switch call {
        case .map(let c):
            return "dst=slot \(try n(c.dst)) src=slot \(try n(c.src)) index=\(try n(c.index)) mask=0x\(String(try m.uint64(c.mask), radix: 16)) sndBase=\(try n(c.sndBase)) grant=\(try b(c.grant)) server=\(try b(c.server)) weak=\(try b(c.weak))"
        case .unmap(let c):
            return "task=slot \(try n(c.task)) index=\(try n(c.index)) rights=0x\(String(try m.uint64(c.rights), radix: 16)) allSpaces=\(try b(c.allSpaces)) delete=\(try b(c.delete))"
        case .create(let c):
            return "factory=slot \(try n(c.factory)) slot=\(try n(c.slot)) hasSlot=\(try b(c.hasSlot)) limit=\(try n(c.limit)) entry=\(try n(c.entry)) tableFull=\(try b(c.tableFull))"
        case .capValid(let t, let c):
            return "task=slot \(try n(t)) cap=\(try n(c))"
        case .capEqual(let t, let a, let b2):
            return "task=slot \(try n(t)) a=\(try n(a)) b=\(try n(b2))"
        case .ipc(let c):
            return "cap=slot \(try n(c.cap)) label=0x\(String(try m.uint64(c.label), radix: 16)) sendNever=\(try b(c.sendNever)) receiveNever=\(try b(c.receiveNever)) picked=\(try n(c.picked)) peerQueueEmpty=\(try b(c.peerQueueEmpty))"
        case .gateBind(let g):
            return "gate=slot \(try n(g.gate)) thread=slot \(try n(g.thread)) hasThread=\(try b(g.hasThread)) label=0x\(String(try m.uint64(g.label), radix: 16))"
        case .exRegs(let x, let cancel):
            return "thread=slot \(try n(x)) cancel=\(try b(cancel))"
        case .irq(let c):
            return "irq=slot \(try n(c.cap)) receiveNever=\(try b(c.receiveNever)) peerQueueEmpty=\(try b(c.peerQueueEmpty))"
        }
    }
}

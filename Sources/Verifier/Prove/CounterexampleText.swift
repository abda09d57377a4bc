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
            }
        }
        return lines
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
        }
    }
}

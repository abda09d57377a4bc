import Properties
import Scenarios
import SMT
import Spec
import Symbolic

/// Noninterference counterexamples in the spec's vocabulary (in the style
/// of `CounterexampleText`): scenario names for tasks and objects, slots as
/// "gate token RW counted", the action, and the items that differ.
struct NIText {
    let policy: NIPolicy
    let names: NameTable
    let kernelIndex: Int?
    let kernel: SymbolicKernel

    static let lives = ["free", "live", "zombie"]

    func domain(_ d: UInt64) -> String { policy.name(d, kernel: kernelIndex) }

    func object(_ kind: UInt64, _ index: UInt64) -> String {
        if let kd = ObjectKind(rawValue: UInt8(truncatingIfNeeded: kind)), kind < 256, index < UInt64(kd.capacity) {
            return names.name(ObjectRef(kd, Int(index)))
        }
        let k = Int(kind)
        return k < CounterexampleText.kindNames.count ? "\(CounterexampleText.kindNames[k])#\(index)" : "object \(kind):\(index)"
    }

    func taskName(_ t: UInt64) -> String { object(UInt64(Kind.task), t) }
    func slotName(_ p: UInt64) -> String { "slot[\(taskName(p >> 8))][\(p & 0xFF)]" }
    func pageName(_ n: UInt64) -> String { "page[\(taskName(n >> 8))][\(n & 0xFF)]" }

    func slot(_ m: Model, _ s: SymbolicState, _ p: Expr) throws(SMTError) -> String {
        let kind = try m.uint64(s.slotKind.select(p))
        if kind == 0 { return "empty" }
        let rights = try m.uint64(s.slotRights.select(p)), flags = try m.uint64(s.slotFlags.select(p))
        let r = [(0x4, "R"), (0x1, "W"), (0x2, "S"), (0x8, "D")].filter { rights & UInt64($0.0) != 0 }.map(\.1).joined()
        let kindName = kind < UInt64(CounterexampleText.kindNames.count) ? CounterexampleText.kindNames[Int(kind)] : "kind \(kind)"
        return "\(kindName) \(object(kind, try m.uint64(s.slotObject.select(p)))) \(r.isEmpty ? "-" : r)\(flags & 1 != 0 ? " counted" : " weak")\(flags & 2 != 0 ? " server" : "")"
    }

    func page(_ m: Model, _ s: SymbolicState, _ n: Expr) throws(SMTError) -> String {
        let frame = try m.uint64(s.pageFrame.select(n))
        if frame == 0xFF { return "unmapped" }
        let rights = try m.uint64(s.pageRights.select(n))
        let r = [(0x4, "R"), (0x2, "W"), (0x1, "X")].filter { rights & UInt64($0.0) != 0 }.map(\.1).joined()
        let from = try m.bool(s.pageRooted.select(n)) ? "sigma0" : pageName(try m.uint64(s.pageParent.select(n)))
        return "frame \(frame) \(r.isEmpty ? "-" : r) from \(from)"
    }

    func header(_ m: Model, _ s: SymbolicState, _ r: Expr) throws(SMTError) -> String {
        let l = Int(try m.uint64(s.life.select(r)))
        let life = l < Self.lives.count ? Self.lives[l] : "life \(l)"
        if l == 0 { return life }
        let account = try m.uint64(s.quota.select(r))
        var out = "\(life), counted \(try m.uint64(s.counted.select(r))), account \(account == 0xFF ? "none" : object(UInt64(Kind.factory), account)), owner \(domain(try m.uint64(s.owner.select(r))))"
        let kind = try m.uint64(kernel.kindOf(r)), i = try kernel.indexOf(r)
        if kind == UInt64(Kind.factory) {
            out += try m.bool(s.unlimited.select(i)) ? ", unlimited, used \(try m.uint64(s.used.select(i)))"
                : ", used \(try m.uint64(s.used.select(i)))/\(try m.uint64(s.limit.select(i)))"
        }
        if kind == UInt64(Kind.gate) {
            let th = try m.uint64(s.gateThread.select(i))
            out += ", bound to \(th == 0xFF ? "none" : object(UInt64(Kind.thread), th))"
        }
        return out
    }

    func objectName(_ m: Model, _ r: Expr) throws(SMTError) -> String {
        let x = try m.uint64(r)
        return object(x >> 8, x & 0xFF)
    }

    // MARK: - The action and what differs after it

    func action(_ m: Model, _ view: NIView, _ c: NICondition, _ w: NIWitnesses, thread: Expr? = nil, item: NIPart.Item? = nil) throws(SMTError) -> [String] {
        let s = view.s
        let caller = try m.uint64(view.caller), task = try m.uint64(s.threadTask.select(view.caller))
        var lines = ["action: thread \(object(UInt64(Kind.thread), caller)) of task \(taskName(task)) (dom(a) = \(domain(try m.uint64(view.d)))) calls \(view.call.name) \(try CounterexampleText.arguments(m, view.call))"]
        let observer = "observer u = \(domain(try m.uint64(view.u)))"
        switch c {
        case .outputConsistency:
            lines.append("result: \(try CounterexampleText.outcome(m, view.stepS.outcome)) in s, \(try CounterexampleText.outcome(m, view.stepT.outcome)) in t")
        case .domConsistency:
            let r = NIRelation(setting: try .permissive(kernel), defect: nil)
            lines.append("dom(a): \(domain(try m.uint64(view.d))) in s, \(domain(try m.uint64(r.domain(view.t, caller: view.caller)))) in t")
        case .weakStepConsistency:
            lines.append(observer)
            lines.append("result: \(try CounterexampleText.outcome(m, view.stepS.outcome)) in s, \(try CounterexampleText.outcome(m, view.stepT.outcome)) in t")
            lines.append("u's view after the step differs (s → step(s) | t → step(t)):")
            lines += try witnessItems(m, [view.s, view.stepS.state, view.t, view.stepT.state], w, item: item).map { "  \($0)" }
        case .localRespect:
            lines.append(observer + " (dom(a) may not flow to u)")
            lines.append("result: \(try CounterexampleText.outcome(m, view.stepS.outcome))")
            lines.append("u's view changes (s → step(s)):")
            lines += try witnessItems(m, [view.s, view.stepS.state], w, item: item).map { "  \($0)" }
        case .schedulerView:
            if let x = thread {
                let i = try m.uint64(x), r = try kernel.ref(Kind.thread, x)
                let name = object(UInt64(Kind.thread), i)
                lines.append("\(name): task \(try m.uint64(s.threadTask.select(x))) → \(try m.uint64(view.stepS.state.threadTask.select(x))), \(try header(m, s, r)) → \(try header(m, view.stepS.state, r))")
            }
        }
        return lines
    }

    /// The witness items, as seen in each of the given states.
    func witnessItems(_ m: Model, _ states: [SymbolicState], _ w: NIWitnesses, item: NIPart.Item? = nil) throws(SMTError) -> [String] {
        func shown(_ i: NIPart.Item) -> Bool { item == nil || item == i }
        func row(_ name: String, _ f: (SymbolicState) throws(SMTError) -> String) throws(SMTError) -> String? {
            var values: [String] = []
            for st in states { values.append(try f(st)) }
            if Set(values).count == 1 { return nil }
            let pairs = stride(from: 0, to: values.count, by: 2).map { i in i + 1 < values.count ? "\(values[i]) → \(values[i + 1])" : values[i] }
            return "\(name): " + pairs.joined(separator: " | ")
        }
        var out: [String] = []
        if shown(.object), let r = try row(try objectName(m, w.object), { (st) throws(SMTError) in try header(m, st, w.object) }) { out.append(r) }
        if shown(.slot), let r = try row(slotName(try m.uint64(w.slot)), { (st) throws(SMTError) in try slot(m, st, w.slot) }) { out.append(r) }
        if shown(.page), let r = try row(pageName(try m.uint64(w.node)), { (st) throws(SMTError) in try page(m, st, w.node) }) { out.append(r) }
        let anc = "ancestor \(pageName(try m.uint64(w.ancestor))) of \(pageName(try m.uint64(w.ancestorOf)))"
        if shown(.ancestor), let r = try row(anc, { (st) throws(SMTError) in try m.bool(kernel.isAncestor(st, w.ancestor, of: w.ancestorOf)) ? "yes" : "no" }) { out.append(r) }
        if out.isEmpty { out.append("(the witnesses differ only in which domain's view contains them: owner labels or lives)") }
        return out
    }

    /// Every item in which t differs from s, over `Spec`'s tables (t differs
    /// from s only at keys inside them).
    func differences(_ m: Model, _ s: SymbolicState, _ t: SymbolicState, _ x: NIAnchor.Variant) throws(SMTError) -> [NIDifference] {
        let v = kernel.v, ctx = v.context
        var out: [NIDifference] = []
        func ownerOf(_ ref: Expr) throws(SMTError) -> String { domain(try m.uint64(t.owner.select(ref))) }
        for (p, _) in ConcreteLayout.slotPositions {
            let at = try ctx.bv(p, v.bv16)
            let a = try slot(m, s, at), b = try slot(m, t, at)
            if a != b { out.append(NIDifference(item: slotName(p), owner: try ownerOf(kernel.ref(Kind.task, v.b8(UInt8(p >> 8)))), inS: a, inT: b)) }
        }
        for (n, _) in ConcreteLayout.nodePositions {
            let at = try ctx.bv(n, v.bv16)
            let a = try page(m, s, at), b = try page(m, t, at)
            if a != b { out.append(NIDifference(item: pageName(n), owner: try ownerOf(kernel.ref(Kind.task, v.b8(UInt8(n >> 8)))), inS: a, inT: b)) }
        }
        for (r, _) in ConcreteLayout.objects {
            let at = try ctx.bv(r, v.bv16)
            let a = try header(m, s, at), b = try header(m, t, at)
            if a != b { out.append(NIDifference(item: object(r >> 8, r & 0xFF), owner: try ownerOf(at), inS: a, inT: b)) }
        }
        return out
    }

    // MARK: - Abstract counterexamples (the general query)

    /// The items the call reads directly, where s and t differ.
    func touched(_ m: Model, _ view: NIView) throws(SMTError) -> [String] {
        let k = kernel, s = view.s, t = view.t
        let task = try s.threadTask.select(view.caller)
        var slots: [Expr] = [], pages: [Expr] = [], objects: [Expr] = []
        func object(of p: Expr) throws(SMTError) -> Expr { try k.ref(s.slotKind.select(p), s.slotObject.select(p)) }
        func objectT(of p: Expr) throws(SMTError) -> Expr { try k.ref(t.slotKind.select(p), t.slotObject.select(p)) }
        let targetSlot: Expr = switch view.call {
        case .map(let c): c.dst
        case .unmap(let c): c.task
        case .create(let c): c.factory
        case .capValid(let t, _), .capEqual(let t, _, _): t
        case .ipc(let c): c.cap
        case .gateBind(let b): b.gate
        case .exRegs(let x, _): x
        case .irq(let c): c.cap
        }
        let target = try k.at(task, targetSlot)
        slots.append(target)
        let targetObject = try s.slotObject.select(target)
        switch view.call {
        case .map(let c):
            let src = try k.at(task, c.src)
            slots.append(src)
            let from = try k.at(s.slotObject.select(src), c.index), to = try k.at(targetObject, c.sndBase)
            if c.space == .object { slots += [from, to] } else { pages += [from, to] }
        case .unmap(let c):
            let at = try k.at(targetObject, c.index)
            if c.space == .object { slots.append(at) } else { pages.append(at) }
        case .create(let c):
            slots.append(try k.at(task, c.slot))
        case .capValid(_, let c):
            slots.append(try k.at(targetObject, c))
        case .capEqual(_, let a, let b):
            slots += [try k.at(targetObject, a), try k.at(targetObject, b)]
        case .gateBind(let b):
            slots.append(try k.at(task, b.thread))
        case .ipc, .exRegs, .irq:
            break
        }
        for p in slots { objects += [try object(of: p), try objectT(of: p)] }
        var out: [String] = []
        for p in slots {
            let a = try slot(m, s, p), b = try slot(m, t, p)
            if a != b { out.append("\(slotName(try m.uint64(p))): \(a) in s, \(b) in t") }
        }
        for n in pages {
            let a = try page(m, s, n), b = try page(m, t, n)
            if a != b { out.append("\(pageName(try m.uint64(n))): \(a) in s, \(b) in t") }
        }
        var seen = Set<UInt64>()
        for r in objects {
            let x = try m.uint64(r)
            guard x >> 8 != 0, seen.insert(x).inserted else { continue }
            let a = try header(m, s, r), b = try header(m, t, r)
            if a != b { out.append("\(self.object(x >> 8, x & 0xFF)): \(a) in s, \(b) in t") }
        }
        return out
    }

    static func abstract(_ m: Model, _ c: NICondition, _ view: NIView, _ w: NIWitnesses, item: NIPart.Item?, thread: Expr?, _ r: NIRelation,
                         _ policy: NIPolicy) throws(SMTError) -> [String] {
        let text = NIText(policy: policy, names: NameTable(), kernelIndex: nil, kernel: r.k)
        var lines = try text.action(m, view, c, w, thread: thread, item: item)
        if c.twoCopies {
            // Where s and t differ among the items the step touched: the witnesses.
            let d = try m.uint64(view.d)
            lines.append("s and t agree on the view of \(policy.name(d)) (and of u, for weak step consistency); among the items the call reads they differ at:")
            let items = try text.touched(m, view)
            lines += (items.isEmpty ? ["(none of the call's direct arguments: a deeper read, e.g. a counter or a mapping-tree link)"] : items).map { "  \($0)" }
        }
        return lines
    }
}

import SMT
import Spec

extension SymbolicCall {
    /// The encoded form of a `Spec` invocation, or nil when the encoding does
    /// not cover it (other operations, flexpages of order > 0, the special
    /// "self" selector as an argument, gate creation with a thread to bind).
    public static func concrete(_ inv: Invocation, in k: KernelState, _ v: Vocabulary) throws(SMTError) -> SymbolicCall? {
        func b8(_ x: UInt8) throws(SMTError) -> Expr { try v.b8(x) }
        func bool(_ x: Bool) throws(SMTError) -> Expr { try v.truth(x) }
        switch inv {
        case .taskMap(.slot(let d), .slot(let s), let item, 0, let base):
            return .map(MapCall(space: item.space == .object ? .object : .memory, dst: try b8(d.raw), src: try b8(s.raw),
                                index: try b8(item.index), mask: try b8(item.rights), sndBase: try b8(base),
                                grant: try bool(item.grant), server: try bool(item.server), weak: try bool(item.weak)))
        case .taskUnmap(.slot(let t), let space, let index, 0, let rights, let scope, let delete):
            return .unmap(UnmapCall(space: space == .object ? .object : .memory, task: try b8(t.raw), index: try b8(index),
                                    rights: try b8(rights), allSpaces: try bool(scope == .allSpaces), delete: try bool(delete)))
        case .factoryCreate(.slot(let f), let kind, let slot):
            guard let created = createdKind(kind) else { return nil }
            var limit: UInt16 = 0
            if case .factory(let l) = kind { limit = l }
            let entry = firstFree(created, in: k)
            return .create(CreateCall(kind: created, factory: try b8(f.raw), slot: try b8(slot?.raw ?? 0), hasSlot: try bool(slot != nil),
                                      limit: try v.b16(limit), entry: try b8(UInt8(entry ?? 0)), tableFull: try bool(entry == nil)))
        case .taskCapValid(.slot(let t), .slot(let c)):
            return .capValid(task: try b8(t.raw), cap: try b8(c.raw))
        case .taskCapEqual(.slot(let t), .slot(let a), .slot(let b)):
            return .capEqual(task: try b8(t.raw), a: try b8(a.raw), b: try b8(b.raw))
        default:
            return nil
        }
    }

    static func createdKind(_ kind: CreateKind) -> CreatedKind? {
        switch kind {
        case .task: .task
        case .thread: .thread
        case .gate(_, nil): .gate
        case .gate: nil
        case .irq: .irq
        case .factory: .factory
        }
    }

    /// `Spec`'s allocation choice: the first free table entry.
    static func firstFree(_ kind: CreatedKind, in k: KernelState) -> Int? {
        let objectKind: ObjectKind = switch kind {
        case .task: .task
        case .thread: .thread
        case .gate: .gate
        case .irq: .irq
        case .factory: .factory
        }
        return (0..<objectKind.capacity).first { k.life(of: ObjectRef(objectKind, $0)) == .free }
    }
}

/// One field that differs between the symbolic and the concrete step.
public struct FieldDifference: CustomStringConvertible, Sendable {
    public var field: String
    public var symbolic: String
    public var concrete: String
    public var description: String { "\(field): symbolic \(symbolic), Spec \(concrete)" }
}

/// Compares a symbolic step, evaluated on concrete inputs, with `Spec`'s step.
public enum DifferentialCheck {
    /// Every differing field (empty when they agree). One simplification of
    /// the conjunction decides the common case; the field-by-field pass runs
    /// only to name what differs.
    public static func differences(_ step: SymbolicStep, expected k: KernelState, outcome: Outcome, _ v: Vocabulary) throws(SMTError) -> [FieldDifference] {
        let checks = try expectations(step, k, outcome, v)
        let all = try v.context.and(checks.map { $0.1 }).simplified()
        if all.boolValue == true { return [] }
        var found: [FieldDifference] = []
        for (name, _, term, expected) in checks.map({ ($0.0, $0.1, $0.2, $0.3) }) {
            let value = try term.simplified()
            if value.description != expected.description {
                found.append(FieldDifference(field: name, symbolic: value.description, concrete: expected.description))
            }
        }
        return found
    }

    /// (field name, symbolic == concrete, symbolic term, concrete term).
    static func expectations(_ step: SymbolicStep, _ k: KernelState, _ outcome: Outcome, _ v: Vocabulary) throws(SMTError) -> [(String, Expr, Expr, Expr)] {
        var list: [(String, Expr, Expr, Expr)] = []
        func add(_ name: String, _ term: Expr, _ expected: Expr) throws(SMTError) {
            list.append((name, try term.eq(expected), term, expected))
        }
        let s = step.state
        for (p, i) in ConcreteLayout.slotPositions {
            let at = try v.context.bv(p, v.bv16), slot = k.slots[i]
            let name = "slot[task\(p >> 8)][\(p & 0xFF)]"
            try add("\(name).kind", s.slotKind.select(at), v.b8(slot.kindRaw))
            try add("\(name).object", s.slotObject.select(at), v.b8(slot.object))
            try add("\(name).rights", s.slotRights.select(at), v.b8(slot.rightsRaw))
            try add("\(name).flags", s.slotFlags.select(at), v.b8(slot.flags))
        }
        for (p, n) in ConcreteLayout.nodePositions {
            let at = try v.context.bv(p, v.bv16), page = k.pages[n]
            let name = "page[task\(p >> 8)][\(p & 0xFF)]"
            try add("\(name).frame", s.pageFrame.select(at), v.b8(page.frame))
            try add("\(name).rights", s.pageRights.select(at), v.b8(page.rightsRaw))
            try add("\(name).rooted", s.pageRooted.select(at), v.truth(page.parent == 0xFF))
            if page.parent != 0xFF {
                try add("\(name).parent", s.pageParent.select(at), v.b16(ConcreteLayout.parentPosition(page.parent)))
            }
            for (q, m) in ConcreteLayout.nodePositions {
                let pair = try v.context.bv(p << 16 | q, v.bv32)
                try add("ancestor(\(name), page[task\(q >> 8)][\(q & 0xFF)])", s.ancestor.select(pair),
                        v.truth(ConcreteLayout.isAncestor(k, n, of: m)))
            }
        }
        for (p, r) in ConcreteLayout.objects {
            let at = try v.context.bv(p, v.bv16)
            try add("\(r).life", s.life.select(at), v.b8(k.life(of: r).rawValue))
            try add("\(r).counted", s.counted.select(at), v.b8(UInt8(k.countedRefs(r))))
            try add("\(r).quota", s.quota.select(at), v.b8(k.quotaAccount(of: r)))
        }
        for f in 0..<Capacity.factories {
            let at = try v.b8(UInt8(f)), rec = k.factory(FactoryID(f))
            try add("factory\(f).limit", s.limit.select(at), v.b16(rec.limit))
            try add("factory\(f).used", s.used.select(at), v.b16(rec.used))
            try add("factory\(f).unlimited", s.unlimited.select(at), v.truth(rec.unlimited != 0))
        }
        for t in 0..<Capacity.threads {
            try add("thread\(t).task", s.threadTask.select(v.b8(UInt8(t))), v.b8(k.thread(ThreadID(t)).task))
        }
        for g in 0..<Capacity.gates {
            try add("gate\(g).thread", s.gateThread.select(v.b8(UInt8(g))), v.b8(k.gate(GateID(g)).thread))
            try add("gate\(g).waitHead", s.gateWaitHead.select(v.b8(UInt8(g))), v.b8(k.gate(GateID(g)).waitHead))
        }
        try ipcExpectations(s, k, v, add)
        let (kind, code, hasValue, value) = encode(outcome)
        try add("result.kind", step.outcome.kind, v.b8(kind))
        try add("result.code", step.outcome.code, v.b8(code))
        try add("result.hasValue", step.outcome.hasValue, v.truth(hasValue))
        if hasValue { try add("result.value", step.outcome.value, v.b8(value)) }
        return list
    }

    /// `Spec`'s `ResultCode` encoding of an outcome, with the `ok` word.
    static func encode(_ o: Outcome) -> (UInt8, UInt8, Bool, UInt8) {
        switch o {
        case .ok(let value): (1, 0, value != nil, UInt8(truncatingIfNeeded: value ?? 0))
        case .ipc(let e): (2, e.rawValue, false, 0)
        case .error(let e): (3, e.rawValue, false, 0)
        case .killed: (4, 0, false, 0)
        case .blocked, .idle, .tornDown, .faultRetried: (0, 0, false, 0)
        }
    }
}

/// Outcome of comparing one (state, event) pair.
public enum PairVerdict: Sendable {
    /// The event is not an encoded operation, or did not run an invocation.
    case notEncoded
    /// The concrete path leaves the encoding (`inScope` evaluates false).
    case outOfScope
    case agrees
    case differs([FieldDifference])
}

/// Runs `event` on `Spec` and on the symbolic kernel from `state`. `pre`,
/// when given, is `state` already converted (one conversion serves every
/// event tried from the same state).
public func comparePair(_ state: KernelState, _ event: Event, _ kernel: SymbolicKernel, pre given: SymbolicState? = nil) throws(SMTError) -> PairVerdict {
    guard case .invoke(_, let inv) = event else { return .notEncoded }
    let (next, result) = Spec.step(state, event)
    guard let actor = result.actor, ![.tornDown, .faultRetried, .idle].contains(result.outcome) else { return .notEncoded }
    let v = kernel.v
    var encoded = try SymbolicCall.concrete(inv, in: state, v)
    if encoded == nil { encoded = try SymbolicCall.concreteIpc(inv, in: state, actor: actor, v) }
    guard let call = encoded else { return .notEncoded }
    let pre: SymbolicState
    if let given { pre = given } else { pre = try SymbolicState(concrete: state, v) }
    let step = try kernel.step(pre, caller: v.b8(actor.raw), call)
    let scope = try step.inScope.simplified()
    guard scope.boolValue == true else { return .outOfScope }
    let diffs = try DifferentialCheck.differences(step, expected: next, outcome: result.outcome, v)
    return diffs.isEmpty ? .agrees : .differs(diffs)
}

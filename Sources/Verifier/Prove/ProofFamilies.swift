import Properties
import SMT
import Symbolic

/// The encoded system calls an obligation is stated for: one symbolic
/// invocation per family, every argument a fresh constant.
public enum ProofFamily: CaseIterable, Sendable, Hashable {
    case mapObject, mapMemory, unmapObject, unmapMemory
    case create(CreatedKind)
    case capValid, capEqual

    public static var allCases: [ProofFamily] {
        [.mapObject, .mapMemory, .unmapObject, .unmapMemory] + CreatedKind.allCases.map { .create($0) } + [.capValid, .capEqual]
    }

    public var name: String {
        switch self {
        case .mapObject: "task.map(object)"
        case .mapMemory: "task.map(memory)"
        case .unmapObject: "task.unmap(object)"
        case .unmapMemory: "task.unmap(memory)"
        case .create(let k): "factory.create(\(k.rawValue))"
        case .capValid: "task.cap_valid"
        case .capEqual: "task.cap_equal"
        }
    }

    /// The symbolic call with named argument constants, and the event's own
    /// preconditions (a create names a free table entry other than "none").
    /// The argument constants are named `prefix.name` (one set per step of
    /// a bounded model check).
    func call(_ k: SymbolicKernel, pre: SymbolicState, prefix: String = "arg") throws(SMTError) -> (SymbolicCall, Expr) {
        let v = k.v, ctx = v.context
        func b8(_ n: String) throws(SMTError) -> Expr { try ctx.constant("\(prefix).\(n)", v.bv8) }
        func flag(_ n: String) throws(SMTError) -> Expr { try ctx.constant("\(prefix).\(n)", v.bool) }
        let yes = try v.truth(true)
        switch self {
        case .mapObject, .mapMemory:
            let m = MapCall(space: self == .mapObject ? .object : .memory, dst: try b8("dst"), src: try b8("src"), index: try b8("index"),
                            mask: try b8("mask"), sndBase: try b8("sndBase"), grant: try flag("grant"), server: try flag("server"), weak: try flag("weak"))
            return (.map(m), yes)
        case .unmapObject, .unmapMemory:
            let u = UnmapCall(space: self == .unmapObject ? .object : .memory, task: try b8("task"), index: try b8("index"),
                              rights: try b8("rights"), allSpaces: try flag("allSpaces"), delete: try flag("delete"))
            return (.unmap(u), yes)
        case .create(let kind):
            let c = CreateCall(kind: kind, factory: try b8("factory"), slot: try b8("slot"), hasSlot: try flag("hasSlot"),
                               limit: try ctx.constant("\(prefix).limit", v.bv16), entry: try b8("entry"), tableFull: try flag("tableFull"))
            return (.create(c), try c.entry.ne(v.none).and(k.life(pre, k.ref(kind.code, c.entry)).eq(v.b8(LifeValue.free))))
        case .capValid:
            return (.capValid(task: try b8("task"), cap: try b8("cap")), yes)
        case .capEqual:
            return (.capEqual(task: try b8("task"), a: try b8("a"), b: try b8("b")), yes)
        }
    }

    /// The event's preconditions that quantify over the state, as
    /// hypotheses: a factory is created at an entry no object is charged to.
    /// `Spec` frees a factory entry only when its account is drained, and
    /// with exact accounting (MEM-2, which needs cardinality and is checked
    /// by the explorer) nothing is then charged to it; without this, a
    /// stale charge would make the new factory pay for another domain's object.
    func universalPreconditions(_ k: SymbolicKernel, pre: SymbolicState, _ call: SymbolicCall) -> [Hypothesis] {
        guard case .create(let c) = call, c.kind == .factory else { return [] }
        let v = k.v
        return [Hypothesis(name: "nothing charged to the new factory's entry", sorts: [v.bv16]) { (x) throws(SMTError) in
            let allocated = try k.kindOf(x[0]).ne(v.b8(Kind.scheduler)).and(pre.life.select(x[0]).ne(v.b8(LifeValue.free)))
            return try allocated.implies(pre.quota.select(x[0]).ne(c.entry))
        }]
    }
}

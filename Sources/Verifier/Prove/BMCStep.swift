import Properties
import SMT
import Spec
import Symbolic

/// One unrolled step of a bounded model check: which CPU's running thread
/// acts, which encoded call it makes (a symbolic choice among the families),
/// the arguments (one set of constants per step, shared by the families),
/// and the successor state.
struct BMCStep {
    let depth: Int
    let pre: SymbolicState
    let post: SymbolicState
    /// Index into `families` of the call taken.
    let choice: Expr
    /// Index into `actors` of the CPU whose thread acts.
    let actor: Expr
    let caller: Expr
    let families: [ProofFamily]
    let actors: [(cpu: Int, thread: Int)]
    /// Per family: the call with this step's arguments, its symbolic step.
    let calls: [(family: ProofFamily, call: SymbolicCall, step: SymbolicStep)]
    /// Path constraints: a valid choice, the chosen step in scope, its
    /// preconditions, and arguments as `Spec` takes them.
    let constraints: [Expr]

    /// Per family: "this family was taken".
    let chosen: [Expr]

    /// The transition views, each with "this family was taken".
    var views: [(ProofFamily, TransitionView, Expr)] {
        zip(calls, chosen).map { c, taken in (c.family, TransitionView(pre: pre, step: c.step, call: c.call, caller: caller), taken) }
    }

    init(depth: Int, pre: SymbolicState, actors: [(cpu: Int, thread: Int)], _ families: [ProofFamily], _ kernel: SymbolicKernel) throws(SMTError) {
        let v = kernel.v, ctx = v.context
        self.depth = depth
        self.pre = pre
        self.families = families
        self.actors = actors
        choice = try ctx.constant("bmc\(depth).call", v.bv8)
        actor = try ctx.constant("bmc\(depth).cpu", v.bv8)
        var caller = try v.none
        for (i, a) in actors.enumerated().reversed() {
            caller = try actor.eq(v.b8(UInt8(i))).ite(v.b8(UInt8(a.thread)), caller)
        }
        self.caller = caller
        var constraints = [try actor.ult(v.b8(UInt8(actors.count))), try choice.ult(v.b8(UInt8(families.count)))]
        var calls: [(ProofFamily, SymbolicCall, SymbolicStep)] = []
        var post = pre
        var chosen: [Expr] = []
        for (j, family) in families.enumerated() {
            let (call, precondition) = try family.call(kernel, pre: pre, prefix: "bmc\(depth)")
            let step = try kernel.step(pre, caller: caller, call)
            calls.append((family, call, step))
            let taken = try choice.eq(v.b8(UInt8(j)))
            chosen.append(taken)
            let fidelity = try Self.asSpecTakesIt(call, pre, kernel)
            constraints.append(try taken.implies(step.inScope.and(precondition, fidelity)))
            post = try SymbolicState.ite(taken, step.state, post)
        }
        self.post = post
        self.chosen = chosen
        self.calls = calls
        self.constraints = constraints
    }

    /// Arguments a trace can carry and `Spec` decides the same way: rights
    /// masks within the space's bits, and a create's entry the first free
    /// one of `Spec`'s table (the encoding lets the caller name any free one).
    static func asSpecTakesIt(_ call: SymbolicCall, _ s: SymbolicState, _ k: SymbolicKernel) throws(SMTError) -> Expr {
        let v = k.v
        func within(_ e: Expr, _ bits: UInt8) throws(SMTError) -> Expr { try e.bvand(v.b8(~bits)).eq(v.b8(0)) }
        switch call {
        case .map(let m): return try within(m.mask, m.space == .object ? 0xF : 0x7)
        case .unmap(let u): return try within(u.rights, u.space == .object ? 0xF : 0x7)
        case .create(let c):
            let capacity = ObjectKind(rawValue: c.kind.code)?.capacity ?? 0
            var free: [Expr] = []
            for i in 0..<capacity { free.append(try k.life(s, k.ref(c.kind.code, v.b8(UInt8(i)))).eq(v.b8(LifeValue.free))) }
            var first = try v.truth(false)
            for i in (0..<capacity).reversed() {
                first = try free[i].ite(c.entry.eq(v.b8(UInt8(i))), first)
            }
            let full = try v.context.or(free).not()
            return try c.tableFull.eq(full).and(full.or(first))
        case .capValid, .capEqual, .ipc, .gateBind, .exRegs, .irq: return try v.truth(true)
        }
    }
}

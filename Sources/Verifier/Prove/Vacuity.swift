import Foundation
import Properties
import SMT
import Scenarios
import Symbolic

/// Vacuity (issue "Z3 proofs", point 6): a proof under unsatisfiable
/// hypotheses proves nothing, so each family's hypotheses get a witness.
///
/// Asking Z3 for a model of the ∀-invariants does not finish (MBQI over
/// 16-bit indices and arrays of hundreds of stores: every check hit its
/// time limit), so the witness is built instead: a built-in scenario's boot
/// state, one domain owning everything and a policy that allows it. The
/// invariants are evaluated on it at every entry of the model's tables plus
/// one entry outside them (all entries outside are equal, so one stands for
/// all); then a quantifier-free query finds call arguments for which the
/// step is in scope and the event's preconditions hold.
struct Vacuity {
    let setting: ProofSetting
    let witnesses: [(name: String, state: SymbolicState)]

    /// Witness states: the boot states on which every invariant evaluates true.
    init(_ setting: ProofSetting) throws(SMTError) {
        self.setting = setting
        var found: [(String, SymbolicState)] = []
        for name in ScenarioLoader.builtInNames {
            guard let scenario = try? ScenarioLoader.builtIn(name) else { continue }
            var s = try SymbolicState(concrete: scenario.initial, setting.v)
            s.owner = try setting.v.context.constArray(setting.v.bv16, setting.v.b8(0))
            if try Self.satisfiesInvariants(s, setting) { found.append((name, s)) }
        }
        witnesses = found
    }

    /// The concrete setting the witnesses use: everything flows, all frames are user memory.
    static func pinSetting(_ p: ProofSetting) throws(SMTError) -> Expr {
        let v = p.v
        return try p.flow.eq(v.context.constArray(v.bv16, v.truth(true))).and(p.frameBound.eq(v.b8(0xFF)))
    }

    static func support(_ b: BoundSort) -> [UInt64] {
        let outside: UInt64 = 0x3C3C
        switch b {
        case .slot: return ConcreteLayout.slotPositions.map(\.0) + [outside]
        case .node: return ConcreteLayout.nodePositions.map(\.0) + [outside]
        case .object: return ConcreteLayout.objects.map(\.0) + [outside]
        case .factory: return [0, 1, 2, 0x3C]
        case .domain: return [0, 0x3C]
        }
    }

    static func satisfiesInvariants(_ s: SymbolicState, _ p: ProofSetting) throws(SMTError) -> Bool {
        let v = p.v
        let pinned = try ProofSetting(kernel: p.kernel, flow: v.context.constArray(v.bv16, v.truth(true)), frameBound: v.b8(0xFF))
        for inv in SymbolicInvariants.all {
            var tuples: [[UInt64]] = [[]]
            for b in inv.bound { tuples = tuples.flatMap { t in support(b).map { t + [$0] } } }
            for t in tuples {
                var args: [Expr] = []
                for (b, x) in zip(inv.bound, t) { args.append(try v.context.bv(x, b == .factory || b == .domain ? v.bv8 : v.bv16)) }
                if try inv.body(pinned, s, args).simplified().boolValue != true { return false }
            }
        }
        return true
    }

    /// The name of a witness scenario for which some arguments make the step
    /// in scope, or nil when none does (then the family is vacuous as far as
    /// the witnesses tell).
    func witness(pre: SymbolicState, inScope: Expr, precondition: Expr, timeoutMilliseconds: UInt32) throws(SMTError) -> String? {
        let v = setting.v
        let solver = try Solver(v.context, logic: nil)
        try solver.assert(inScope)
        try solver.assert(precondition)
        try solver.assert(Self.pinSetting(setting))
        for (name, state) in witnesses {
            try solver.push()
            try solver.assert(pre.equals(state, v))
            try solver.assert(pre.owner.eq(state.owner))
            let result = try solver.check(timeoutMilliseconds: timeoutMilliseconds)
            try solver.pop()
            if case .sat = result { return name }
        }
        return nil
    }
}

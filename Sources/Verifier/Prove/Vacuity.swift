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
/// state, one domain owning everything and a policy that allows it. Each
/// invariant is checked on it by one quantifier-free query over all
/// entries; then a quantifier-free query finds call arguments for which
/// the step is in scope and the event's preconditions hold.
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

    static func satisfiesInvariants(_ s: SymbolicState, _ p: ProofSetting) throws(SMTError) -> Bool {
        try brokenInvariant(s, .permissive(p.kernel)) == nil
    }

    /// The first invariant a concrete state (constant arrays with stores)
    /// breaks, or nil: per invariant one quantifier-free query ∃ x̄. ¬body(s, x̄),
    /// exact over every entry of the 2^8-entry tables. An undecided query
    /// counts as broken (the state is then not used as a witness).
    static func brokenInvariant(_ s: SymbolicState, _ p: ProofSetting,
                                among invariants: [SymbolicInvariant] = SymbolicInvariants.all + SymbolicInvariants.counting) throws(SMTError) -> String? {
        let ctx = p.v.context
        for inv in invariants {
            var x: [Expr] = []
            for b in inv.bound { x.append(try ctx.freshConstant("x", b.sort(p.v))) }
            let query = [try inv.violated(p, s, witnesses: x)]
            if case .unsat = try LazyInstantiation(ctx).decide(query, hypotheses: [], timeoutMilliseconds: 10_000) { continue }
            return inv.id
        }
        return nil
    }

    /// What the search for a witness of a family's hypotheses found.
    enum Search: Equatable {
        /// A witness scenario for which some arguments make the step in scope.
        case found(String)
        /// Every witness answered unsat: vacuous as far as the witnesses tell.
        case none
        /// No witness answered sat, and some query hit its time limit: neither
        /// vacuous nor witnessed, so proofs of the family are not counted.
        case undecided

        /// The verdict reason of an obligation whose family's search was undecided.
        static let undecidedReason = "the search for a witness of the hypotheses hit its time limit (vacuity undecided)"
    }

    /// Searches the witness states in turn. The witness state is substituted
    /// for the symbolic pre-state, so the query is quantifier-free over the
    /// call's arguments only.
    func witness(pre: SymbolicState, inScope: Expr, precondition: Expr, timeoutMilliseconds: UInt32) throws(SMTError) -> Search {
        let v = setting.v
        let from = pre.fieldTerms
        var undecided = false
        for (name, state) in witnesses {
            let to = state.fieldTerms
            let query = [try inScope.substitute(from, to), try precondition.substitute(from, to)]
            switch try LazyInstantiation(v.context).decide(query, hypotheses: [], timeoutMilliseconds: timeoutMilliseconds) {
            case .sat: return .found(name)
            case .unsat: continue
            case .unknown: undecided = true
            }
        }
        return undecided ? .undecided : .none
    }
}

import Foundation
import SMT
import Symbolic

/// Refuting an obligation from a concrete pre-state. The lazy
/// instantiation confirms a model only when its states satisfy every
/// ∀-invariant, and for the counting ghosts (the ledgers of MEM-2 and
/// CAP-5) that takes a prefix sum consistent at all 2^16 positions, which a
/// model read at finitely many positions almost never is: a weakened
/// deletion then ends `unknown` rather than refuted. A vacuity witness (a
/// built-in's boot state, every invariant checked on it exactly) has
/// consistent ledgers by construction, so substituting it for the
/// pre-state leaves a quantifier-free query over the call's arguments and
/// the goal's witnesses, whose model is a genuine counterexample.
extension Vacuity {
    /// The first witness state from which the step violates the goal, with
    /// the model (the pre-state's fields read as the witness's) and the
    /// witness's name; nil when none does within the limit.
    func refutation(_ assertions: [Expr], hypotheses: [Hypothesis], pre: SymbolicState,
                    timeoutMilliseconds: UInt32) throws(SMTError) -> (scenario: String, model: Model)? {
        let from = pre.fieldTerms
        let deadline = Date().addingTimeInterval(Double(timeoutMilliseconds) / 1000)
        for (name, state) in witnesses {
            let left = LazyInstantiation.milliseconds(until: deadline)
            guard left > 0 else { return nil }
            let to = state.fieldTerms
            var query: [Expr] = []
            for e in assertions { query.append(try e.substitute(from, to)) }
            let concrete = hypotheses.map { h in
                Hypothesis(name: h.name, sorts: h.sorts) { (x) throws(SMTError) in try h.body(x).substitute(from, to) }
            }
            if case .sat(let model, _) = try LazyInstantiation(setting.v.context).decide(query, hypotheses: concrete, timeoutMilliseconds: left) {
                return (name, model.substituting(from, to))
            }
        }
        return nil
    }

    /// What a counterexample from a witness says about reachability.
    static func reachability(_ scenario: String) -> String {
        "the pre-state is the boot state of the built-in scenario \(scenario) (every invariant checked on it); whether its schedule lets this caller make this call there, `l4spec check \(scenario)` decides"
    }
}

import Foundation
import Properties
import SMT
import Symbolic

extension Noninterference {
    /// Each part is refuted, proved, or unknown; the condition is proved when
    /// every part is, refuted when one is. A refutation is a model of both
    /// copies in which every ∀-hypothesis holds (checked by
    /// `LazyInstantiation`); a concrete pair anchored at the scenario's boot
    /// state is then looked for, to show it in the scenario's own terms.
    static func discharge(_ c: NICondition, _ parts: [NIPart], _ copy: NICopies, _ x: NIContext) throws(SMTError) -> NIObligation {
        let start = Date()
        let family = x.family.name
        switch x.witness {
        case .none:
            return NIObligation(condition: c, family: family, verdict: .vacuous, seconds: 0, pair: nil,
                                anchorNote: "no in-scope call from the boot state (vacuity witness)")
        case .undecided:
            return NIObligation(condition: c, family: family, verdict: .unknown(Vacuity.Search.undecidedReason), seconds: 0, pair: nil,
                                anchorNote: nil)
        case .found: break
        }
        let debug = ProcessInfo.processInfo.environment["L4SPEC_DEBUG_NI"] != nil
        let deadline = start.addingTimeInterval(Double(x.options.timeoutMilliseconds) / 1000)
        var verdict: ProofVerdict = .proved
        let states = c.twoCopies ? [x.view.s, x.view.t] : [x.view.s]
        for part in parts {
            let partStart = Date()
            let ground = try GroundTerms(states: [states[0]], call: x.view.call, caller: x.view.caller, witnesses: part.witnesses, x.r.k)
            let seeds = try copy.seeds(ground)
            // One time limit for the whole condition, shared by its parts.
            let left = max(1, LazyInstantiation.milliseconds(until: deadline))
            let engine = LazyInstantiation(x.r.v.context)
            engine.repairs = try SymbolicState.repairGroups(states, shared: [\.threadTask], x.r.v)
            let outcome = try engine.decide(copy.base + seeds + part.goal, hypotheses: copy.hypotheses, timeoutMilliseconds: left)
            if debug {
                FileHandle.standardError.write(Data("debug: \(c.name) \(family) \(part.item.map { "\($0)" } ?? "-") (\(seeds.count) seed instances): \(outcome.summary) after \(String(format: "%.2f", Date().timeIntervalSince(partStart))) s\n".utf8))
            }
            switch outcome {
            case .unsat: continue
            case .unknown(let why):
                verdict = .unknown(why)
            case .sat(let m, _):
                let lines = try NIText.abstract(m, c, x.view, x.w, item: part.item, thread: x.thread, x.r, x.policy)
                verdict = .refuted(Counterexample(lines: lines, reachability: CounterexampleText.reachability))
            }
            break
        }
        var pair: NIPair?, note: String?
        if case .refuted = verdict, x.options.anchored, c != .schedulerView {
            (pair, note) = try x.anchor.refute(c, x.family, x.options)
        }
        return NIObligation(condition: c, family: family, verdict: verdict, seconds: Date().timeIntervalSince(start),
                            pair: pair, anchorNote: note)
    }
}

/// The hypotheses of a condition's queries: ground ones, the ∀-hypotheses,
/// and their seed instances at a part's ground terms.
struct NICopies {
    var base: [Expr]
    var hypotheses: [Hypothesis]
    var seeds: (GroundTerms) throws(SMTError) -> [Expr]
}

/// What every condition of one family shares.
struct NIContext {
    var family: ProofFamily
    var r: NIRelation
    var policy: NIPolicy
    var anchor: NIAnchor
    var options: NIOptions
    var view: NIView
    var w: NIWitnesses
    var thread: Expr
    /// The vacuity witness search: only `.none` makes the family vacuous.
    var witness: Vacuity.Search
}

/// One query of a condition: its witnesses (for the ground terms) and its goal.
struct NIPart {
    enum Item: String { case object, slot, page, ancestor, thread }
    var item: Item?
    var witnesses: [(BoundSort, Expr)]
    var goal: [Expr]
}

/// The terms of one family's two-copy query (for describing models).
struct NIView {
    var s: SymbolicState, t: SymbolicState
    var stepS: SymbolicStep, stepT: SymbolicStep
    var call: SymbolicCall
    var caller: Expr, u: Expr, d: Expr

    /// Both copies taking the same symbolic call of `family` by the same
    /// caller: the view, each copy's precondition, and what u and dom(a) observe.
    static func make(_ s: SymbolicState, _ t: SymbolicState, _ family: ProofFamily, _ r: NIRelation, _ observation: NIObservation)
        throws(SMTError) -> (view: NIView, preS: Expr, preT: Expr, visU: NIRelation.Visible, visD: NIRelation.Visible) {
        let v = r.v, k = r.k
        let caller = try v.context.constant("caller", v.bv8)
        let u = try v.context.constant("ni.u", v.bv8)
        let (call, preS) = try family.call(k, pre: s)
        let (_, preT) = try family.call(k, pre: t)
        let d = try r.domain(s, caller: caller)
        let view = NIView(s: s, t: t, stepS: try k.step(s, caller: caller, call), stepT: try k.step(t, caller: caller, call),
                          call: call, caller: caller, u: u, d: d)
        return (view, preS, preT, Noninterference.visible(u, r.setting, observation), Noninterference.visible(d, r.setting, observation))
    }
}

import Foundation
import Properties
import SMT
import Symbolic

/// The verdict of one obligation `Inv ∧ inScope ∧ T ∧ ¬P′` (issue "Z3
/// proofs", point 3). `vacuous` flags unsatisfiable hypotheses: such an
/// obligation is never counted as proved (point 6).
public enum ProofVerdict: Equatable, Sendable {
    case proved
    case refuted(Counterexample)
    case unknown(String)
    case vacuous

    public var word: String {
        switch self {
        case .proved: "proved"
        case .refuted: "refuted"
        case .unknown: "unknown"
        case .vacuous: "vacuous"
        }
    }
}

/// A counterexample to an inductive step, in the spec's vocabulary.
public struct Counterexample: Equatable, Sendable {
    /// Lines such as "caller thread 3 in task 2" or "slot[task 2][5]: gate 0 RW → empty".
    public var lines: [String]
    /// Whether the pre-state is reachable from a built-in scenario.
    public var reachability: String
}

public struct ProofObligation: Sendable {
    public var property: String
    public var family: String
    public var verdict: ProofVerdict
    public var seconds: Double
}

public struct ProofOptions: Sendable {
    public var timeoutMilliseconds: UInt32 = 60_000
    /// Only these property IDs (empty: all with a symbolic form).
    public var properties: Set<String> = []
    /// Only these families (empty: all).
    public var families: [ProofFamily] = ProofFamily.allCases
    /// Test-only: weakened transition encodings (issue point 6).
    public var weakening: Weakening = []
    public init() {}
}

public struct ProofReport: Sendable {
    public var obligations: [ProofObligation]
    public var z3Version: String
    public var strengthening: [(id: String, title: String)]
    public var assumptions: [String]
    public var notEncoded: [String]

    public var allProved: Bool { obligations.allSatisfy { $0.verdict == .proved } }
}

/// Discharges every (property × family) obligation with one solver per
/// family: the shared hypotheses are asserted once and each goal is pushed
/// and popped (SMT pitfall 10).
public enum Prover {
    public static let assumptions = [
        "Policy: the flow relation is a partition (reflexive, symmetric, transitive), as in the two-partition scenario; directed policies (client → server) are checked by the explorer only.",
        "Encoding: 2^8 tasks, slots per task, pages per task, threads, gates, Irqs, factories and frames; index 0xFF of each table means none. Flexpages of order 0 (one slot or page) only.",
        "Scope: paths that destroy a task, a thread or an Irq, release a gate with blocked senders or a bound deleted thread, drop a weak capability's last slot, count a capability to an object whose 8-bit counter is at 255 (Spec saturates, Fiasco's machine word counts on; Spec's 32 slots never get there), free two objects in one map (a displaced capability's and, by a weak grant, the source's), cascade a quota refund through a deleted factory, or turn a kernel-object operation into IPC (a task, factory or Irq operation on a thread or gate cap) are excluded by `inScope`; the explorer checks them on the built-in scenarios.",
        "The acting thread is the current thread of its CPU: live, ready, not dying, without a page fault to retry; message words, receive buffers, results and the scheduler's ready lists are not part of the encoded state.",
        "IPC: messages without a typed item. Sender queues are a membership function: which queued sender an open wait takes, and whether an open-waiting receiver has nobody queued ahead, are arguments of the call, so every choice is proved (the differential test passes Spec's); the priority order of a queue is not encoded. Thread and Irq indices are below 0x80 where they queue as senders (bit 7 marks an Irq).",
        "IPC paths out of scope: a gate bind with blocked senders to re-run, a bind or ex_regs that would free a deleted thread or Irq, ex_regs cancelling the head of a gate's wait queue; hardware line events are not encoded.",
    ]
    public static let notEncoded = [
        "CAP-4 (take-grant islands) needs a closure ghost not encoded yet: explorer only.",
        "IPC-3's list shape (no cycle, no dangling link; the encoded queues are membership functions) and IRQ-1's \"a line drives at most one Irq\" (lines are not encoded): explorer only.",
    ]

    /// Proves the families of `options` in order, in one Z3 context. A
    /// family for which `starting` answers false is skipped (verify's time
    /// budget); the families share the encoding and the vacuity witnesses,
    /// whose set-up takes seconds.
    public static func run(_ options: ProofOptions, starting: (ProofFamily) -> Bool = { _ in true },
                           progress: (ProofObligation) -> Void = { _ in }) throws(SMTError) -> ProofReport {
        let (setting, vacuity) = try prepare(options)
        var obligations: [ProofObligation] = []
        for family in options.families where starting(family) {
            obligations += try prove(family, setting, vacuity, options, progress)
        }
        return report(obligations)
    }

    /// The report around a run's obligations: what every run states besides them.
    static func report(_ obligations: [ProofObligation]) -> ProofReport {
        ProofReport(obligations: obligations, z3Version: SMTContext.version,
                    strengthening: (SymbolicInvariants.strengthening
                                    + (obligations.contains { countingIDs.contains($0.property) } ? SymbolicInvariants.counting.filter(\.strengthening) : []))
                        .map { ($0.id, $0.title) }
                        + preconditionLemmas.filter { (id, _) in obligations.contains { $0.property == id } },
                    assumptions: assumptions, notEncoded: notEncoded)
    }

    /// A fresh Z3 context with the kernel encoding and the vacuity witnesses.
    static func prepare(_ options: ProofOptions) throws(SMTError) -> (ProofSetting, Vacuity) {
        let setting = try ProofSetting(kernel: SymbolicKernel(Vocabulary(SMTContext()), weakening: options.weakening))
        return (setting, try Vacuity(setting))
    }

    static func wanted(_ id: String, _ options: ProofOptions) -> Bool { options.properties.isEmpty || options.properties.contains(id) }

    static var countingIDs: Set<String> { Set(SymbolicInvariants.counting.map(\.id)) }

    /// The obligations that prove a call's ∀-precondition (`ProofFamily.preconditionGoals`):
    /// a property of the pre-state, `Inv ∧ ¬pre` unsatisfiable, which the call's
    /// other obligations assume. It needs the counting layer: a free entry's
    /// account is drained (CAP-6), and a drained account has nothing charged
    /// to it (MEM-2 and its ledger; AUX-KIND and AUX-RESERVE: every charge
    /// is at least 1).
    public static let newAccountID = "AUX-NEW-ACCOUNT"
    public static let preconditionLemmas = [(id: newAccountID, title: "a factory is created at an entry no object is charged to (create's precondition, proved from the invariants)")]

    static func prove(_ family: ProofFamily, _ setting: ProofSetting, _ vacuity: Vacuity, _ options: ProofOptions,
                      _ progress: (ProofObligation) -> Void) throws(SMTError) -> [ProofObligation] {
        let kernel = setting.kernel, v = setting.v, ctx = v.context
        let pre = try SymbolicState(named: "pre", v)
        let caller = try ctx.constant("caller", v.bv8)
        let (call, precondition) = try family.call(kernel, pre: pre)
        let step = try kernel.step(pre, caller: caller, call)
        let witness = try vacuity.witness(pre: pre, inScope: step.inScope, precondition: precondition,
                                          timeoutMilliseconds: min(options.timeoutMilliseconds, 10_000))
        let view = TransitionView(pre: pre, step: step, call: call, caller: caller)
        func sharing(_ invariants: [SymbolicInvariant]) -> Family {
            Family(family: family, view: view, base: [step.inScope, precondition], witness: witness, vacuity: vacuity, invariants: invariants,
                   hypotheses: invariants.map { $0.hypothesis(setting, pre) },
                   preconditions: family.universalPreconditions(kernel, pre: pre, call))
        }
        // The counting layer's obligations assume it; the others do not need it.
        let core = sharing(SymbolicInvariants.all), counting = sharing(SymbolicInvariants.all + SymbolicInvariants.counting)
        var out: [ProofObligation] = []
        for (invariants, shared) in [(SymbolicInvariants.all, core), (SymbolicInvariants.counting, counting)] {
            for inv in invariants where wanted(inv.id, options) {
                let witnesses = try inv.bound.map { (b) throws(SMTError) in try ctx.freshConstant("w", b.sort(v)) }
                let goal = Goal(id: inv.id, witnesses: zip(inv.bound, witnesses).map { ($0, $1) },
                                ground: try inv.violated(setting, step.state, witnesses: witnesses), universal: [])
                out.append(try discharge(goal, shared, setting, options))
                progress(out[out.count - 1])
            }
        }
        // The call's ∀-preconditions, proved from every invariant of the
        // pre-state without assuming them (nor the step's scope).
        var lemma = counting
        lemma.base = [precondition]
        lemma.preconditions = []
        for goal in try family.preconditionGoals(kernel, pre: pre, call) where wanted(goal.id, options) {
            out.append(try discharge(goal, lemma, setting, options))
            progress(out[out.count - 1])
        }
        for prop in SymbolicTransitions.all where wanted(prop.id, options) {
            let witnesses = try prop.bound.map { (b) throws(SMTError) in try ctx.freshConstant("w", b.sort(v)) }
            var universal: [Hypothesis] = []
            if let alt = prop.unless {
                universal.append(Hypothesis(name: "\(prop.id) alternative", sorts: alt.bound.map { $0.sort(v) }) { (y) throws(SMTError) in
                    try alt.body(setting, view, witnesses, y).not()
                })
            }
            let goal = Goal(id: prop.id, witnesses: zip(prop.bound, witnesses).map { ($0, $1) },
                            ground: try prop.body(setting, view, witnesses).not(), universal: universal)
            out.append(try discharge(goal, core, setting, options))
            progress(out[out.count - 1])
        }
        return out
    }

    /// What every obligation of one family shares.
    struct Family {
        var family: ProofFamily
        var view: TransitionView
        /// Quantifier-free hypotheses: the step is in scope, the event's preconditions.
        var base: [Expr]
        var witness: Vacuity.Search
        /// The witness states, for refuting what stays undecided.
        var vacuity: Vacuity
        /// The invariants assumed and seeded.
        var invariants: [SymbolicInvariant]
        /// The ∀-invariants of the pre-state.
        var hypotheses: [Hypothesis]
        /// The event's ∀-preconditions.
        var preconditions: [Hypothesis]
    }

    /// The negated property: a ground part over its witnesses and, for a
    /// property with an existential alternative, a ∀ part.
    struct Goal {
        var id: String
        var witnesses: [(BoundSort, Expr)]
        var ground: Expr
        var universal: [Hypothesis]
    }

    /// Decides one obligation quantifier-free (`LazyInstantiation`): the
    /// invariants are first instantiated at the goal's ground terms, then
    /// wherever a model shows an instance missing. A confirmed model is a
    /// counterexample whose pre-state satisfies every invariant.
    static func discharge(_ goal: Goal, _ f: Family, _ setting: ProofSetting, _ options: ProofOptions) throws(SMTError) -> ProofObligation {
        let start = Date()
        let name = f.family.name
        switch f.witness {
        case .none: return ProofObligation(property: goal.id, family: name, verdict: .vacuous, seconds: 0)
        case .undecided:
            return ProofObligation(property: goal.id, family: name,
                                   verdict: .unknown(Vacuity.Search.undecidedReason), seconds: 0)
        case .found: break
        }
        let kernel = setting.kernel
        let ground = try GroundTerms(f.view, witnesses: goal.witnesses, kernel)
        // The goal's ∀ part and the ∀-preconditions are seeded too: enough,
        // often, to prove the obligation without a second round.
        let seeds = try ground.instances(f.invariants, setting, f.view.pre) + ground.objectInstances(goal.universal + f.preconditions)
        let engine = LazyInstantiation(setting.v.context)
        engine.repairs = try SymbolicState.repairGroups([f.view.pre], setting.v)
        let outcome = try engine.decide(f.base + seeds + [goal.ground], hypotheses: f.hypotheses + f.preconditions + goal.universal,
                                        timeoutMilliseconds: options.timeoutMilliseconds)
        let verdict: ProofVerdict
        switch outcome {
        case .unsat: verdict = .proved
        case .sat(let model, _):
            let lines = try CounterexampleText.describe(model, f.view, witnesses: goal.witnesses, kernel)
            verdict = .refuted(Counterexample(lines: lines, reachability: CounterexampleText.reachability))
        case .unknown(let why):
            // Undecided over arbitrary states: a concrete witness may still refute it.
            if let (scenario, model) = try f.vacuity.refutation(f.base + [goal.ground], hypotheses: f.preconditions + goal.universal,
                                                                 pre: f.view.pre, timeoutMilliseconds: min(options.timeoutMilliseconds, 10_000)) {
                let lines = try CounterexampleText.describe(model, f.view, witnesses: goal.witnesses, kernel)
                verdict = .refuted(Counterexample(lines: lines, reachability: Vacuity.reachability(scenario)))
            } else {
                verdict = .unknown(why)
            }
        }
        if ProcessInfo.processInfo.environment["L4SPEC_DEBUG_PROVE"] != nil {
            FileHandle.standardError.write(Data("debug: \(goal.id) \(name): \(outcome.summary) after \(String(format: "%.2f", Date().timeIntervalSince(start))) s, \(seeds.count) seed instances\n".utf8))
        }
        return ProofObligation(property: goal.id, family: name, verdict: verdict, seconds: Date().timeIntervalSince(start))
    }
}

/// The property IDs `prove` knows (catalogue forms and strengthening invariants).
public enum ProofCatalogue {
    public static var ids: [String] {
        (SymbolicInvariants.all + SymbolicInvariants.counting).map(\.id) + Prover.preconditionLemmas.map(\.id) + SymbolicTransitions.all.map(\.id)
    }
}

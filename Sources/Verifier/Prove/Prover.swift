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
    public var timeoutMilliseconds: UInt32 = 30_000
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
        "Scope: paths that destroy a task, a thread or an Irq, release a gate with blocked senders or a bound deleted thread, drop a weak capability's last slot, cascade a quota refund through a deleted factory, or turn an invocation into IPC are excluded by `inScope`; the explorer checks them on the built-in scenarios.",
        "The acting thread is the current thread of its CPU, not dying, without a page fault to retry; its own thread record (message registers, result) is not part of the encoded state.",
    ]
    public static let notEncoded = [
        "CAP-4 (take-grant islands), MEM-2 (exact accounting) and CAP-5's exact count need cardinality or closure ghosts not encoded yet: explorer only.",
        "IPC-1, IPC-2, IPC-3, IPC-4 and IRQ-1: IPC, reply capabilities and Irq queues are not in the symbolic state yet: explorer only.",
    ]

    public static func run(_ options: ProofOptions, progress: (ProofObligation) -> Void = { _ in }) throws(SMTError) -> ProofReport {
        let ctx = try SMTContext()
        let v = try Vocabulary(ctx)
        let kernel = SymbolicKernel(v, weakening: options.weakening)
        let setting = try ProofSetting(kernel: kernel)
        let vacuity = try Vacuity(setting)
        var obligations: [ProofObligation] = []
        for family in options.families {
            obligations += try prove(family, setting, vacuity, options, progress)
        }
        let aux = SymbolicInvariants.strengthening.map { ($0.id, $0.title) }
        return ProofReport(obligations: obligations, z3Version: SMTContext.version, strengthening: aux,
                           assumptions: assumptions, notEncoded: notEncoded)
    }

    static func wanted(_ id: String, _ options: ProofOptions) -> Bool { options.properties.isEmpty || options.properties.contains(id) }

    static func prove(_ family: ProofFamily, _ setting: ProofSetting, _ vacuity: Vacuity, _ options: ProofOptions,
                      _ progress: (ProofObligation) -> Void) throws(SMTError) -> [ProofObligation] {
        let kernel = setting.kernel, v = setting.v, ctx = v.context
        let pre = try SymbolicState(named: "pre", v)
        let caller = try ctx.constant("caller", v.bv8)
        let (call, precondition) = try family.call(kernel, pre: pre)
        let step = try kernel.step(pre, caller: caller, call)
        let solver = try Solver(ctx, logic: nil)
        for inv in SymbolicInvariants.all { try solver.assert(inv.holds(setting, pre)) }
        try solver.assert(step.inScope)
        try solver.assert(precondition)
        let witness = try vacuity.witness(pre: pre, inScope: step.inScope, precondition: precondition,
                                          timeoutMilliseconds: min(options.timeoutMilliseconds, 10_000))
        let vacuous = witness == nil
        let view = TransitionView(pre: pre, step: step, call: call, caller: caller)
        let quick = try Solver(ctx, logic: nil)
        try quick.assert(step.inScope)
        try quick.assert(precondition)
        var out: [ProofObligation] = []
        for inv in SymbolicInvariants.all where wanted(inv.id, options) {
            let witnesses = try inv.bound.map { (b) throws(SMTError) in try ctx.freshConstant("w", sort(b, v)) }
            let goal = try inv.violated(setting, step.state, witnesses: witnesses)
            let ground = try GroundTerms(view, witnesses: zip(inv.bound, witnesses).map { ($0, $1) }, kernel)
            out.append(try discharge(inv.id, family, goal, vacuous, Phases(ground: ground, quickly: quick, fully: solver), setting, pre, options) { (m) throws(SMTError) in
                try CounterexampleText.describe(m, view, witnesses: zip(inv.bound, witnesses).map { ($0, $1) }, kernel)
            })
            progress(out[out.count - 1])
        }
        for prop in SymbolicTransitions.all where wanted(prop.id, options) {
            let witnesses = try prop.bound.map { (b) throws(SMTError) in try ctx.freshConstant("w", sort(b, v)) }
            let goal = try prop.body(setting, view, witnesses).not()
            let ground = try GroundTerms(view, witnesses: zip(prop.bound, witnesses).map { ($0, $1) }, kernel)
            out.append(try discharge(prop.id, family, goal, vacuous, Phases(ground: ground, quickly: quick, fully: solver), setting, pre, options) { (m) throws(SMTError) in
                try CounterexampleText.describe(m, view, witnesses: zip(prop.bound, witnesses).map { ($0, $1) }, kernel)
            })
            progress(out[out.count - 1])
        }
        return out
    }

    static func sort(_ b: BoundSort, _ v: Vocabulary) -> Sort {
        switch b {
        case .slot, .node, .object: v.bv16
        case .factory, .domain: v.bv8
        }
    }

    /// The two solvers of a family: instances only (fast), then the ∀-hypotheses.
    struct Phases {
        var ground: GroundTerms
        var quickly: Solver
        var fully: Solver
    }

    static func discharge(_ id: String, _ family: ProofFamily, _ goal: Expr, _ vacuous: Bool, _ phases: Phases,
                          _ setting: ProofSetting, _ pre: SymbolicState, _ options: ProofOptions,
                          describe: (Model) throws(SMTError) -> [String]) throws(SMTError) -> ProofObligation {
        let start = Date()
        if vacuous { return ProofObligation(property: id, family: family.name, verdict: .vacuous, seconds: 0) }
        let quick = phases.quickly
        try quick.push()
        for i in try phases.ground.instances(SymbolicInvariants.all, setting, pre) { try quick.assert(i) }
        try quick.assert(goal)
        let first = try quick.check(timeoutMilliseconds: min(options.timeoutMilliseconds, 20_000))
        try quick.pop()
        if ProcessInfo.processInfo.environment["L4SPEC_DEBUG_PROVE"] != nil {
            FileHandle.standardError.write(Data("debug: \(id) \(family.name) instances phase: \(first) after \(Date().timeIntervalSince(start)) s, \(phases.ground.slots.count) slots \(phases.ground.nodes.count) nodes \(phases.ground.objects.count) objects \(phases.ground.domains.count) domains\n".utf8))
        }
        if first.isUnsat { return ProofObligation(property: id, family: family.name, verdict: .proved, seconds: Date().timeIntervalSince(start)) }
        let solver = phases.fully
        try solver.push()
        try solver.assert(goal)
        let result = try solver.check(timeoutMilliseconds: options.timeoutMilliseconds)
        let verdict: ProofVerdict
        switch result {
        case .unsat: verdict = .proved
        case .sat(let model):
            verdict = .refuted(Counterexample(lines: try describe(model), reachability: CounterexampleText.reachability))
        case .unknown(let reason): verdict = .unknown(reason)
        }
        try solver.pop()
        return ProofObligation(property: id, family: family.name, verdict: verdict, seconds: Date().timeIntervalSince(start))
    }
}

/// The property IDs `prove` knows (catalogue forms and strengthening invariants).
public enum ProofCatalogue {
    public static var ids: [String] {
        SymbolicInvariants.all.map(\.id) + SymbolicTransitions.all.map(\.id)
    }
}

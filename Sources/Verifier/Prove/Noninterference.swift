import Foundation
import Properties
import Scenarios
import SMT
import Spec
import Symbolic

/// The unwinding conditions of noninterference (issue 5 point 4: INFO-3,
/// INFO-4, INFO-5), checked Serval style over two copies of the encoded
/// state for one scenario's policy (properties §2.3, §2.5 (b), §3.2).
public enum NICondition: String, CaseIterable, Sendable {
    case outputConsistency, weakStepConsistency, localRespect, domConsistency, schedulerView

    public var name: String {
        switch self {
        case .outputConsistency: "INFO-4 output consistency"
        case .weakStepConsistency: "INFO-3 weak step consistency"
        case .localRespect: "local respect"
        case .domConsistency: "INFO-5 dom consistency"
        case .schedulerView: "INFO-5 scheduler view"
        }
    }

    public var statement: String {
        switch self {
        case .outputConsistency: "s ~dom(a) t ⇒ result(s, a) = result(t, a)"
        case .weakStepConsistency: "s ~u t ∧ s ~dom(a) t ⇒ step(s, a) ~u step(t, a), for every u"
        case .localRespect: "¬flow(dom(a), u) ⇒ s ~u step(s, a)"
        case .domConsistency: "s ~dom(a, s) t ∧ s ~sched t ⇒ dom(a, s) = dom(a, t)"
        case .schedulerView: "an encoded step changes no thread's task or life (a created thread is unbound): step(s, a) ~sched s"
        }
    }

    /// Conditions over two copies (the others are over one).
    var twoCopies: Bool { [.outputConsistency, .weakStepConsistency, .domConsistency].contains(self) }
}

public struct NIOptions: Sendable {
    public var timeoutMilliseconds: UInt32 = 60_000
    public var families: [ProofFamily] = ProofFamily.core
    public var conditions: [NICondition] = NICondition.allCases
    public var observation: NIObservation = .inbound
    /// Test-only: weakened transition encodings.
    public var weakening: Weakening = []
    /// Test-only: a weakened relation.
    public var defect: NIRelationDefect?
    /// For a refuted condition, look for a concrete pair anchored at the
    /// scenario's boot state (secret: the domains with a forbidden outgoing flow).
    public var anchored = true
    /// Only these secret domains for the anchored search (empty: every candidate).
    public var secrets: [String] = []
    public init() {}
}

/// A concrete counterexample: the boot state s, a state t that differs from
/// it only in the secret domain's items, the action, and what differs after it.
public struct NIPair: Sendable, Equatable {
    public var secret: String
    /// Every item in which t differs from s (the boot state).
    public var differences: [NIDifference]
    /// The whole counterexample as text (the action, the results, the items that differ after the step).
    public var lines: [String]
}

public struct NIDifference: Sendable, Equatable {
    /// E.g. "slot[c][2]", "page[b][0]", "gate token".
    public var item: String
    /// The domain that owns the item in t (and in s, if it is allocated there).
    public var owner: String
    public var inS: String
    public var inT: String
}

public struct NIObligation: Sendable {
    public var condition: NICondition
    public var family: String
    public var verdict: ProofVerdict
    public var seconds: Double
    /// For a refutation: a concrete pair anchored at the boot state, when one was found.
    public var pair: NIPair?
    /// Why no anchored pair is given (when none is).
    public var anchorNote: String?
}

public struct NIReport: Sendable {
    public var scenario: String
    public var policy: NIPolicy
    public var observation: NIObservation
    public var obligations: [NIObligation]
    public var assumptions: [String]
    public var z3Version: String
    public var refuted: Bool { obligations.contains { $0.verdict.word == "refuted" } }
    public var allProved: Bool { obligations.allSatisfy { $0.verdict == .proved } }
}

public enum Noninterference {
    /// The assumptions every verdict rests on (printed with the table).
    public static func assumptions(_ policy: NIPolicy, _ observation: NIObservation) -> [String] {
        let flows = policy.flows.sorted { ($0.from, $0.to) < ($1.from, $1.to) }
            .map { "\(policy.domainNames[$0.from]) → \(policy.domainNames[$0.to])" }
        return [
            "Policy of '\(policy.scenario)': domains \(policy.domainNames.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", ")); flows \(flows.isEmpty ? "none" : flows.joined(separator: ", ")); every domain flows to itself; other 8-bit domain values are domains with no flow but to themselves. The owners of the boot tasks are pinned to their domains; every other object's owner is free (an object created at run time gets its creator's domain, as the encoding does).",
            "Observation: \(observation.text). Items of domain d: the header (life, counted-reference counter, account, owner label; a factory's quota record, a gate's binding and queue head, a thread's task) of every allocated object labelled d, and the slots, pages and ghost ancestors of the pages of every allocated task labelled d. An empty slot compares as empty and an unmapped page as unmapped, whatever their other fields hold.",
            "Scheduler (INFO-5): the action — the acting thread and every argument of the call — is chosen by a scheduler domain outside every domain's view that nothing flows into, and is the same in both copies; both copies agree on the scheduler's view (every thread's task and life); the acting thread is live and its task is live. dom(a) is the owner of the acting thread's task. 'INFO-5 scheduler view' checks that no encoded call changes that view; Fiasco's priority scheduler itself (which thread runs next) is not modelled: this is nonleakage for storage channels (properties §2.3 option (a)), timing is out of scope.",
            "Allocation: the table entry a create takes and whether the table is full are arguments of the call, hence equal in both copies (an allocator that does not reveal other domains' allocations); Spec's first-free choice is a storage channel through object identifiers that this does not cover.",
            "Invariants: both copies satisfy every symbolic invariant (\(SymbolicInvariants.all.map(\.id).joined(separator: ", "))) under this policy (each proved inductive by `l4spec prove`); both steps are in the encoding's scope (inScope on both copies) and meet the family's precondition.",
            "Encoding: 2^8 entries per table, order-0 flexpages, and the paths `inScope` excludes (destroying a task, thread or Irq, weak last-slot release, quota-refund cascades) are outside these proofs, as for `l4spec prove`. The conditions are checked for the capability, memory and quota families (\(ProofFamily.core.map(\.name).joined(separator: ", "))); the IPC and Irq families (proved for IPC-1…IRQ-1 by `l4spec prove`) are not part of these queries, whose observation has no thread IPC state: IPC between domains is the explorer's INFO-3.",
            "Anchored pairs: s is the scenario's boot state with the owner labels above (objects no domain holds are labelled by a domain every user may flow to, else by a pseudo-domain 'kernel' that every domain may flow to); t is s changed in at most 2 slots, 1 page and 2 object headers, all owned by one domain (the secret; each domain is tried, those with a forbidden outgoing flow first), and t satisfies every invariant (checked on all of Spec's table entries). A pair is a genuine counterexample to the condition in the encoding; whether t is reachable is not decided.",
        ]
    }

    public static func run(_ scenario: Scenario, _ options: NIOptions, progress: (NIObligation) -> Void = { _ in }) throws(SMTError) -> NIReport {
        let ctx = try SMTContext()
        let v = try Vocabulary(ctx)
        let kernel = SymbolicKernel(v, weakening: options.weakening)
        let policy = NIPolicy(scenario)
        let setting = ProofSetting(kernel: kernel, flow: try policy.flowArray(v), frameBound: try ctx.constant("frameBound", v.bv8))
        let relation = NIRelation(setting: setting, defect: options.defect)
        let anchor = try NIAnchor(scenario, policy, kernel, defect: options.defect)
        var obligations: [NIObligation] = []
        for family in options.families {
            obligations += try check(family, relation, policy, anchor, options, progress)
        }
        return NIReport(scenario: scenario.name, policy: policy, observation: options.observation, obligations: obligations,
                        assumptions: assumptions(policy, options.observation), z3Version: SMTContext.version)
    }

    /// The visibility predicate of `~u` for the chosen observation.
    static func visible(_ u: Expr, _ setting: ProofSetting, _ observation: NIObservation) -> NIRelation.Visible {
        switch observation {
        case .owned: { (d) throws(SMTError) in try d.eq(u) }
        case .inbound: { (d) throws(SMTError) in try setting.flows(d, u) }
        }
    }

    /// Hypotheses of one copy without the ∀-invariants: scope, precondition,
    /// a runnable caller, the pinned labels.
    static func groundHypotheses(_ s: SymbolicState, _ step: SymbolicStep, _ precondition: Expr, caller: Expr,
                                 _ r: NIRelation, _ policy: NIPolicy) throws(SMTError) -> [Expr] {
        let v = r.v, k = r.k
        var out = [step.inScope, precondition, try r.runnable(s, caller: caller)]
        for (t, d) in policy.bootTaskDomains {
            out.append(try s.owner.select(k.ref(Kind.task, v.b8(UInt8(t)))).eq(v.b8(UInt8(d))))
        }
        return out
    }

    /// The ∀-hypotheses of one copy: the invariants.
    static func copyHypotheses(_ s: SymbolicState, _ r: NIRelation, _ tag: String) -> [Hypothesis] {
        SymbolicInvariants.all.map { $0.hypothesis(r.setting, s, copy: tag) }
    }

    /// One family's queries. Each condition is split into parts (for the
    /// relations: one per item sort); each part is decided quantifier-free
    /// by `LazyInstantiation`, seeded with the hypotheses' instances at the
    /// part's ground terms.
    static func check(_ family: ProofFamily, _ r: NIRelation, _ policy: NIPolicy, _ anchor: NIAnchor,
                      _ options: NIOptions, _ progress: (NIObligation) -> Void) throws(SMTError) -> [NIObligation] {
        let v = r.v, ctx = v.context, k = r.k
        let (view, preS, preT, visU, visD) = try NIView.make(try SymbolicState(named: "s", v), try SymbolicState(named: "t", v),
                                                             family, r, options.observation)
        let s = view.s, t = view.t, stepS = view.stepS, stepT = view.stepT, call = view.call, caller = view.caller
        let u = view.u, d = view.d
        let w = try NIWitnesses(v, "w")
        let x = try ctx.freshConstant("w.thread", v.bv8)
        let witness = try anchor.vacuityWitness(family, options.timeoutMilliseconds)
        let wanted = Set(options.conditions)
        let context = NIContext(family: family, r: r, policy: policy, anchor: anchor, options: options, view: view, w: w,
                                thread: x, witness: witness)
        var out: [NIObligation] = []

        /// The parts of `a ~u b` (with `a` the pre-state for the ownership
        /// test). Object headers are split by the witness's kind: each part
        /// is then far smaller for Z3 (the kind decides which fields and
        /// which deletion path matter), and the run time's heavy tail shrinks.
        func relationParts(_ a: SymbolicState, _ b: SymbolicState, extra: [Expr]) throws(SMTError) -> [NIPart] {
            let kind = try k.kindOf(w.object)
            var byKind: [NIPart] = []
            for code in [Kind.task, Kind.thread, Kind.gate, Kind.irq, Kind.factory] {
                byKind.append(NIPart(item: .object, witnesses: [(.object, w.object)],
                                     goal: extra + [try kind.eq(v.b8(code)), try r.objectPart(a, b, visU, w.object).not()]))
            }
            let others = try v.isOneOf(kind, [Kind.task, Kind.thread, Kind.gate, Kind.irq, Kind.factory]).not()
            return byKind + [
                NIPart(item: .object, witnesses: [(.object, w.object)], goal: extra + [others, try r.objectPart(a, b, visU, w.object).not()]),
                NIPart(item: .slot, witnesses: [(.slot, w.slot)], goal: extra + [try r.slotPart(a, b, visU, w.slot).not()]),
                NIPart(item: .page, witnesses: [(.node, w.node)], goal: extra + [try r.pagePart(a, b, visU, w.node).not()]),
                NIPart(item: .ancestor, witnesses: [(.node, w.ancestor), (.node, w.ancestorOf)],
                       goal: extra + [try r.ancestorPart(a, b, visU, w.ancestor, w.ancestorOf).not()]),
            ]
        }

        let one = NICondition.allCases.filter { wanted.contains($0) && !$0.twoCopies }
        if !one.isEmpty {
            let preconditions = family.universalPreconditions(k, pre: s, call)
            let copy = NICopies(base: try groundHypotheses(s, stepS, preS, caller: caller, r, policy),
                                hypotheses: copyHypotheses(s, r, "") + preconditions) {
                (ground) throws(SMTError) in try ground.invariantInstances(r, s) + ground.objectInstances(preconditions)
            }
            for c in one {
                let parts: [NIPart]
                switch c {
                case .localRespect: parts = try relationParts(s, stepS.state, extra: [try r.setting.flows(d, u).not()])
                default:
                    parts = [NIPart(item: .thread, witnesses: [(.object, try k.ref(Kind.thread, x))], goal: [try r.schedulerStepBody(s, stepS.state, x).not()])]
                }
                out.append(try discharge(c, parts, copy, context))
                progress(out[out.count - 1])
            }
        }
        let two = NICondition.allCases.filter { wanted.contains($0) && $0.twoCopies }
        if !two.isEmpty {
            let scheduler = try r.schedulerView(s, t)
            let base = try groundHypotheses(s, stepS, preS, caller: caller, r, policy) + groundHypotheses(t, stepT, preT, caller: caller, r, policy)
                + [scheduler.ground, try r.configuration(s, t)]
            let preconditions = family.universalPreconditions(k, pre: s, call) + family.universalPreconditions(k, pre: t, call)
            let hypotheses = copyHypotheses(s, r, " (s)") + copyHypotheses(t, r, " (t)") + [scheduler.hypothesis]
                + r.hypotheses(s, t, visD, "s ~dom(a) t") + preconditions
            for c in two {
                var parts: [NIPart]
                var copy = NICopies(base: base, hypotheses: hypotheses) { (ground) throws(SMTError) in
                    try ground.invariantInstances(r, s) + ground.invariantInstances(r, t) + ground.schedulerInstances(r, s, t)
                        + ground.relationInstances(r, s, t, visD) + ground.objectInstances(preconditions)
                }
                switch c {
                case .outputConsistency: parts = [NIPart(item: nil, witnesses: [], goal: [try r.sameOutcome(stepS.outcome, stepT.outcome).not()])]
                case .domConsistency: parts = [NIPart(item: nil, witnesses: [], goal: [try r.domain(t, caller: caller).ne(d)])]
                default:
                    parts = try relationParts(stepS.state, stepT.state, extra: [])
                    let seeds = copy.seeds
                    copy = NICopies(base: base, hypotheses: hypotheses + r.hypotheses(s, t, visU, "s ~u t")) { (ground) throws(SMTError) in
                        try seeds(ground) + ground.relationInstances(r, s, t, visU)
                    }
                }
                out.append(try discharge(c, parts, copy, context))
                progress(out[out.count - 1])
            }
        }
        return out
    }
}

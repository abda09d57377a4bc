import Properties
import Scenarios
import Spec
import Verification
import Verifier

/// The assumptions each verdict rests on (issue 7 point 3): per scenario the
/// exploration bounds and limits; for the proofs the encoding, the
/// strengthening invariants and the Z3 version; for noninterference the
/// policy and the scheduler assumption as `Noninterference` states them; the
/// refinement and conformance settings. Matrix rows refer to them by ID.
enum AssumptionBuilder {
    static func boundsID(_ scenario: String) -> String { "explore:" + scenario }
    static let proveID = "prove"
    static func noninterferenceID(_ scenario: String) -> String { "ni:" + scenario }
    static let refineID = "refine"
    static let conformanceID = "conformance"
    static let policyID = "policy"

    static func sets(_ r: EvidenceResults) -> [EvidenceDocument.AssumptionSet] {
        let v = r.options.verify
        var out = r.checks.map { exploration($0, v.check) }
        if let proof = r.proof { out.append(prove(proof, v)) }
        for ni in r.noninterference {
            out.append(.init(id: noninterferenceID(ni.scenario), title: "Noninterference proof for the policy of \(ni.scenario)",
                             items: ni.assumptions + ["Z3 \(ni.z3Version); time limit \(r.options.noninterferenceTimeoutMilliseconds) ms per condition and system call (not decided in time: unknown)."]))
        }
        if v.refine {
            out.append(.init(id: refineID, title: "Refinement replay", items: [
                "Inputs: the conformance traces; every edge of each scenario's explored state space, breadth first from the boot state, to \(v.refineEdgeDepth.map { "depth \($0)" } ?? "the scenario's depth bound"), at most \(v.refineEdgeStates) states per scenario (every edge to the last complete depth, the next depth in part); \(v.refineWalks) seeded random walks of \(v.refineWalkLength) events (seed \(v.refineSeed)).",
                "KernelImpl is booted from the same scenario through its own boot interface; objects are paired by a correspondence extended at each create.",
                "Compared after every step: the acting thread's result, every woken thread's result, the words and label of every delivered message, and the abstracted implementation state against the spec state (tasks, slots with rights, pages with mapping-tree parents, threads, gates, Irqs, factories, ready lists).",
                "A divergence is shrunk (delta debugging) to a 1-minimal trace that diverges on the same field.",
            ]))
        }
        if !r.conformance.isEmpty {
            let refs = Set(r.conformance.compactMap(\.reference)).count
            out.append(.init(id: conformanceID, title: "Conformance suite", items: [
                "\(r.conformance.count) hand-written traces (hashed under Inputs), citing \(refs) distinct reference sections; expected results were written from the reference, not from the specification.",
                "Every step's result must equal the expected one and every state must be well formed (`KernelState.wellFormed`).",
            ]))
        }
        let report = r.verify.report
        out.append(.init(id: policyID, title: "Verdict policy and settings of the run (as `l4spec verify`)",
                         items: report.policy + report.settings.map { "Setting `\($0.name)`: \($0.value)" }))
        return out
    }

    static func exploration(_ c: CheckReport, _ options: CheckOptions) -> EvidenceDocument.AssumptionSet {
        let s = c.scenario, b = s.bounds
        let depth = options.maxDepth ?? b.depth
        var items = [
            "Bounds of \(s.name): capability slots 0..<\(b.slots) and pages 0..<\(b.pages) per task, \(b.cpus) CPU(s), traces of at most \(depth) events; an adversarial thread sends \(b.words) message word(s) with values \(list(b.wordValues)) and labels \(list(b.labels)).",
            "Boot state and thread behaviours as declared in the scenario file (copied under scenarios/); threads with behaviour `any` may issue every system call over that argument domain.",
            "Limits: at most \(options.maxStates) states and \(Int(options.timeout)) s of exploration; a limit that stops the search makes a verdict inconclusive, never holds. Liveness (fair lassos, weak fairness of timer ticks and of each CPU's running thread) is checked on a graph of at most \(min(options.maxStates, options.livenessMaxStates)) states.",
            policy(s),
        ]
        items.append(c.boundedByDepth ? "The depth bound was reached: every verdict holds for all traces up to \(depth) events, not beyond."
                                      : "The whole reachable state space within the bounds was explored (\(c.statistics.states) states).")
        if let sym = c.symmetry { items.append("Symmetry reduction: " + CheckRendering.symmetryText(sym, s) + "; liveness is checked without it.") }
        return .init(id: boundsID(s.name), title: "Exploration of \(s.name)", items: items)
    }

    static func policy(_ s: Scenario) -> String {
        let domains = s.policy.domains.map { d in "\(d.name) = {\(d.tasks.map { s.names.name(.task($0)) }.joined(separator: ", "))}" }
        let flows = s.policy.flows.map { "\($0.from) → \($0.to)" }
        if domains.isEmpty { return "Isolation policy: none declared (policy properties have nothing to separate)." }
        return "Isolation policy: domains \(domains.joined(separator: "; ")); allowed flows \(flows.isEmpty ? "none" : flows.joined(separator: ", ")) (every domain flows to itself)."
    }

    static func prove(_ p: ProofReport, _ v: VerifyOptions) -> EvidenceDocument.AssumptionSet {
        var items = p.assumptions
        items.append("Strengthening invariants, assumed in every obligation and proved like the catalogue's: "
            + p.strengthening.map { "\($0.id) (\($0.title))" }.joined(separator: "; ") + ".")
        items.append("Z3 \(p.z3Version); time limit \(v.proveTimeoutMilliseconds) ms per obligation, families started within a budget of \(v.proveBudgetText) s (later ones: unknown, not attempted); an unknown obligation is never counted as proved.")
        items.append("System calls with a symbolic transition: " + ProofFamily.allCases.map(\.name).joined(separator: ", ") + ".")
        return .init(id: proveID, title: "Inductive proofs", items: items)
    }

    static func list(_ values: [UInt16]) -> String { "{" + values.map(String.init).joined(separator: ", ") + "}" }
}

import Foundation
import Properties
import Scenarios
import SMT
import Spec
import Symbolic

/// Bounded model checking (issue 5 point 5): from a scenario's boot state,
/// K symbolic steps, each an encoded system call by the running thread of
/// some CPU with every argument symbolic, and the properties' symbolic forms
/// checked after each step. It complements the explorer where argument
/// domains are too large to enumerate: one query per depth covers every
/// slot, page, rights mask and flag at once.
///
/// The boot state is concrete (constant arrays with stores), so every query
/// is quantifier-free and `ArrayReadReducer` turns the λ-built successors
/// into reads of the boot tables: no invariants are assumed, and a model is a
/// real execution of the encoding. It is replayed on `Spec` to confirm it.
public struct BMCOptions: Sendable {
    /// Steps (K).
    public var depth = 2
    /// Z3 time limit per depth.
    public var timeoutMilliseconds: UInt32 = 60_000
    /// Only these property IDs (empty: every catalogue property with a symbolic form).
    public var properties: Set<String> = []
    /// The encoded calls a step may take.
    public var families: [ProofFamily] = ProofFamily.core
    /// Test-only: weakened transition encodings.
    public var weakening: Weakening = []
    public init() {}
}

/// The verdict at one depth: no property is violated after any run of
/// `depth` steps, one is, or Z3 did not decide.
public struct BMCDepth: Sendable {
    public var depth: Int
    public var verdict: ProofVerdict
    public var seconds: Double
}

/// A run of the encoding that violates a property, as a trace of `Spec` events.
public struct BMCCounterexample: Sendable {
    /// The violated properties after the last step (the first is the trace's).
    public var properties: [String]
    /// The events as an `l4spec-trace/1` trace (property set) that `l4spec run` replays.
    public var trace: Trace
    /// The steps in the spec's vocabulary, with the symbolic results.
    public var lines: [String]
    /// The replay on `Spec`: whether the property's concrete check fails too.
    public var reproduced: Bool
    public var replay: String
}

public struct BMCReport: Sendable {
    public var scenario: Scenario
    public var depth: Int
    public var depths: [BMCDepth]
    public var counterexample: BMCCounterexample?
    public var properties: [String]
    public var assumptions: [String]
    public var z3Version: String

    public var violated: Bool { counterexample != nil }
    public var allHold: Bool { depths.count == depth && depths.allSatisfy { $0.verdict == .proved } }
}

public enum BoundedModelCheck {
    /// The catalogue properties with a symbolic form (the strengthening
    /// invariants are proof devices, not catalogue entries).
    public static var propertyIDs: [String] {
        SymbolicInvariants.all.filter { !$0.strengthening }.map(\.id) + SymbolicTransitions.all.map(\.id)
    }

    public static func assumptions(_ scenario: Scenario, _ actors: [(cpu: Int, thread: Int)]) -> [String] {
        let names = actors.map { "CPU \($0.cpu): \(scenario.names.name(.thread(ThreadID($0.thread))))" }
        return [
            "Start: the boot state of '\(scenario.name)'; owner labels as for --noninterference (a task its policy domain, other boot objects by holders; objects no domain holds: a domain every user may flow to, else a pseudo-domain 'kernel' every domain may flow to).",
            "Steps: each step is one encoded system call (\(ProofFamily.core.map(\.name).joined(separator: ", "))) by the running thread of a CPU (\(names.isEmpty ? "none" : names.joined(separator: ", "))), with any arguments; scripts are not followed (every running thread acts as an adversary), and the calls do not change which thread runs. A create takes the first free table entry, as Spec does.",
            "Scope: every step stays inside the encoding (`inScope`); paths it excludes (IPC, destroying a task, thread or Irq, ...) are the explorer's. Properties: the symbolic forms of \(propertyIDs.joined(separator: ", ")) under the scenario's policy, after every step; a violation is replayed on Spec with the catalogue's own check.",
        ]
    }

    public static func run(_ scenario: Scenario, _ options: BMCOptions, progress: (BMCDepth) -> Void = { _ in }) throws(SMTError) -> BMCReport {
        let ctx = try SMTContext()
        let v = try Vocabulary(ctx)
        let kernel = SymbolicKernel(v, weakening: options.weakening)
        let policy = NIPolicy(scenario)
        let (boot, kernelIndex) = try policy.labelledBoot(scenario.initial, v)
        let setting = ProofSetting(kernel: kernel, flow: try policy.flowArray(v, kernel: kernelIndex),
                                   frameBound: try v.b8(UInt8(Capacity.frames)))
        let k = scenario.initial
        let actors: [(cpu: Int, thread: Int)] = (0..<Int(k.config.cpuCount)).compactMap { c in
            k.current(on: CPU(c)).map { (c, $0.index) }
        }
        let ids = options.properties.isEmpty ? propertyIDs : propertyIDs.filter { options.properties.contains($0) }
        var report = BMCReport(scenario: scenario, depth: options.depth, depths: [], counterexample: nil, properties: ids,
                               assumptions: assumptions(scenario, actors), z3Version: SMTContext.version)
        var steps: [BMCStep] = []
        var path: [Expr] = []
        var state = boot
        for depth in 1...max(1, options.depth) {
            let start = Date()
            let step = try BMCStep(depth: depth, pre: state, actors: actors, options.families, kernel)
            steps.append(step)
            path += step.constraints
            let goals = try violations(step, setting, ids)
            let engine = LazyInstantiation(ctx)
            let outcome = try engine.decide(path + [try ctx.or(goals.map(\.1))], hypotheses: [],
                                            timeoutMilliseconds: options.timeoutMilliseconds)
            var verdict: ProofVerdict = .proved
            switch outcome {
            case .unsat: break
            case .unknown(let why): verdict = .unknown(why)
            case .sat(let m, _):
                var broken: [String] = []
                for (id, e) in goals where try m.bool(e) && !broken.contains(id) { broken.append(id) }
                let cex = try BMCTrace.counterexample(m, steps, broken, scenario, kernel)
                report.counterexample = cex
                verdict = .refuted(Counterexample(lines: cex.lines, reachability: cex.replay))
            }
            let d = BMCDepth(depth: depth, verdict: verdict, seconds: Date().timeIntervalSince(start))
            report.depths.append(d)
            progress(d)
            if verdict != .proved { break }
            state = step.post
        }
        return report
    }

    /// (property, "violated after this step") for every property: the state
    /// invariants on the post-state with fresh witnesses, the transition
    /// properties for each family the step may take.
    static func violations(_ step: BMCStep, _ setting: ProofSetting, _ ids: [String]) throws(SMTError) -> [(String, Expr)] {
        let v = setting.v, ctx = v.context
        var out: [(String, Expr)] = []
        for inv in SymbolicInvariants.all where ids.contains(inv.id) {
            let w = try inv.bound.map { (b) throws(SMTError) in try ctx.freshConstant("bmc\(step.depth).w", b.sort(v)) }
            out.append((inv.id, try inv.violated(setting, step.post, witnesses: w)))
        }
        for (_, view, chosen) in step.views {
            for prop in SymbolicTransitions.all where ids.contains(prop.id) {
                let w = try prop.bound.map { (b) throws(SMTError) in try ctx.freshConstant("bmc\(step.depth).w", b.sort(v)) }
                var holds = try prop.body(setting, view, w)
                if let alt = prop.unless {
                    // The alternative's ∃ ranges over objects; only Spec's table entries are ever allocated.
                    var cases: [Expr] = []
                    for (p, _) in ConcreteLayout.objects { cases.append(try alt.body(setting, view, w, [try ctx.bv(p, v.bv16)])) }
                    holds = try holds.or(ctx.or(cases))
                }
                out.append((prop.id, try chosen.and(holds.not())))
            }
        }
        return out
    }
}

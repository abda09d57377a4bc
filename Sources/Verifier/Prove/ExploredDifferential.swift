import SMT
import Scenarios
import Spec
import Symbolic

/// The differential test of issue "Z3 proofs", point 2, on explored states:
/// a breadth-first walk of a scenario's transition system (the explorer's
/// own `KernelSystem` actions, so `any` threads try their whole argument
/// domain) compares every encoded edge's symbolic step with `Spec`'s,
/// through `CompiledDifferential`: one compiled step per call family, its
/// arguments the prover's own constants (`ProofFamily.call`), evaluated in
/// Swift on every state and argument tuple that tries it.
public struct ExploredDifferential {
    public struct Result: Sendable {
        public var states = 0
        public var compared = 0
        public var outOfScope = 0
        public var disagreements: [String] = []
        /// True when the walk stopped at `maxStates` before the depth bound.
        public var truncated = false
        /// Pairs the compiled evaluator did not cover, compared by Z3 instead.
        public var simplifiedByZ3 = 0
        /// Symbolic steps built and compiled (one per distinct call).
        public var compiledSteps = 0
    }

    /// The comparison `run` uses: steps compiled per call family, with the
    /// prover's argument constants (`ProofFamily.call`).
    public static func checker(_ kernel: SymbolicKernel) throws(SMTError) -> CompiledDifferential {
        let pre = try SymbolicState(named: "pre", kernel.v)
        return CompiledDifferential(kernel) { (call) throws(SMTError) in
            try ProofFamily.allCases.first { $0.name == call.name }?.call(kernel, pre: pre).0
        }
    }

    public static func run(_ scenario: Scenario, maxDepth: Int, maxStates: Int, kernel: SymbolicKernel) throws(SMTError) -> Result {
        let system = KernelSystem(scenario: scenario)
        var result = Result()
        var level = system.initialStates()
        var seen = Set(level.map(system.fingerprint))
        var buffer: [Event] = []
        let check = try checker(kernel)
        for _ in 0...maxDepth {
            var next: [KernelSystem.State] = []
            for s in level {
                result.states += 1
                buffer.removeAll(keepingCapacity: true)
                system.actions(in: s, into: &buffer)
                for e in buffer {
                    switch try check.compare(s.kernel, e) {
                    case .agrees: result.compared += 1
                    case .outOfScope: result.outOfScope += 1
                    case .notEncoded: break
                    case .differs(let d):
                        result.disagreements.append("\(system.describe(e)): \(d.prefix(4).map(\.description).joined(separator: "; "))")
                    }
                    guard let t = system.successor(of: s, via: e), seen.insert(system.fingerprint(t)).inserted else { continue }
                    if seen.count >= maxStates {
                        result.truncated = true
                        (result.simplifiedByZ3, result.compiledSteps) = (check.fallbacks, check.programs)
                        return result
                    }
                    next.append(t)
                }
            }
            level = next
        }
        (result.simplifiedByZ3, result.compiledSteps) = (check.fallbacks, check.programs)
        return result
    }
}

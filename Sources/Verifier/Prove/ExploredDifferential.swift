import SMT
import Scenarios
import Spec
import Symbolic

/// The differential test of issue "Z3 proofs", point 2, on explored states:
/// a breadth-first walk of a scenario's transition system (the explorer's
/// own `KernelSystem` actions, so `any` threads try their whole argument
/// domain) compares every encoded edge's symbolic step with `Spec`'s.
public struct ExploredDifferential {
    public struct Result: Sendable {
        public var states = 0
        public var compared = 0
        public var outOfScope = 0
        public var disagreements: [String] = []
        /// True when the walk stopped at `maxStates` before the depth bound.
        public var truncated = false
    }

    public static func run(_ scenario: Scenario, maxDepth: Int, maxStates: Int, kernel: SymbolicKernel) throws(SMTError) -> Result {
        let system = KernelSystem(scenario: scenario)
        var result = Result()
        var level = system.initialStates()
        var seen = Set(level.map(system.fingerprint))
        var buffer: [Event] = []
        for _ in 0...maxDepth {
            var next: [KernelSystem.State] = []
            for s in level {
                result.states += 1
                buffer.removeAll(keepingCapacity: true)
                system.actions(in: s, into: &buffer)
                let pre = try SymbolicState(concrete: s.kernel, kernel.v)
                for e in buffer {
                    switch try comparePair(s.kernel, e, kernel, pre: pre) {
                    case .agrees: result.compared += 1
                    case .outOfScope: result.outOfScope += 1
                    case .notEncoded: break
                    case .differs(let d):
                        result.disagreements.append("\(system.describe(e)): \(d.prefix(4).map(\.description).joined(separator: "; "))")
                    }
                    guard let t = system.successor(of: s, via: e), seen.insert(system.fingerprint(t)).inserted else { continue }
                    if seen.count >= maxStates {
                        result.truncated = true
                        return result
                    }
                    next.append(t)
                }
            }
            level = next
        }
        return result
    }
}

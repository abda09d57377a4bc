import SMT
import Scenarios
import Symbolic
import Testing
import Verifier

/// Issue "Z3 proofs", point 2: every encoded edge of the first explored
/// states of each built-in scenario (the explorer's own action domain, so
/// `any` threads try their whole argument range) agrees with `Spec`.
@Suite struct ExploredDifferentialTests {
    @Test func exploredEdgesAgree() throws {
        let kernel = try SymbolicKernel(Vocabulary(SMTContext()))
        var compared = 0
        var disagreements: [String] = []
        for name in ScenarioLoader.builtInNames {
            let result = try ExploredDifferential.run(ScenarioLoader.builtIn(name), maxDepth: 4, maxStates: 80, kernel: kernel)
            compared += result.compared
            disagreements += result.disagreements.map { "\(name): \($0)" }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(3).joined(separator: "\n"))")
        #expect(compared >= 20, "only \(compared) encoded edges compared")
    }
}

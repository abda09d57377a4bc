import SMT
import Scenarios
import Spec
@testable import Symbolic
import Testing
@testable import Verifier

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

    /// `--workers`: the report is the same for one worker and for three
    /// (more chunks than one thread takes in turn), disagreements included,
    /// in the same order — on a weakened encoding, so there are some.
    @Test func workersDoNotChangeTheResult() throws {
        func run(_ workers: Int) throws -> ExploredDifferential.Result {
            let pool = try ExploredDifferential.Workers(count: workers) { () throws(SMTError) in
                try SymbolicKernel(Vocabulary(SMTContext()), weakening: .noRightsMask)
            }
            return try ExploredDifferential.run(ScenarioLoader.builtIn("revocation-chain"), maxDepth: 4, maxStates: 150, workers: pool)
        }
        let one = try run(1), three = try run(3)
        #expect(one.disagreements.count > 1, "the weakening was never observed")
        #expect(one.truncated && three.truncated)
        #expect([one.states, one.edges, one.compared, one.outOfScope] == [three.states, three.edges, three.compared, three.outOfScope])
        #expect(one.disagreements == three.disagreements)
    }

    /// The compiled steps read `ConcreteTables` directly, the Z3 comparison
    /// `SymbolicState(concrete:)`: both encode a state to the same values
    /// (the λ-built ghosts aside), so the two comparisons see one encoding.
    @Test func concreteTablesAreTheConcreteTerms() throws {
        let v = try Vocabulary(SMTContext())
        for (k, _) in try CompiledDifferentialTests.pairs("client-server", states: 30).prefix(400) {
            let terms = try SymbolicState(concrete: k, v)
            for ((name, key), value) in zip(SymbolicState.fields, ConcreteTables.values(k)) {
                let term = terms[keyPath: key]
                switch value {
                case .table(let m)?: #expect(term.finiteArray == m, "\(name)")
                case .scalar(let l)?: #expect(term.literal == l, "\(name)")
                case nil: #expect(SymbolicState.ghostFields.contains(name), "\(name) has no column")
                }
            }
        }
    }

    /// The reflection-free argument list matches the reflective one on every
    /// family's symbolic call (else `prove --differential` falls back to
    /// reflection for that family, slower).
    @Test func listedArgumentsMatchReflection() throws {
        let kernel = try SymbolicKernel(Vocabulary(SMTContext()))
        let pre = try SymbolicState(named: "pre", kernel.v)
        for family in ProofFamily.allCases {
            let call = try family.call(kernel, pre: pre).0
            let listed = CompiledDifferential.listed(call).map(\.constantName)
            #expect(listed == CompiledDifferential.arguments(call).map(\.constantName), "\(family.name)")
        }
    }
}

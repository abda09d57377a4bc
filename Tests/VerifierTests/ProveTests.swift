import Symbolic
import Testing
import Verifier

/// Issue "Z3 proofs", point 3: obligations that Z3 decides quickly are
/// proved, and every report lists its strengthening invariants and
/// assumptions. (The slow families are measured by `l4spec prove`.)
@Suite struct ProveTests {
    @Test func fastObligationsAreProved() throws {
        var options = ProofOptions()
        options.properties = ["CAP-1", "MAP-4", "MEM-1"]
        options.families = [.unmapMemory, .capValid]
        options.timeoutMilliseconds = 60_000
        let report = try Prover.run(options)
        #expect(report.obligations.count == 6)
        for o in report.obligations {
            #expect(o.verdict == .proved, "\(o.property) \(o.family): \(o.verdict.word)")
        }
        #expect(report.strengthening.contains { $0.id == "AUX-ANC" })
        #expect(!report.assumptions.isEmpty)
        #expect(ProofRendering.text(report).contains("6 obligations: 6 proved"))
    }
}

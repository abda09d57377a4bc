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

    /// Point 8: two workers, one Z3 context each, give the one-worker report
    /// (same obligations in the same order, same verdicts), although they
    /// take the costliest family, listed last here, first.
    @Test func twoWorkersGiveTheOneWorkerReport() throws {
        var options = ProofOptions()
        options.properties = ["CAP-1", "MAP-4"]
        options.families = [.unmapMemory, .capValid, .create(.gate)]
        options.timeoutMilliseconds = 60_000
        let one = try Prover.run(options)
        let two = try Prover.run(options, workers: 2)
        #expect(two.obligations.map { "\($0.property) \($0.family)" } == one.obligations.map { "\($0.property) \($0.family)" })
        #expect(two.obligations.map(\.verdict) == one.obligations.map(\.verdict))
        #expect(two.obligations.count == 6 && two.allProved)
    }

    /// Point 6: a witness search that runs out of time leaves the family
    /// undecided; only unsat from every witness makes it vacuous.
    @Test func aTimedOutWitnessSearchIsNotVacuous() throws {
        var options = ProofOptions()
        options.properties = ["CAP-1"]
        options.families = [.mapMemory, .create(.task)]
        options.timeoutMilliseconds = 1
        for o in try Prover.run(options).obligations {
            #expect(o.verdict != .vacuous, "\(o.property) \(o.family) called vacuous after a 1 ms search")
        }
    }
}

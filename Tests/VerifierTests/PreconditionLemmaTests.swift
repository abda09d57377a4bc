import Symbolic
import Testing
import Verifier

/// `factory.create(factory)` assumes that no object is charged to the entry
/// the new factory gets (`ProofFamily.universalPreconditions`); the
/// obligation AUX-NEW-ACCOUNT proves that from the invariants of the
/// pre-state: a free entry's account is drained (CAP-6), a drained
/// account's ledger total is 0 (MEM-2), its prefixes then hold no item (the
/// ledger's STEP and MONO), and every allocated object costs at least 1
/// (AUX-KIND, AUX-RESERVE). `PreconditionStateTests` shows the states each
/// of these invariants excludes. (Refuting the lemma with one invariant
/// dropped is not a test here: its counterexamples break the ledger's
/// prefix sums at every position above the stale charge, and the lazy
/// instantiation does not confirm them within minutes.)
@Suite struct PreconditionLemmaTests {
    static func report() throws -> ProofReport {
        var options = ProofOptions()
        options.properties = [Prover.newAccountID]
        options.families = [.create(.factory)]
        options.timeoutMilliseconds = 60_000
        return try Prover.run(options)
    }

    @Test func theNewAccountPreconditionIsProved() throws {
        let report = try Self.report()
        #expect(report.obligations.map(\.property) == [Prover.newAccountID])
        #expect(report.allProved)
        #expect(report.strengthening.contains { $0.id == Prover.newAccountID })
    }

    /// Families without a ∀-precondition have no such obligation.
    @Test func otherFamiliesHaveNone() throws {
        var options = ProofOptions()
        options.properties = [Prover.newAccountID]
        options.families = [.create(.gate), .unmapMemory]
        #expect(try Prover.run(options).obligations.isEmpty)
    }
}

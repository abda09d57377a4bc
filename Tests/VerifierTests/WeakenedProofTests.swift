import Symbolic
import Testing
import Verifier

/// Issue 5 point 6: a proof that cannot fail proves nothing. For each
/// encoded family that changes the state, one clause of its transition is
/// removed through a test-only `Weakening`, and an obligation that `l4spec
/// prove` proves on the real encoding must then be refuted, with a
/// counterexample (a model whose pre-state satisfies every invariant). Every
/// family has at least one case. The two queries (cap_valid, cap_equal)
/// change no state; their weakened relation is refuted in
/// `NoninterferenceTests`.
@Suite struct WeakenedProofTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var defect: String
        var weakening: Weakening
        var family: ProofFamily
        var property: String
        var testDescription: String { "\(defect): \(property) for \(family.name)" }
    }

    static let cases = [
        Case(defect: "map ignores the rights mask", weakening: .noRightsMask, family: .mapObject, property: "CAP-3"),
        Case(defect: "map ignores the rights mask", weakening: .noRightsMask, family: .mapMemory, property: "CAP-3"),
        Case(defect: "grant keeps the source", weakening: .grantKeepsSource, family: .mapObject, property: "CAP-3"),
        Case(defect: "unmap skips the descendants", weakening: .flatRevoke, family: .unmapMemory, property: "MAP-4"),
        Case(defect: "deletion keeps stale slots", weakening: .keepStaleSlots, family: .unmapObject, property: "CAP-1"),
        Case(defect: "freeing refunds nothing", weakening: .noRefund, family: .unmapObject, property: "MEM-3"),
        Case(defect: "create ignores the quota limit", weakening: .noLimitCheck, family: .create(.gate), property: "MEM-1"),
        Case(defect: "create ignores the quota limit", weakening: .noLimitCheck, family: .create(.factory), property: "MEM-1"),
        Case(defect: "a reply leaves the reply slot", weakening: .replyKeepsSlot, family: .ipc(.reply), property: "IPC-4"),
        Case(defect: "a receive leaves the sender queued", weakening: .receiveKeepsQueued, family: .ipc(.wait), property: "IPC-3"),
        Case(defect: "a gate passes the sender's label", weakening: .senderChosenGateLabel, family: .ipc(.call), property: "IPC-2"),
        Case(defect: "any capability addresses a thread", weakening: .anyCapSends, family: .ipc(.send), property: "IPC-1"),
        Case(defect: "detach leaves the Irq queued", weakening: .detachKeepsQueued, family: .irq(.detach), property: "IRQ-1"),
        Case(defect: "create ignores the quota limit", weakening: .noLimitCheck, family: .create(.task), property: "MEM-1"),
        Case(defect: "create ignores the quota limit", weakening: .noLimitCheck, family: .create(.thread), property: "MEM-1"),
        Case(defect: "create ignores the quota limit", weakening: .noLimitCheck, family: .create(.irq), property: "MEM-1"),
        Case(defect: "a receive takes a sender not queued at it", weakening: .receiveUnchecked, family: .ipc(.receive), property: "IPC-1"),
        Case(defect: "a receive takes a sender not queued at it", weakening: .receiveUnchecked, family: .ipc(.sleep), property: "IPC-1"),
        Case(defect: "a receive takes a sender not queued at it", weakening: .receiveUnchecked, family: .irq(.receive), property: "IPC-1"),
        Case(defect: "a reply leaves the reply slot", weakening: .replyKeepsSlot, family: .ipc(.replyAndWait), property: "IPC-4"),
        Case(defect: "bind without S on the gate", weakening: .bindWithoutS, family: .gateBind, property: "IPC-2"),
        Case(defect: "cancel leaves the sender queued", weakening: .cancelKeepsQueued, family: .exRegs, property: "IPC-3"),
        Case(defect: "a hit queues the Irq unmarked", weakening: .irqQueueUnmarked, family: .irq(.trigger), property: "IRQ-1"),
        Case(defect: "unmask with a delivery pending", weakening: .unmaskAlways, family: .irq(.unmask), property: "IRQ-1"),
        Case(defect: "freeing refunds nothing", weakening: .noRefund, family: .unmapObject, property: "MEM-2"),
        Case(defect: "deletion keeps stale slots", weakening: .keepStaleSlots, family: .unmapObject, property: "CAP-5"),
        Case(defect: "a counted insert leaves the counter", weakening: .uncountedInsert, family: .mapObject, property: "CAP-5"),
        Case(defect: "a counted insert leaves the counter", weakening: .uncountedInsert, family: .create(.gate), property: "CAP-5"),
        Case(defect: "a factory's reservation may wrap", weakening: .noLimitOverflowCheck, family: .create(.factory), property: "AUX-RESERVE"),
    ]

    static func verdict(_ c: Case, _ weakening: Weakening) throws -> ProofVerdict {
        var options = ProofOptions()
        options.properties = [c.property]
        options.families = [c.family]
        options.weakening = weakening
        options.timeoutMilliseconds = 60_000
        let report = try Prover.run(options)
        return try #require(report.obligations.first).verdict
    }

    @Test(arguments: cases) func weakenedTransitionIsRefuted(_ c: Case) throws {
        #expect(try Self.verdict(c, []) == .proved, "not proved on the real encoding")
        let weakened = try Self.verdict(c, c.weakening)
        if case .unknown = weakened {
            // Z3 finds these models in seconds on an idle machine; under heavy load
            // it can hit the 60 s limit. A missed weakening (proved) still fails.
            withKnownIssue("not decided within the Z3 limit on a loaded machine", isIntermittent: true) {
                Issue.record("\(c.testDescription): the weakened encoding is not decided")
            }
            return
        }
        guard case .refuted(let cex) = weakened else {
            Issue.record("\(c.testDescription): the weakened encoding is not refuted")
            return
        }
        #expect(cex.lines.contains { $0.hasPrefix("call: \(c.family.name)") })
        #expect(cex.lines.count > 3, "the counterexample names no item: \(cex.lines)")
    }
}

import Foundation
import Testing

/// The hidden `l4spec refine --inject-fault` demonstration (issue 6 point 5)
/// and `l4spec bench refine` (point 6), as a user runs them; in the
/// serialized command-line suite.
extension RefineCommandLineTests {
    /// A seeded fault is reported like any divergence: exit 1, the diff at the
    /// first differing step, and the shrunk trace written to --out.
    @Test func refine_withAnInjectedFault_reportsTheDivergence_exit1() throws {
        let dir = try Fixtures.temporaryDirectory()
        let r = try l4spec(["refine", "--trace", "Conformance/irq/unmask-after-detach.json", "--inject-fault", "irq-unmask-ignored", "--out", dir])
        #expect(r.code == 1, "\(r.out)\(r.err)")
        #expect(r.err.contains("seeded fault irq-unmask-ignored"))
        #expect(r.out.contains("DIVERGENCE masked @ irq.unmask"))
        #expect(r.out.contains("j.masked: spec false | impl true"))
        #expect(r.out.contains("shrunk from 3 to 2 event(s)"))
        let written = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".json") }
        #expect(written.count == 1)
        // Without the fault the same trace agrees.
        let clean = try l4spec(["refine", "--trace", "Conformance/irq/unmask-after-detach.json", "--out", dir])
        #expect(clean.code == 0, "\(clean.out)\(clean.err)")
    }

    @Test func refine_withAnUnknownFault_exit2_namingTheOption() throws {
        let r = try l4spec(["refine", "--random", "1", "--inject-fault", "no-such-fault"])
        #expect(r.code == 2)
        #expect(r.err.contains("--inject-fault") && r.err.contains("no-such-fault") && r.err.contains("wake-at-back"))
        #expect(!(try l4spec(["refine", "--help"])).out.contains("inject-fault"))
    }

    @Test func benchRefine_reportsRatesAndTheSplit_andRejectsBadBounds() throws {
        let r = try l4spec(["bench", "refine", "--walks", "20", "--length", "10"])
        #expect(r.code == 0, "\(r.out)\(r.err)")
        #expect(r.out.contains("events/s") && r.out.contains("compare µs/ev"))
        #expect(r.out.contains("total                       20     200"))
        #expect(r.out.contains("split of a full step: spec"))
        let bad = try l4spec(["bench", "refine", "--walks", "0"])
        #expect(bad.code == 2)
        #expect(bad.err.contains("--walks must be in"))
    }
}

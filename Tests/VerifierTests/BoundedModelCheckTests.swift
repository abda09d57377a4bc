import Foundation
import Scenarios
import Symbolic
import Testing
import Verifier

/// Issue 5 point 5: `l4spec prove --bmc K SCENARIO`. An insecure built-in is
/// caught within K steps with a trace that `Spec` replays (through the
/// trace file format, as `l4spec run` does); a secure one holds for small K;
/// a weakened encoding's violation is found but flagged as not reproduced by
/// `Spec` (the replay is a real check, not a formality).
@Suite struct BoundedModelCheckTests {
    static func run(_ scenario: String, depth: Int, properties: Set<String> = [], weakening: Weakening = []) throws -> BMCReport {
        var options = BMCOptions()
        options.depth = depth
        options.properties = properties
        options.weakening = weakening
        options.timeoutMilliseconds = 120_000
        return try BoundedModelCheck.run(try ScenarioLoader.builtIn(scenario), options)
    }

    /// The VMM's running thread maps a task capability across domains in one
    /// step (in the scenario, its script maps the RTOS task into compute).
    @Test func insecureMixedCriticalityBreaksCAP2InOneStep() throws {
        let report = try Self.run("insecure-mixed-criticality", depth: 2, properties: ["CAP-2"])
        let c = try #require(report.counterexample, "no counterexample: \(BMCRendering.summary(report))")
        #expect(report.depths.count == 1)
        #expect(c.properties == ["CAP-2"])
        #expect(c.reproduced, "\(c.replay)")
        #expect(c.trace.events.count == 1)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bmc-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try #require(try BMCRendering.writeTrace(report, to: dir))
        let (trace, scenario) = try TraceRunner.load(path: path)
        let replay = TraceRunner.run(trace, on: scenario)
        #expect(trace.property == "CAP-2")
        #expect(replay.propertyViolation?.step == 0)

        // The machine formats: `l4spec-output/1` records, valid against the schema.
        let records = BMCRendering.records(report, tracePath: path, timeoutMilliseconds: 120_000)
        #expect(records.map(\.verdict) == ["violated"])
        #expect(records.first?.evidence?.trace == path)
        let output = OutputReport(command: "prove", tool: ToolInfo(version: "9.9.9", z3: report.z3Version), results: records, seconds: 1)
        try OutputValidation.expectValidOutput(OutputJSON.render(output, details: BMCRendering.json(report, tracePath: path)))
    }

    @Test func twoPartitionsHoldsForTwoSteps() throws {
        let report = try Self.run("two-partitions", depth: 2)
        #expect(report.allHold, "\(BMCRendering.summary(report))")
        #expect(report.counterexample == nil)
    }

    /// Without the rights mask of map, the encoding lets a copy gain rights
    /// (CAP-3); Spec, which masks, does not reproduce it.
    @Test func weakenedEncodingViolationIsNotReproducedBySpec() throws {
        let report = try Self.run("two-partitions", depth: 1, properties: ["CAP-3"], weakening: .noRightsMask)
        let c = try #require(report.counterexample, "no counterexample: \(BMCRendering.summary(report))")
        #expect(c.properties == ["CAP-3"])
        #expect(!c.reproduced)
        #expect(c.replay.hasPrefix("not reproduced"))
    }
}

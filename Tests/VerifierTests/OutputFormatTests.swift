import Foundation
import Refinement
import Scenarios
import Spec
import Testing
import Verification
@testable import Verifier

/// The shared output model (docs/output.md) and its JSON, JUnit and SARIF
/// renderings, validated by real consumers: jsonschema against
/// docs/output.schema.json and the official SARIF 2.1.0 schema, junitparser
/// for JUnit.
@Suite struct OutputFormatTests {
    static func report(_ command: String, _ records: [ResultRecord]) -> OutputReport {
        OutputReport(command: command, tool: ToolInfo(version: "9.9.9", z3: "4.8.12"), timestamp: "1970-01-01T00:00:00Z",
                     settings: [Setting("bound", "test")], policy: ["test policy"], results: records, seconds: 1.5)
    }

    static func checkRecords() throws -> [ResultRecord] {
        let f = try CheckFormatTests.fixture()
        var sources = OutputSources()
        return f.reports.flatMap { CheckRecords.records($0, tracePaths: f.paths[$0.scenario.name] ?? [:], sources: &sources) }
    }

    // MARK: - check

    @Test func checkRecords_inAllThreeFormats() throws {
        let records = try Self.checkRecords()
        #expect(records.map(\.verdict) == ["violated", "holds", "inconclusive"])
        #expect(records.map(\.outcome) == [.fail, .pass, .inconclusive])
        let violated = records[0]
        #expect(violated.evidence?.steps.first?.text.hasPrefix("1. cpu0 task.map") == true)
        #expect(violated.rule?.path == "Sources/Spec/MappingTree.swift" && violated.rule?.line != nil)
        #expect(violated.source?.path == "Sources/Scenarios/BuiltIn/insecure-mixed-criticality.yaml" && violated.source?.root == true)

        let report = Self.report("check", records)
        #expect(report.summary.exitCode == 1)
        #expect(report.summary.outcomes == ["pass": 1, "fail": 1, "inconclusive": 1, "error": 0])
        let json = OutputJSON.render(report, details: #"{"format": "l4spec-check/1"}"#)
        try OutputValidation.expectValidOutput(json)
        var decoded = try JSONDecoder().decode(OutputReport.self, from: Data(OutputJSON.render(report).utf8))
        decoded.summary.seconds = report.summary.seconds
        #expect(decoded == report)

        let junit = try OutputValidation.junit(OutputJUnit.xml(report, timestamp: Date(timeIntervalSince1970: 0)))
        #expect((junit.tests, junit.failures, junit.skipped, junit.errors) == (3, 1, 1, 0))
        #expect(junit.suites.map(\.name) == ["check insecure-mixed-criticality", "check insecure-small"])
        let failure = try #require(junit.cases.first { $0.result == "failure" })
        #expect(failure.classname == "l4spec.check.insecure-mixed-criticality")
        #expect(failure.name == "CAP-2 Authority confinement")
        #expect(failure.text?.contains("1. cpu0 task.map cap 5 src 4") == true)
        #expect(failure.text?.contains("replay: l4spec run ") == true)

        try OutputValidation.expectValidSarif(OutputSarif.json(report))
    }

    /// `check --format sarif` goes through the shared renderer and stays valid.
    @Test func checkSarif_validAgainstTheOfficialSchema() throws {
        let f = try CheckFormatTests.fixture()
        try OutputValidation.expectValidSarif(SarifRendering.json(f.reports, tracePaths: f.paths, toolVersion: "1"))
    }

    /// Under an expectation an expected violation passes, and SARIF carries it suppressed.
    @Test func expectedViolation_passes_andIsSuppressedInSarif() throws {
        let f = try CheckFormatTests.fixture()
        var sources = OutputSources()
        let records = CheckRecords.records(f.reports[0], tracePaths: f.paths[f.reports[0].scenario.name] ?? [:],
                                           expected: { $0 == "CAP-2" ? "violated" : "holds" }, sources: &sources)
        #expect(records.map(\.outcome) == [.pass, .pass])
        let report = Self.report("verify", records)
        #expect(report.summary.exitCode == 0)
        let sarif = OutputSarif.json(report)
        try OutputValidation.expectValidSarif(sarif)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        let result = try #require(((doc["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])?.first)
        #expect(result["kind"] as? String == "fail")
        #expect((result["suppressions"] as? [[String: Any]])?.first?["kind"] as? String == "external")
    }

    // MARK: - prove

    static func proofReport() -> ProofReport {
        let model = Counterexample(lines: ["caller thread 3 in task 2", "slot[task 2][5]: gate 0 RW → empty"], reachability: "not decided")
        return ProofReport.make(obligations: [
            .make(property: "CAP-1", family: "task.cap_valid", verdict: .proved, seconds: 0.01),
            .make(property: "CAP-2", family: "task.map(object)", verdict: .refuted(model), seconds: 0.5),
            .make(property: "MAP-1", family: "task.map(memory)", verdict: .unknown("timeout"), seconds: 3),
            .make(property: "AUX-ANC", family: "task.map(memory)", verdict: .vacuous, seconds: 0),
        ], z3Version: "4.8.12", strengthening: [(id: "AUX-ANC", title: "the ghost is the closure of the parent links")],
           assumptions: ["an assumption"], notEncoded: [])
    }

    @Test func proveRecords_neverCountAnUnknownAsProved() throws {
        var sources = OutputSources()
        let strict = ProveRecords.records(Self.proofReport(), timeoutMilliseconds: 3000, sources: &sources)
        #expect(strict.map(\.verdict) == ["proved", "refuted", "unknown", "vacuous"])
        #expect(strict.map(\.outcome) == [.pass, .fail, .inconclusive, .inconclusive])
        #expect(strict[0].rule?.function == "KernelState.capValid")
        #expect(strict[2].limit == "Z3 time limit 3000 ms per obligation")
        #expect(strict[3].title == "the ghost is the closure of the parent links")
        let lenient = ProveRecords.records(Self.proofReport(), timeoutMilliseconds: 3000, unknownPasses: true, sources: &sources)
        #expect(lenient.map(\.outcome) == [.pass, .fail, .pass, .pass])
        #expect(lenient.map(\.verdict) == strict.map(\.verdict))

        let report = Self.report("prove", lenient)
        try OutputValidation.expectValidOutput(OutputJSON.render(report))
        let junit = try OutputValidation.junit(OutputJUnit.xml(report))
        #expect((junit.tests, junit.failures, junit.skipped) == (4, 1, 2))
        let refuted = try #require(junit.cases.first { $0.result == "failure" })
        #expect(refuted.text?.contains("slot[task 2][5]: gate 0 RW → empty") == true)
        #expect(junit.cases.filter { $0.result == "skipped" }.map(\.message).allSatisfy { $0?.hasPrefix("unknown") == true || $0?.hasPrefix("vacuous") == true })
        let sarif = OutputSarif.json(Self.report("prove", strict))
        try OutputValidation.expectValidSarif(sarif)
        #expect(sarif.contains("\"ruleId\" : \"CAP-2\"") || sarif.contains("\"ruleId\": \"CAP-2\""))
    }

    /// A real obligation through Z3: CAP-1 for cap_valid is proved quickly.
    @Test func proveRecords_fromARealProof() throws {
        var options = ProofOptions()
        options.families = [.capValid]
        options.properties = ["CAP-1"]
        options.timeoutMilliseconds = 20_000
        let proof = try Prover.run(options)
        var sources = OutputSources()
        let records = ProveRecords.records(proof, timeoutMilliseconds: 20_000, sources: &sources)
        #expect(records.map(\.verdict) == ["proved"])
        try OutputValidation.expectValidOutput(OutputJSON.render(Self.report("prove", records), details: ProofRendering.json(proof)))
    }

    // MARK: - refine

    /// A broken implementation view: a divergence record with the shrunk
    /// trace and the differing field, valid in every format.
    @Test func refineDivergence_inAllThreeFormats() throws {
        let scenario = try ScenarioLoader.builtIn("two-partitions")
        var options = RefineOptions()
        options.outDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-rr-\(UUID().uuidString)").path
        options.perturbation = Perturbation { view, _, step in if step >= 2 { view.threads[0]?.prio += 1 } }
        let c = try RefineRunner.random(walks: 2, length: 6, seed: 3, scenarios: [scenario], options: options)
        #expect(c.diverged)
        var sources = OutputSources()
        let records = RefineRecords.records(RefineReport(cases: [c], seconds: c.seconds), sources: &sources)
        let r = try #require(records.first)
        #expect(r.verdict == "diverged" && r.outcome == .fail)
        #expect(r.evidence?.kind == "divergence")
        #expect(r.evidence?.steps.last?.changes.contains { $0.contains("spec") && $0.contains("impl") } == true)
        #expect(r.evidence?.trace != nil)
        let report = Self.report("refine", records)
        try OutputValidation.expectValidOutput(OutputJSON.render(report))
        try OutputValidation.expectValidSarif(OutputSarif.json(report))
        let junit = try OutputValidation.junit(OutputJUnit.xml(report))
        #expect((junit.tests, junit.failures) == (1, 1))
    }

    /// verify's state cap is a stated bound, not a limit; refine's own is inconclusive.
    @Test func edgeStateCap_isABoundInVerify_andInconclusiveOtherwise() throws {
        var options = RefineOptions()
        options.outDirectory = nil
        options.maxStates = 50
        let c = try EdgeRefinement.run(try ScenarioLoader.builtIn("factory-quota"), options: options)
        #expect(c.limit != nil)
        var sources = OutputSources()
        let capped = try #require(RefineRecords.records(RefineReport(cases: [c], seconds: 0), stateCap: 50, sources: &sources).first)
        #expect(capped.verdict == "agree" && capped.outcome == .pass && capped.limit == nil)
        #expect(capped.bound == "every edge to depth \(c.depth), depth \(c.depth + 1) in part (state cap 50)")
        let plain = try #require(RefineRecords.records(RefineReport(cases: [c], seconds: 0), sources: &sources).first)
        #expect(plain.verdict == "inconclusive" && plain.outcome == .inconclusive && plain.limit != nil)
    }

    // MARK: - exit codes, progress

    @Test func exitCode_worstOutcomeWins() {
        #expect(ResultOutcome.exitCode([]) == 0)
        #expect(ResultOutcome.exitCode([.pass, .inconclusive]) == 3)
        #expect(ResultOutcome.exitCode([.inconclusive, .fail, .pass]) == 1)
        #expect(ResultOutcome.exitCode([.fail, .error]) == 2)
    }

    final class Lines: @unchecked Sendable {
        let lock = NSLock()
        var text = ""
        func add(_ s: String) { lock.lock(); text += s; lock.unlock() }
    }

    @Test func progress_plainLinesOffTerminal_rewrittenLineOnTerminal() {
        let plain = Lines()
        let p = PhaseProgress(terminal: false, write: plain.add)
        p.update("check a", "depth 1")
        p.update("check a", "depth 2")  // throttled: within 10 s of the last
        p.done("check a", "done")
        p.finish()
        #expect(plain.text == "check a: depth 1\ncheck a: done\n")
        let tty = Lines()
        let t = PhaseProgress(terminal: true, write: tty.add)
        t.update("prove", "CAP-1")
        t.done("prove x", "1/1 proved")
        #expect(tty.text.hasPrefix("\r\u{1B}[Kprove: CAP-1"))
        #expect(tty.text.contains("\r\u{1B}[Kprove x: 1/1 proved\nprove: CAP-1"))
    }
}

import Foundation
import Properties
import Scenarios
import Testing
@testable import Verifier

/// `expect:` in scenarios (docs/scenarios.md#expect): the insecure-on-purpose
/// built-ins are caught with the properties they declare, unknown IDs are bad
/// input at the entry's line, and `l4spec verify` fails on a mismatch.
@Suite struct ScenarioExpectationTests {
    static func temp(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-expect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func emptyDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-noconf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    /// A system small enough to explore completely in debug builds: one task
    /// whose adversarial thread holds only its own thread capability.
    static let tiny = """
        name: tiny
        description: One adversarial thread with a capability to itself only.
        bounds: {slots: 2, pages: 0, depth: 3, words: 0, word_values: [0], labels: [0]}
        tasks:
          - name: app
            caps:
              - {slot: 1, object: main, rights: RWSD}
        threads:
          - name: main
            task: app
            behaviour: any
        expect:
          CAP-2: violated
        """
    // the expect entry is line 13

    // MARK: - The insecure built-ins

    /// Each insecure built-in, one declared property with its shortest
    /// counterexample length (checked alone, the search stops at the violation).
    @Test(arguments: [
        ("insecure-mixed-criticality", "CAP-2", 1),
        ("insecure-buffer-reuse", "MAP-3", 11),
        ("insecure-unrevocable-ec", "CAP-2", 4),
        ("insecure-revocation-exit", "INFO-2", 3),
    ])
    func insecureBuiltIn_isCaughtWithItsDeclaredProperty(_ name: String, _ id: String, _ length: Int) throws {
        let scenario = try ScenarioLoader.builtIn(name)
        #expect(scenario.expectedVerdict(of: id) == .violated)
        var options = CheckOptions()
        options.workers = 1
        let report = try CheckPipeline.run(scenario, entries: CheckPipeline.entries([id]), options: options)
        let result = try #require(report.results.first)
        #expect(result.verdict == "violated", "\(result.detail)")
        #expect(result.counterexample?.events.count == length)
        #expect(result.counterexample?.property == id)
    }

    @Test func builtIns_secureOnesExpectNothing_insecureOnesSaySo() throws {
        for name in ScenarioLoader.builtInNames {
            let s = try ScenarioLoader.builtIn(name)
            try CheckPipeline.validateExpectations(s)
            let insecure = s.expectations.contains { $0.verdict == .violated }
            #expect(insecure == name.hasPrefix("insecure-"), "\(name)")
            #expect(insecure == s.description.hasPrefix("INSECURE ON PURPOSE."), "\(name)")
        }
    }

    // MARK: - Unknown property IDs

    @Test func unknownPropertyID_isBadInputAtTheEntry() throws {
        let path = try Self.temp("tiny.yaml", Self.tiny.replacingOccurrences(of: "CAP-2: violated", with: "CAP-9: violated"))
        let scenario = try ScenarioLoader.load(path: path)
        let e = try #require(inputError { try CheckPipeline.validateExpectations(scenario) })
        #expect(e.file == path && e.line == 13 && e.field == "expect.CAP-9")
        #expect(e.message.hasPrefix("unknown property 'CAP-9' (known: CAP-1, CAP-2"))
        // check refuses the scenario before exploring it
        #expect(inputError { try CheckPipeline.run(scenario, entries: Catalogue.all, options: CheckOptions()) } == e)
        // verify reports it as bad input: exit 2
        let report = try VerifyPipeline.run(conformanceDirectory: Self.emptyDirectory(), scenarios: [path])
        #expect(report.exitCode == 2)
        #expect(VerifyPipeline.renderText(report).contains("\(path):13: expect.CAP-9: unknown property"))
    }

    // MARK: - verify

    @Test func verify_expectationMismatch_exits1() throws {
        let path = try Self.temp("tiny.yaml", Self.tiny)
        var options = CheckOptions()
        options.workers = 1
        let report = try VerifyPipeline.run(conformanceDirectory: Self.emptyDirectory(), scenarios: [path], options: options)
        #expect(report.exitCode == 1)
        let v = try #require(report.scenarios.first)
        #expect(v.mismatches.map(\.property) == ["CAP-2"])
        #expect(v.verdict.hasPrefix("FAIL: CAP-2 holds, expected violated"))
        let text = VerifyPipeline.renderText(report)
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("check ") && $0.contains(" tiny ") })
        #expect(text.contains("FAIL check tiny"))
        #expect(text.hasSuffix("FAIL: conformance 0/0 traces passed; check 0/1 scenarios as expected"))
    }

    @Test func verify_asExpected_exits0() throws {
        let path = try Self.temp("tiny.yaml", Self.tiny.replacingOccurrences(of: "CAP-2: violated", with: "CAP-2: holds"))
        var options = CheckOptions()
        options.workers = 1
        let report = try VerifyPipeline.run(conformanceDirectory: Self.emptyDirectory(), scenarios: [path], options: options)
        #expect(report.exitCode == 0, "\(VerifyPipeline.renderText(report))")
        let v = try #require(report.scenarios.first)
        #expect(v.verdict.hasPrefix("\(Catalogue.all.count) hold"), "\(v.verdict)")
    }

    /// An expected violation that is found, and a violation not listed, from one report.
    @Test func compare_classifiesEachVerdict() throws {
        var scenario = try ScenarioLoader.builtIn("insecure-mixed-criticality")
        var options = CheckOptions()
        options.workers = 1
        let report = try CheckPipeline.run(scenario, entries: CheckPipeline.entries(["CAP-2", "CAP-1"]), options: options)
        #expect(ScenarioVerification.compare(report).violatedAsExpected == ["CAP-2"])
        #expect(ScenarioVerification.compare(report).mismatches.isEmpty)
        scenario.expectations = []
        var unlisted = report
        unlisted.scenario = scenario
        let v = ScenarioVerification.compare(unlisted)
        #expect(v.mismatches.map(\.property) == ["CAP-2"])
        #expect(v.failed)
    }
}

/// Runs `body` and returns the `InputError` it threw (nil if it succeeded).
func inputError<T>(_ body: () throws -> T) -> InputError? {
    do {
        _ = try body()
        return nil
    } catch let error as InputError {
        return error
    } catch {
        Issue.record("expected an InputError, got \(error)")
        return nil
    }
}

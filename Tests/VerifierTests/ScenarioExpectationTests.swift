import Foundation
import Properties
import Scenarios
import Testing
import Verification
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
        let report = try Self.verify(path).report
        #expect(report.summary.exitCode == 2)
        #expect(VerifyText.render(report).contains("\(path):13: expect.CAP-9: unknown property"))
    }

    // MARK: - verify

    /// `verify` without proofs and refinement, on one scenario and no conformance traces.
    static func verify(_ path: String) throws -> VerifyResult {
        var options = VerifyOptions(conformanceDirectory: try emptyDirectory())
        options.scenarios = [path]
        options.check.workers = 1
        options.prove = false
        options.refine = false
        options.outDirectory = try emptyDirectory()
        return try VerifyJob.run(options)
    }

    @Test func verify_expectationMismatch_exits1() throws {
        let path = try Self.temp("tiny.yaml", Self.tiny)
        let report = try Self.verify(path).report
        #expect(report.summary.exitCode == 1)
        #expect(report.results.filter { $0.outcome == .fail }.map(\.property) == ["CAP-2"])
        let text = VerifyText.render(report)
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("check ") && $0.contains(" tiny ") && $0.contains("FAIL: CAP-2 holds, expected violated") })
        #expect(text.contains("FAIL check tiny CAP-2: holds, expected violated"))
        #expect(text.split(separator: "\n").last?.hasPrefix("FAIL: check \(Catalogue.all.count - 1)/\(Catalogue.all.count) as expected") == true, "\(text)")
    }

    @Test func verify_asExpected_exits0() throws {
        let path = try Self.temp("tiny.yaml", Self.tiny.replacingOccurrences(of: "CAP-2: violated", with: "CAP-2: holds"))
        let report = try Self.verify(path).report
        #expect(report.summary.exitCode == 0, "\(VerifyText.render(report))")
        #expect(report.results.filter { $0.verdict == "holds" }.count == Catalogue.all.count)
        #expect(VerifyText.render(report).contains("\(Catalogue.all.count) hold"))
    }

    /// An expected violation that is found, and a violation not listed, from one report.
    @Test func expectations_classifyEachVerdict() throws {
        var scenario = try ScenarioLoader.builtIn("insecure-mixed-criticality")
        var options = CheckOptions()
        options.workers = 1
        let report = try CheckPipeline.run(scenario, entries: CheckPipeline.entries(["CAP-2", "CAP-1"]), options: options)
        var sources = OutputSources()
        let expected = CheckRecords.records(report, tracePaths: [:], expected: { scenario.expectedVerdict(of: $0).rawValue }, sources: &sources)
        #expect(expected.map(\.outcome) == [.pass, .pass])
        #expect(expected.map(\.expected) == ["violated", "holds"])
        scenario.expectations = []
        let unlisted = CheckRecords.records(report, tracePaths: [:], expected: { scenario.expectedVerdict(of: $0).rawValue }, sources: &sources)
        #expect(unlisted.map(\.outcome) == [.fail, .pass])
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

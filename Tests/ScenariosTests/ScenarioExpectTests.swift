import Foundation
import Testing
@testable import Scenarios

/// The `expect:` key of a scenario (docs/scenarios.md#expect): parsed with the
/// line of each entry; a bad value names file, line and field. Unknown property
/// IDs are the Verifier's to reject (it knows the catalogue): VerifierTests.
@Suite("Scenario expect")
struct ScenarioExpectTests {
    // minimalScenario has 12 lines: `expect:` is line 13, its entries 14 and 15.
    static let withExpect = minimalScenario + "\nexpect:\n  CAP-2: violated\n  MAP-3: holds"

    @Test func parsesEntriesWithTheirLines() throws {
        let s = try ScenarioLoader.load(yaml: Self.withExpect, file: "e.yaml")
        #expect(s.expectations == [
            PropertyExpectation(property: "CAP-2", verdict: .violated, line: 14),
            PropertyExpectation(property: "MAP-3", verdict: .holds, line: 15),
        ])
        #expect(s.expectedVerdict(of: "CAP-2") == .violated)
        #expect(s.expectedVerdict(of: "MAP-3") == .holds)
        #expect(s.expectedVerdict(of: "IPC-1") == .holds, "not listed: expected to hold")
    }

    @Test func absentOrEmptyMeansEverythingHolds() throws {
        #expect(try ScenarioLoader.load(yaml: minimalScenario, file: "e.yaml").expectations.isEmpty)
        #expect(try ScenarioLoader.load(yaml: minimalScenario + "\nexpect: {}", file: "e.yaml").expectations.isEmpty)
        #expect(try ScenarioLoader.load(yaml: minimalScenario + "\nexpect:", file: "e.yaml").expectations.isEmpty)
    }

    @Test func badVerdictNamesFileLineAndField() throws {
        let yaml = Self.withExpect.replacingOccurrences(of: "MAP-3: holds", with: "MAP-3: inconclusive")
        let e = try #require(inputError { try ScenarioLoader.load(yaml: yaml, file: "e.yaml") })
        #expect(e == InputError(file: "e.yaml", line: 15, field: "expect.MAP-3",
                                message: "invalid expected verdict 'inconclusive' (expected violated or holds)"))
        #expect(e.description.hasPrefix("e.yaml:15: expect.MAP-3: invalid expected verdict"))
    }

    @Test func nonStringVerdictsAndShapes() throws {
        let boolean = Self.withExpect.replacingOccurrences(of: "CAP-2: violated", with: "CAP-2: true")
        #expect(inputError { try ScenarioLoader.load(yaml: boolean, file: "e.yaml") }?.line == 14)
        let list = try #require(inputError { try ScenarioLoader.load(yaml: minimalScenario + "\nexpect: [CAP-2]", file: "e.yaml") })
        #expect(list.line == 13 && list.field == "expect" && list.message.contains("expected a mapping"))
        let nested = Self.withExpect.replacingOccurrences(of: "CAP-2: violated", with: "CAP-2: {verdict: violated}")
        #expect(inputError { try ScenarioLoader.load(yaml: nested, file: "e.yaml") }?.field == "expect.CAP-2")
    }

    @Test func duplicateEntryIsAYAMLError() throws {
        let yaml = Self.withExpect + "\n  CAP-2: holds"
        let e = try #require(inputError { try ScenarioLoader.load(yaml: yaml, file: "e.yaml") })
        #expect(e.message.contains("CAP-2"))
    }
}

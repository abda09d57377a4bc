import Properties
import Scenarios
import StateExplorer

/// A scenario's `expect:` list compared with what `l4spec check` found
/// (docs/scenarios.md#expect): one row of `l4spec verify`.
public struct ScenarioVerification: Sendable {
    /// A property whose verdict differs from the expected one.
    public struct Mismatch: Sendable, Equatable {
        public var property: String
        public var expected: String
        public var actual: String
        /// The check's detail: the violated clause, or the bound it holds within.
        public var detail: String
    }

    /// The scenario name, or what the user typed when it could not be loaded.
    public var subject: String
    public var report: CheckReport?
    /// The scenario (or its `expect:` list) is bad input.
    public var inputError: InputError?
    public var mismatches: [Mismatch]
    /// Expected violations that were found.
    public var violatedAsExpected: [String]
    /// Liveness properties left inconclusive at the liveness checker's state cap:
    /// reported, not a failure (the liveness graph ignores depth bounds).
    public var livenessInconclusive: [String]
    /// Safety properties left inconclusive because a limit was hit (exit 3).
    public var inconclusive: [String]
    public var seconds: Double

    public var failed: Bool { inputError != nil || !mismatches.isEmpty }

    /// The verdict column of the summary row.
    public var verdict: String {
        if let e = inputError { return "ERROR: bad input in \(e.field) (below)" }
        guard let report else { return "not run" }
        if !mismatches.isEmpty {
            return "FAIL: " + mismatches.map { "\($0.property) \($0.actual), expected \($0.expected)" }.joined(separator: "; ")
        }
        let holds = report.results.filter { $0.verdict == "holds" }.count
        var parts: [String] = []
        if !violatedAsExpected.isEmpty { parts.append("as expected: \(violatedAsExpected.joined(separator: ", ")) violated") }
        parts.append("\(holds) hold")
        if !inconclusive.isEmpty { parts.append("\(inconclusive.count) inconclusive (\(report.limitHit ?? "limit"))") }
        if !livenessInconclusive.isEmpty { parts.append("\(livenessInconclusive.count) inconclusive (liveness cap)") }
        return parts.joined(separator: ", ") + " — \(report.statistics.states) states"
    }

    /// Compares each checked property's verdict with the scenario's expectation
    /// (`holds` when not listed). An expected violation that is not found, or an
    /// unexpected one, is a mismatch; a safety property left inconclusive by a
    /// limit is not a mismatch but makes the run inconclusive.
    public static func compare(_ report: CheckReport) -> ScenarioVerification {
        var v = ScenarioVerification(subject: report.scenario.name, report: report, inputError: nil, mismatches: [],
                                     violatedAsExpected: [], livenessInconclusive: [], inconclusive: [], seconds: report.seconds)
        for r in report.results {
            let expected = report.scenario.expectedVerdict(of: r.id)
            switch (expected, r.verdict) {
            case (.violated, "violated"):
                v.violatedAsExpected.append(r.id)
            case (.holds, "holds"):
                break
            case (.holds, "inconclusive"):
                if r.kind == PropertyKind.liveness.rawValue { v.livenessInconclusive.append(r.id) } else { v.inconclusive.append(r.id) }
            default:
                v.mismatches.append(Mismatch(property: r.id, expected: expected.rawValue, actual: r.verdict, detail: r.detail))
            }
        }
        return v
    }

    /// A scenario that could not be loaded or whose `expect:` list is bad.
    public static func failed(_ subject: String, _ error: InputError) -> ScenarioVerification {
        ScenarioVerification(subject: subject, report: nil, inputError: error, mismatches: [], violatedAsExpected: [],
                             livenessInconclusive: [], inconclusive: [], seconds: 0)
    }
}

extension CheckPipeline {
    /// Checks every property ID of the scenario's `expect:` list against the
    /// catalogue; an unknown ID is bad input at the entry's line.
    public static func validateExpectations(_ scenario: Scenario) throws(InputError) {
        for e in scenario.expectations where Catalogue.entry(id: e.property) == nil {
            throw InputError(file: scenario.sourcePath ?? scenario.name, line: e.line, field: "expect.\(e.property)",
                             message: "unknown property '\(e.property)' (known: \(Catalogue.all.map(\.id).joined(separator: ", ")))")
        }
    }
}

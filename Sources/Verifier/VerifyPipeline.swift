import Scenarios
import Spec

/// `l4spec verify`: the main job. Now: the conformance suite on the spec;
/// later capabilities add exploration, proofs and refinement rows.
public struct VerifyRow: Sendable {
    public var capability: String
    public var subject: String
    public var verdict: String
    public var seconds: Double
}

public struct VerifyReport: Sendable {
    public var rows: [VerifyRow]
    public var conformance: [ConformanceResult]
    public var exitCode: Int32 {
        if conformance.contains(where: { $0.inputError != nil }) { return 2 }
        return conformance.allSatisfy(\.passed) ? 0 : 1
    }
}

public enum VerifyPipeline {
    public static func run(conformanceDirectory: String) -> VerifyReport {
        let clock = ContinuousClock()
        let t0 = clock.now
        let results = ConformanceSuite.run(directory: conformanceDirectory)
        let total = StepBenchmark.seconds(clock.now - t0)
        var rows: [VerifyRow] = []
        let groups = Dictionary(grouping: results, by: \.group)
        for group in groups.keys.sorted() {
            let rs = groups[group] ?? []
            let passed = rs.filter(\.passed).count
            rows.append(VerifyRow(capability: "conformance", subject: group,
                                  verdict: passed == rs.count ? "pass \(passed)/\(rs.count)" : "FAIL \(rs.count - passed) of \(rs.count)",
                                  seconds: total * Double(rs.count) / Double(max(results.count, 1))))
        }
        return VerifyReport(rows: rows, conformance: results)
    }

    /// The summary table, the failures in detail, and a one-line total.
    public static func renderText(_ report: VerifyReport) -> String {
        var out = TextTable.render(header: ["capability", "subject", "verdict", "time"],
                                   rows: report.rows.map { [$0.capability, $0.subject, $0.verdict, String(format3: $0.seconds) + " s"] })
        for r in report.conformance where !r.passed {
            out += "\n\nFAIL \(r.path)"
            if let e = r.inputError { out += "\n  \(e)" }
            if let run = r.run {
                if let step = run.firstMismatch {
                    out += "\n  step \(step.index)\(step.line.map { " (line \($0))" } ?? ""): \(step.event) → \(step.outcome)"
                    for m in step.mismatches { out += "\n    \(m)" }
                }
                for v in run.violations { out += "\n  not well formed: \(v)" }
            }
        }
        let passed = report.conformance.filter(\.passed).count
        let verdict = report.exitCode == 0 ? "PASS" : "FAIL"
        out += "\n\n\(verdict): conformance \(passed)/\(report.conformance.count) traces passed"
        return out
    }
}

extension String {
    /// A fixed three-decimal rendering without Foundation's `String(format:)`.
    init(format3 value: Double) {
        let scaled = Int((value * 1000).rounded())
        let frac = String(scaled % 1000)
        self = "\(scaled / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
    }
}

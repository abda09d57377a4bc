import Properties
import Scenarios
import Spec
import StateExplorer

/// `l4spec verify`: the main job. The conformance suite on the spec, then
/// `check` on every built-in scenario (all catalogue properties, each
/// scenario's own bounds) compared with the scenario's `expect:` list; later
/// capabilities add proof and refinement rows (DESIGN §9).
public struct VerifyRow: Sendable {
    public var capability: String
    public var subject: String
    public var verdict: String
    public var seconds: Double
}

public struct VerifyReport: Sendable {
    public var rows: [VerifyRow]
    public var conformance: [ConformanceResult]
    public var scenarios: [ScenarioVerification] = []

    /// DESIGN §9: 2 bad input, 1 a failed trace or a verdict other than the
    /// expected one, 3 a safety property left inconclusive by a limit, else 0.
    /// Liveness left inconclusive at the liveness cap is reported, not counted.
    public var exitCode: Int32 {
        if conformance.contains(where: { $0.inputError != nil }) || scenarios.contains(where: { $0.inputError != nil }) { return 2 }
        if !conformance.allSatisfy(\.passed) || scenarios.contains(where: \.failed) { return 1 }
        if scenarios.contains(where: { !$0.inconclusive.isEmpty }) { return 3 }
        return 0
    }
}

public enum VerifyPipeline {
    /// Conformance only (no scenario checks).
    public static func run(conformanceDirectory: String) -> VerifyReport {
        let results = conformanceRows(conformanceDirectory)
        return VerifyReport(rows: results.rows, conformance: results.results)
    }

    /// Conformance, then one check per scenario: `scenarios` are built-in names
    /// or YAML files (relative to `directory`); nil means every built-in.
    /// `progress` gives an optional reporter per scenario (a progress line).
    public static func run(conformanceDirectory: String, scenarios: [String]?, relativeTo directory: String? = nil,
                           options: CheckOptions = CheckOptions(),
                           progress: ((String) -> (any ExplorationReporter)?)? = nil,
                           finished: ((String) -> Void)? = nil) throws -> VerifyReport {
        var report = run(conformanceDirectory: conformanceDirectory)
        let entries = Catalogue.all
        for name in scenarios ?? ScenarioLoader.builtInNames {
            let verification = try check(name, relativeTo: directory, entries: entries, options: options,
                                         progress: progress, finished: finished)
            report.scenarios.append(verification)
            report.rows.append(VerifyRow(capability: "check", subject: verification.subject, verdict: verification.verdict,
                                         seconds: verification.seconds))
        }
        return report
    }

    /// One scenario: bad input (the file, its `expect:` list) becomes a failed
    /// row; anything else (an internal explorer error) is passed on.
    static func check(_ name: String, relativeTo directory: String?, entries: [CatalogueEntry], options: CheckOptions,
                      progress: ((String) -> (any ExplorationReporter)?)?, finished: ((String) -> Void)?) throws -> ScenarioVerification {
        let scenario: Scenario
        do throws(InputError) {
            scenario = try ScenarioLoader.resolve(name, relativeTo: directory)
            try CheckPipeline.validateExpectations(scenario)
        } catch {
            return .failed(name, error)
        }
        let reporter = progress?(scenario.name)
        defer { if reporter != nil { finished?(scenario.name) } }
        do {
            return ScenarioVerification.compare(try CheckPipeline.run(scenario, entries: entries, options: options, reporter: reporter))
        } catch let error as InputError {
            return .failed(name, error)
        }
    }

    static func conformanceRows(_ directory: String) -> (rows: [VerifyRow], results: [ConformanceResult]) {
        let clock = ContinuousClock()
        let t0 = clock.now
        let results = ConformanceSuite.run(directory: directory)
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
        return (rows, results)
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
        for v in report.scenarios where v.failed {
            out += "\n\nFAIL check \(v.subject)"
            if let e = v.inputError { out += "\n  \(e)" }
            for m in v.mismatches {
                out += "\n  \(m.property): \(m.actual), expected \(m.expected): \(m.detail)"
                if m.actual == "violated", let scenario = v.report?.scenario {
                    let name = ScenarioLoader.builtInNames.contains(scenario.name) ? scenario.name : scenario.sourcePath ?? scenario.name
                    out += "\n    counterexample: l4spec check \(name) --property \(m.property)"
                }
            }
        }
        for v in report.scenarios where !v.failed && !v.inconclusive.isEmpty {
            out += "\n\nINCONCLUSIVE check \(v.subject): \(v.inconclusive.joined(separator: ", ")) (\(v.report?.limitHit ?? "a limit was hit"))"
        }
        let passed = report.conformance.filter(\.passed).count
        let verdict = switch report.exitCode {
        case 0: "PASS"
        case 3: "INCONCLUSIVE"
        default: "FAIL"
        }
        out += "\n\n\(verdict): conformance \(passed)/\(report.conformance.count) traces passed"
        if !report.scenarios.isEmpty {
            let asExpected = report.scenarios.filter { !$0.failed }.count
            out += "; check \(asExpected)/\(report.scenarios.count) scenarios as expected"
            let live = report.scenarios.filter { !$0.livenessInconclusive.isEmpty }
            if !live.isEmpty {
                let ids = Set(live.flatMap(\.livenessInconclusive)).sorted().joined(separator: ", ")
                out += " (\(ids) inconclusive at the liveness cap in \(live.count) of them)"
            }
        }
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

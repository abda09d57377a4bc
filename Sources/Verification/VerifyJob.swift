import Foundation
import Properties
import Refinement
import Scenarios
import StateExplorer
import Verifier

/// Everything one `verify` run produced: the shared output model and the
/// capabilities' own reports (for renderers that need more, e.g. evidence).
public struct VerifyResult: Sendable {
    public var report: OutputReport
    public var conformance: [ConformanceResult] = []
    public var checks: [CheckReport] = []
    public var proof: ProofReport?
    public var refine: RefineReport?
    /// Baseline keys that this run did not produce.
    public var baselineNotRun: [String] = []
}

/// `l4spec verify`, the main job (issue 7 point 1, DESIGN §9): the
/// conformance suite, `check` of every scenario against its `expect:`
/// list, then `prove` and `refine` side by side on the two cores.
public enum VerifyJob {
    public static func run(_ options: VerifyOptions, progress: PhaseProgress? = nil) throws -> VerifyResult {
        let start = ContinuousClock.now
        var sources = OutputSources()
        var result = VerifyResult(report: OutputReport(command: "verify", tool: ToolInfo(version: options.toolVersion), results: [], seconds: 0))
        var records: [ResultRecord] = []

        let conformance = conformancePhase(options)
        result.conformance = conformance.results
        records += conformance.records
        progress?.done("conformance", "\(conformance.results.filter(\.passed).count)/\(conformance.results.count) traces passed")

        let names = options.scenarios ?? ScenarioLoader.builtInNames
        var scenarios: [Scenario] = []
        for name in names {
            switch try checkPhase(name, options, progress: progress, sources: &sources) {
            case .rejected(let rec): records.append(rec)
            case .checked(let scenario, let report, let recs):
                scenarios.append(scenario)
                result.checks.append(report)
                records += recs
            }
        }

        let side = try SideBySide.run(options, scenarios: scenarios, progress: progress)
        result.proof = side.proof
        result.refine = side.refine
        if let proof = side.proof {
            records += ProveRecords.records(proof, timeoutMilliseconds: options.proveTimeoutMilliseconds,
                                            unknownPasses: !options.strictProofs, sources: &sources)
        }
        if let refine = side.refine {
            for c in refine.cases {
                records += RefineRecords.records(RefineReport(cases: [c], seconds: c.seconds),
                                                 stateCap: c.kind == .edges ? options.refineEdgeStates : nil, sources: &sources)
            }
        }
        progress?.finish()
        result.report = OutputReport(command: "verify", tool: ToolInfo(version: options.toolVersion, z3: side.proof?.z3Version),
                                     timestamp: OutputJSON.timestamp(options.timestamp), settings: options.settings,
                                     policy: options.policy, results: records, seconds: seconds(since: start))
        return result
    }

    static func conformancePhase(_ options: VerifyOptions) -> (results: [ConformanceResult], records: [ResultRecord]) {
        let start = ContinuousClock.now
        let results = ConformanceSuite.run(directory: options.conformanceDirectory)
        let each = results.isEmpty ? 0 : seconds(since: start) / Double(results.count)
        let records = results.map { r in
            var rec = ReplayRecords.conformance(r, directory: options.conformanceDirectory)
            rec.seconds = each
            return rec
        }
        return (results, records)
    }

    /// One scenario: bad input (the file, its `expect:` list) becomes an error record.
    static func checkPhase(_ name: String, _ options: VerifyOptions, progress: PhaseProgress?,
                           sources: inout OutputSources) throws -> CheckedScenario {
        let scenario: Scenario
        do throws(InputError) {
            scenario = try ScenarioLoader.resolve(name, relativeTo: options.directory)
            try CheckPipeline.validateExpectations(scenario)
        } catch {
            return .rejected(CheckRecords.inputError(name, error))
        }
        let reporter = progress.map { CheckProgress(progress: $0, phase: "check \(scenario.name)") }
        let report: CheckReport
        do {
            report = try CheckPipeline.run(scenario, entries: Catalogue.all, options: options.check, reporter: reporter)
        } catch let error as InputError {
            return .rejected(CheckRecords.inputError(name, error))
        }
        let paths = try CheckRendering.writeTraces(report, to: options.outDirectory)
        let recs = CheckRecords.records(report, tracePaths: paths, expected: { scenario.expectedVerdict(of: $0).rawValue }, sources: &sources)
        let failed = recs.filter { $0.outcome != .pass }.count
        progress?.done("check \(scenario.name)", "\(report.statistics.states) states, \(recs.count) properties, "
            + (failed == 0 ? "all as expected" : "\(failed) not as expected") + String(format: " (%.1f s)", report.seconds))
        return .checked(scenario, report, recs)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// A scenario checked, or rejected as bad input (an error record).
enum CheckedScenario {
    case checked(Scenario, CheckReport, [ResultRecord])
    case rejected(ResultRecord)
}

/// The explorer's progress as a `verify` status line.
struct CheckProgress: ExplorationReporter {
    let progress: PhaseProgress
    let phase: String
    func progress(states: Int, transitions: Int, depth: Int, seconds: Double) {
        guard seconds >= 1 else { return }
        progress.update(phase, "depth \(depth), \(states) states, \(transitions) transitions")
    }
}

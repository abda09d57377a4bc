import Foundation
import Properties
import Refinement
import Scenarios
import SMT
import Verification
import Verifier

/// The results a bundle is built from: one `l4spec verify` run
/// (`VerifyResult`: the shared `OutputReport` records, which decide every
/// verdict's outcome exactly as `verify` does, and the capabilities' own
/// reports for what the records do not carry — scenarios, coverage,
/// counterexample states), plus the noninterference reports. Everything the
/// bundle says is derived from this value.
public struct EvidenceResults: Sendable {
    public var options: EvidenceOptions
    public var verify: VerifyResult
    public var noninterference: [NIReport] = []

    public var records: [ResultRecord] { verify.report.results }
    public var checks: [CheckReport] { verify.checks }
    public var scenarios: [Scenario] { verify.checks.map(\.scenario) }
    public var proof: ProofReport? { verify.proof }
    public var refinement: [RefineCase] { verify.refine?.cases ?? [] }
    public var conformance: [ConformanceResult] { verify.conformance }

    /// Scenario → property → counterexample trace, relative to the bundle.
    public var checkTraces: [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        for r in records where r.capability == .check {
            if let p = r.property, let t = r.evidence?.trace { out[r.subject, default: [:]][p] = t }
        }
        return out
    }
}

/// Runs the jobs. Bad input (a scenario file, its `expect:` list) is found
/// by `load` before anything runs or is written.
public enum EvidenceJobs {
    /// The scenarios to prove noninterference for, after checking that every scenario loads.
    public static func load(_ options: EvidenceOptions) throws(InputError) -> [Scenario] {
        for name in options.verify.scenarios ?? ScenarioLoader.builtInNames {
            try CheckPipeline.validateExpectations(try ScenarioLoader.resolve(name, relativeTo: options.verify.directory))
        }
        return try options.noninterference.map { (n) throws(InputError) in try ScenarioLoader.resolve(n, relativeTo: options.verify.directory) }
    }

    /// Runs `verify` with its traces written below `bundle` (the staging
    /// directory), then the noninterference proofs. Paths in the results are
    /// made relative to the bundle.
    public static func run(_ options: EvidenceOptions, noninterference: [Scenario], bundle: URL,
                           progress: PhaseProgress?) throws -> EvidenceResults {
        var verify = options.verify
        verify.outDirectory = bundle.appendingPathComponent(BundleLayout.traces).path
        var result = try VerifyJob.run(verify, progress: progress)
        relativize(&result, to: bundle)
        var out = EvidenceResults(options: options, verify: result)
        for scenario in noninterference {
            var ni = NIOptions()
            ni.timeoutMilliseconds = options.noninterferenceTimeoutMilliseconds
            progress?.update("noninterference \(scenario.name)", "unwinding conditions")
            let report = try Noninterference.run(scenario, ni) { o in
                progress?.update("noninterference \(scenario.name)", "\(o.condition.name) \(o.family): \(o.verdict.word)")
            }
            progress?.done("noninterference \(scenario.name)", "\(report.obligations.filter { $0.verdict == .proved }.count)/\(report.obligations.count) proved")
            out.noninterference.append(report)
        }
        return out
    }

    /// Trace paths and replay commands name files of the bundle, relative to its root.
    static func relativize(_ r: inout VerifyResult, to bundle: URL) {
        let prefix = bundle.standardizedFileURL.path + "/"
        func fix(_ s: String?) -> String? { s?.replacingOccurrences(of: prefix, with: "") }
        r.report.results = r.report.results.map { rec in
            var rec = rec
            if var e = rec.evidence {
                e.trace = fix(e.trace)
                e.replay = fix(e.replay)
                rec.evidence = e
            }
            return rec
        }
        guard var refine = r.refine else { return }
        for c in refine.cases.indices {
            for f in refine.cases[c].findings.indices { refine.cases[c].findings[f].tracePath = fix(refine.cases[c].findings[f].tracePath) }
        }
        r.refine = refine
    }
}

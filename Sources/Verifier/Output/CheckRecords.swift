import Properties
import Scenarios

/// `check` results as output records: one per property × scenario.
public enum CheckRecords {
    /// `expected` gives a property's declared verdict (verify: the scenario's
    /// `expect:` list); nil means plain `check`: violated fails, holds passes.
    /// Liveness left inconclusive at the liveness cap passes under an
    /// expectation (the liveness graph ignores depth bounds; verify's policy).
    public static func records(_ report: CheckReport, tracePaths: [String: String], expected: ((String) -> String?)? = nil,
                               sources: inout OutputSources) -> [ResultRecord] {
        let s = report.statistics
        let each = report.results.isEmpty ? 0 : report.seconds / Double(report.results.count)
        let depthBound = report.scenario.bounds.depth
        return report.results.map { r in
            var rec = ResultRecord(capability: .check, subject: report.scenario.name, property: r.id, title: r.title,
                                   requirement: r.requirement, method: "exhaustive exploration (breadth first)",
                                   verdict: r.verdict, outcome: .pass, seconds: each, detail: r.detail)
            rec.kind = r.kind
            rec.expected = expected?(r.id)
            rec.outcome = outcome(r, expected: rec.expected)
            rec.bound = r.kind == PropertyKind.liveness.rawValue
                ? "fair runs within depth \(depthBound)"
                : (report.boundedByDepth ? "every state within depth \(depthBound)" : "every reachable state")
            if r.verdict == "inconclusive" { rec.limit = report.limitHit ?? r.detail }
            rec.source = OutputSources.scenario(report.scenario, requirement: r.requirement)
            rec.assumptions = r.assumptions
            rec.metrics = ["states": s.states, "transitions": s.transitions, "depth": s.depth, "depth_bound": depthBound]
            if let trace = r.counterexample {
                let path = tracePaths[r.id]
                let steps = sources.steps(trace, names: report.scenario.names)
                rec.evidence = Evidence(kind: "counterexample", trace: path, replay: path.map { "l4spec run \($0)" }, steps: steps)
                rec.rule = steps.last?.rule
            }
            return rec
        }
    }

    static func outcome(_ r: PropertyResult, expected: String?) -> ResultOutcome {
        guard let expected else {
            switch r.verdict {
            case "holds": return .pass
            case "violated": return .fail
            default: return .inconclusive
            }
        }
        if r.verdict == expected { return .pass }
        if r.verdict == "inconclusive" && expected == "holds" {
            return r.kind == PropertyKind.liveness.rawValue ? .pass : .inconclusive
        }
        return .fail
    }

    /// A scenario that could not be loaded, or whose `expect:` list is bad.
    public static func inputError(_ subject: String, _ error: InputError) -> ResultRecord {
        var rec = ResultRecord(capability: .check, subject: subject, method: "exhaustive exploration (breadth first)",
                               verdict: "error", outcome: .error, seconds: 0, detail: error.description)
        rec.source = SourceRef(path: error.file, line: error.line, root: false)
        return rec
    }
}

/// Conformance traces and `l4spec run` replays as output records.
public enum ReplayRecords {
    /// One conformance trace; `subject` is its path below the suite directory.
    public static func conformance(_ r: ConformanceResult, directory: String) -> ResultRecord {
        let relative = r.path.hasPrefix(directory) ? String(r.path.dropFirst(directory.count).drop { $0 == "/" }) : r.path
        var rec = record(.conformance, subject: relative, path: r.path, run: r.run, error: r.inputError)
        rec.requirement = r.reference
        return rec
    }

    /// One trace replayed by `l4spec run`.
    public static func run(_ run: TraceRun, path: String, seconds: Double) -> ResultRecord {
        var rec = record(.run, subject: path, path: path, run: run, error: nil)
        rec.seconds = seconds
        rec.requirement = run.trace.reference
        if let id = run.trace.property {
            rec.property = id
            if let v = run.propertyViolation {
                rec.verdict = "violated"
                rec.outcome = .fail
                rec.detail = "\(id) is violated after step \(v.step): \(v.detail)"
            } else if rec.outcome == .pass {
                rec.verdict = "fail"
                rec.outcome = .fail
                rec.detail = "\(id) holds along this trace (\(run.steps.count) steps): the counterexample does not reproduce"
            }
        }
        return rec
    }

    static func record(_ capability: ResultCapability, subject: String, path: String, run: TraceRun?, error: InputError?) -> ResultRecord {
        var rec = ResultRecord(capability: capability, subject: subject, method: "replay on the spec with expected results",
                               verdict: "pass", outcome: .pass, seconds: 0, detail: "")
        rec.source = SourceRef(path: path, root: false)
        if let error {
            rec.verdict = "error"
            rec.outcome = .error
            rec.detail = error.description
            rec.source?.line = error.line
            return rec
        }
        guard let run else { return rec }
        rec.metrics = ["steps": run.steps.count]
        rec.detail = "\(run.steps.count) step(s) as expected"
        if let bad = run.firstMismatch {
            rec.verdict = "fail"
            rec.outcome = .fail
            rec.detail = "step \(bad.index): \(bad.event) → \(bad.outcome): \(bad.mismatches.joined(separator: "; "))"
            rec.source?.line = bad.line
            rec.evidence = Evidence(kind: "mismatch", replay: "l4spec run \(path)", steps: run.steps.map { s in
                EvidenceStep(text: "\(s.index + 1). \(s.event) → \(s.outcome)", changes: s.mismatches.map { "MISMATCH \($0)" })
            })
        } else if !run.violations.isEmpty {
            rec.verdict = "fail"
            rec.outcome = .fail
            rec.detail = "not well formed after step \(run.steps.count - 1): " + run.violations.map { "\($0)" }.joined(separator: "; ")
        }
        return rec
    }
}

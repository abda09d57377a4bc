import Foundation
import Refinement
import Scenarios
import Verifier

/// The machine-readable results under `results/`, one file per job and
/// subject, which the matrix rows link to. Times are left out on purpose:
/// they differ between runs, and the bundle must not (docs/evidence.md).
enum ResultFiles {
    static func write(_ r: EvidenceResults, to bundle: URL) throws {
        for report in r.checks {
            try put(check(report, traces: r.checkTraces[report.scenario.name] ?? [:]), BundleLayout.checkResults(report.scenario.name), bundle)
        }
        if let p = r.proof { try put(prove(p), BundleLayout.proveResults, bundle) }
        for ni in r.noninterference { try put(noninterference(ni), BundleLayout.noninterferenceResults(ni.scenario), bundle) }
        if let refine = r.verify.refine { try put(RefineFile(cases: refine.cases.map(Self.refine)), BundleLayout.refineResults, bundle) }
        if !r.conformance.isEmpty { try put(conformance(r.conformance, root: r.options.verify.conformanceDirectory), BundleLayout.conformanceResults, bundle) }
        try put(timeless(r.verify.report), BundleLayout.verifyResults, bundle)
    }

    /// `verify`'s report with every time set to 0: the bundle holds no
    /// measurement that differs between two runs (`l4spec verify --format
    /// json` prints the times).
    static func timeless(_ report: OutputReport) -> OutputReport {
        var r = report
        for i in r.results.indices { r.results[i].seconds = 0 }
        r.resummarize()
        r.summary.seconds = 0
        return r
    }

    static func put<T: Encodable>(_ value: T, _ path: String, _ bundle: URL) throws {
        try BundleFiles.write(try encode(value), to: path, in: bundle)
    }

    /// Sorted keys, no escaped slashes, a final newline: stable bytes.
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value) + Data("\n".utf8)
    }

    struct CheckFile: Encodable {
        struct Property: Encodable {
            var id, title, kind, verdict, expected, detail: String
            var trace: String?
            var traceLength: Int?
        }
        var format = "l4spec-evidence-check/1"
        var scenario: String
        var states, transitions, depth, depthBound: Int
        var depthBoundReached: Bool
        var limit: String?
        var coverage: [String: Int]
        var properties: [Property]
    }

    static func check(_ c: CheckReport, traces: [String: String]) -> CheckFile {
        CheckFile(scenario: c.scenario.name, states: c.statistics.states, transitions: c.statistics.transitions, depth: c.statistics.depth,
                  depthBound: c.scenario.bounds.depth, depthBoundReached: c.boundedByDepth, limit: c.limitHit,
                  coverage: Dictionary(uniqueKeysWithValues: c.coverage.map { ($0.name, $0.count) }),
                  properties: c.results.map { p in
                      .init(id: p.id, title: p.title, kind: p.kind, verdict: p.verdict, expected: c.scenario.expectedVerdict(of: p.id).rawValue,
                            detail: p.detail, trace: traces[p.id], traceLength: p.counterexample?.events.count)
                  })
    }

    struct Obligation: Encodable {
        var property, systemCall, verdict: String
        var reason: String?
        var counterexample: [String]?
        var reachable: String?
    }

    static func obligation(_ property: String, _ family: String, _ v: ProofVerdict) -> Obligation {
        var o = Obligation(property: property, systemCall: family, verdict: v.word)
        switch v {
        case .unknown(let why): o.reason = why
        case .refuted(let c):
            o.counterexample = c.lines
            o.reachable = c.reachability
        case .proved, .vacuous: break
        }
        return o
    }

    struct ProveFile: Encodable {
        var format = "l4spec-evidence-prove/1"
        var z3: String
        var strengthening: [[String: String]]
        var assumptions, notEncoded: [String]
        var obligations: [Obligation]
    }

    static func prove(_ p: ProofReport) -> ProveFile {
        ProveFile(z3: p.z3Version, strengthening: p.strengthening.map { ["id": $0.id, "title": $0.title] }, assumptions: p.assumptions,
                  notEncoded: p.notEncoded, obligations: p.obligations.map { obligation($0.property, $0.family, $0.verdict) })
    }

    struct NIFile: Encodable {
        struct Condition: Encodable {
            var obligation: Obligation
            var pair: [String]?
        }
        var format = "l4spec-evidence-noninterference/1"
        var scenario, observation, z3: String
        var assumptions: [String]
        var conditions: [Condition]
    }

    static func noninterference(_ r: NIReport) -> NIFile {
        NIFile(scenario: r.scenario, observation: r.observation.rawValue, z3: r.z3Version, assumptions: r.assumptions,
               conditions: r.obligations.map { .init(obligation: obligation($0.condition.name, $0.family, $0.verdict), pair: $0.pair?.lines) })
    }

    struct RefineFile: Encodable {
        var format = "l4spec-evidence-refine/1"
        var cases: [RefineCaseFile]
    }

    struct RefineCaseFile: Encodable {
        struct Divergence: Encodable {
            var kind: String
            var occurrences, originalLength: Int
            var events: [String]
            var step: Int
            var fields: [[String: String]]
            var trace: String?
        }
        var kind, input, verdict: String
        var steps, edges, states, depth, walks: Int
        var limit: String?
        var divergences: [Divergence]
    }

    static func refine(_ c: RefineCase) -> RefineCaseFile {
        RefineCaseFile(kind: c.kind.rawValue, input: c.name, verdict: c.verdict, steps: c.steps, edges: c.edges, states: c.states, depth: c.depth,
                       walks: c.walks, limit: c.limit,
                       divergences: c.findings.map { f in
                           .init(kind: f.classKey, occurrences: f.count, originalLength: f.originalLength,
                                 events: f.events.map { EventText.describe($0, names: f.scenario.names) }, step: f.divergence.step,
                                 fields: f.divergence.diffs.map { ["field": $0.path, "spec": $0.spec, "impl": $0.impl] }, trace: f.tracePath)
                       })
    }

    struct ConformanceFile: Encodable {
        struct Entry: Encodable {
            var trace, group, verdict: String
            var reference: String?
            var problem: String?
        }
        var format = "l4spec-evidence-conformance/1"
        var traces: [Entry]
    }

    static func conformance(_ results: [ConformanceResult], root: String) -> ConformanceFile {
        ConformanceFile(traces: results.map { c in
            let path = c.path.hasPrefix(root + "/") ? "Conformance/" + c.path.dropFirst(root.count + 1) : c.path
            return .init(trace: path, group: c.group, verdict: c.passed ? "passed" : "failed", reference: c.reference,
                         problem: c.passed ? nil : FindingBuilder.conformanceLine(c))
        })
    }
}

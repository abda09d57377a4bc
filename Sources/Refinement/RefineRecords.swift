import Scenarios
import Verifier

/// `refine` inputs as output records (docs/output.md): one per trace, per
/// scenario's edges and per batch of random walks; a divergence carries the
/// shrunk trace and the differing fields of its first finding.
public enum RefineRecords {
    /// `stateCap`: the state cap `verify` chose for edge replay. An edge run
    /// stopped by it is not inconclusive but agrees within the stated bound:
    /// every edge to the last complete depth, the next depth in part.
    public static func records(_ report: RefineReport, stateCap: Int? = nil, sources: inout OutputSources) -> [ResultRecord] {
        report.cases.map { record($0, stateCap: stateCap, sources: &sources) }
    }

    static func record(_ c: RefineCase, stateCap: Int?, sources: inout OutputSources) -> ResultRecord {
        var rec = ResultRecord(capability: .refine, subject: subject(c), method: method(c.kind), verdict: c.verdict,
                               outcome: c.diverged ? .fail : (c.limit != nil ? .inconclusive : .pass), seconds: c.seconds, detail: "")
        rec.requirement = "KernelImpl refines the spec: after every step the abstracted implementation state, the results and the received messages equal the spec's (DESIGN §8)"
        rec.metrics = ["steps": c.steps]
        switch c.kind {
        case .trace:
            rec.source = SourceRef(path: c.name, root: false)
            rec.detail = "\(c.steps) step(s) compared"
        case .edges:
            rec.metrics["edges"] = c.edges
            rec.metrics["states"] = c.states
            rec.metrics["depth"] = c.depth
            rec.detail = "\(c.edges) edges of \(c.states) states compared, depth \(c.depth)"
            rec.bound = "every explored edge within depth \(c.depth)"
        case .random:
            rec.metrics["walks"] = c.walks
            rec.detail = "\(c.walks) walks, \(c.steps) steps compared"
            rec.bound = c.name
        }
        if let limit = c.limit {
            if let cap = stateCap, !c.diverged {
                rec.verdict = "agree"
                rec.outcome = .pass
                rec.bound = "every edge to depth \(c.depth), depth \(c.depth + 1) in part (state cap \(cap))"
            } else {
                rec.limit = limit
                rec.detail += "; stopped: \(limit)"
            }
        }
        if let f = c.findings.first {
            rec.detail = "\(c.divergenceCount) divergence(s) in \(c.findings.count) class(es); first: \(f.classKey): "
                + (f.divergence.diffs.first?.description ?? "")
            rec.evidence = evidence(f, sources: &sources)
            rec.rule = f.divergence.event.flatMap { sources.rule(for: $0) }
            if c.kind != .trace { rec.source = OutputSources.scenario(f.scenario) }
        }
        return rec
    }

    /// The refine input as a stable subject: the trace path, "edges NAME", or the walks' name.
    static func subject(_ c: RefineCase) -> String {
        switch c.kind {
        case .trace, .random: c.name
        case .edges: "edges \(c.name)"
        }
    }

    static func method(_ kind: RefineCase.Kind) -> String {
        switch kind {
        case .trace: "refinement replay of a trace"
        case .edges: "refinement replay of every explored edge"
        case .random: "refinement replay of seeded random walks"
        }
    }

    /// The shrunk trace, step by step; the differing fields under the last step.
    static func evidence(_ f: DivergenceFinding, sources: inout OutputSources) -> Evidence {
        var steps = f.events.enumerated().map { i, e in
            EvidenceStep(text: "\(i + 1). \(EventText.describe(e, names: f.scenario.names))", rule: sources.rule(for: e))
        }
        let diffs = f.divergence.diffs.map { "\($0.path): spec \($0.spec) | impl \($0.impl)" }
        if steps.isEmpty {
            steps = [EvidenceStep(text: "boot", changes: diffs)]
        } else {
            steps[steps.count - 1].changes = diffs
        }
        return Evidence(kind: "divergence", trace: f.tracePath, replay: f.tracePath.map { "l4spec show \($0)" }, steps: steps)
    }
}

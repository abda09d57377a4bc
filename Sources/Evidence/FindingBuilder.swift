import Foundation
import Refinement
import Scenarios
import Verifier

/// Every violation, refutation, divergence and failed conformance trace,
/// with what an assessor needs to reproduce it: the trace file and the
/// command that replays it, the steps, and a sequence diagram.
struct FindingBuilder {
    var figures: FigureWriter
    private(set) var findings: [EvidenceDocument.Finding] = []
    /// Figure name → figure, for the matrix's links.
    private(set) var byName: [String: EvidenceDocument.Figure] = [:]

    static func checkFigureName(_ scenario: String, _ id: String) -> String { "trace-\(scenario)-\(id)" }

    mutating func build(_ r: EvidenceResults) throws {
        for report in r.checks {
            for p in report.results {
                guard let trace = p.counterexample else { continue }
                try addViolation(p, trace: trace, report: report, path: r.checkTraces[report.scenario.name]?[p.id])
            }
        }
        addRefutations(r)
        for c in r.refinement {
            for f in c.findings { try addDivergence(f, bundle: figures.bundle) }
        }
        let failed = r.conformance.filter { !$0.passed }
        if !failed.isEmpty {
            findings.append(.init(anchor: "finding-conformance", title: "Conformance traces that fail", outcome: .fail,
                                  lines: ["These traces do not give the result the reference documents:"], details: failed.map(Self.conformanceLine), steps: [], figure: nil, artifacts: []))
        }
    }

    mutating func addViolation(_ p: PropertyResult, trace: Trace, report: CheckReport, path: String?) throws {
        let scenario = report.scenario
        let expected = scenario.expectedVerdict(of: p.id) == .violated
        let diagram = SequenceDiagram.build(trace: trace, scenario: scenario, sidecar: nil)
        let name = Self.checkFigureName(scenario.name, p.id)
        let figure = try figures.figure(name: name, caption: "Shortest counterexample to \(p.id) in \(scenario.name)",
                                        dot: SequenceChart.dot(diagram, title: "\(p.id) violated in \(scenario.name)", highlight: trace.events.count - 1))
        byName[name] = figure
        var lines = ["\(p.title): \(p.detail)."]
        lines.append(expected ? "Expected: the scenario declares this violation (`expect: \(p.id): violated`); it demonstrates that the check detects the flaw the configuration contains."
                              : "Unexpected: the scenario expects this property to hold.")
        if let path { lines.append("Replay: `l4spec run \(path)` (from the bundle directory)") }
        var links: [EvidenceDocument.Link] = []
        if let path { links.append(.init(label: "trace", path: path)) }
        links.append(.init(label: "diagram source", path: figure.dot))
        findings.append(.init(anchor: "finding-" + BundleLayout.slug(name), title: "\(p.id) violated in \(scenario.name)",
                              outcome: expected ? .expectedViolation : .fail, lines: lines, details: [],
                              steps: trace.events.map { EventText.describe($0.event, names: scenario.names) }, figure: figure, artifacts: links))
    }

    mutating func addRefutations(_ r: EvidenceResults) {
        for o in r.proof?.obligations ?? [] {
            guard case .refuted(let c) = o.verdict else { continue }
            findings.append(.init(anchor: "finding-" + BundleLayout.slug("prove-\(o.property)-\(o.family)"),
                                  title: "\(o.property) refuted for \(o.family)", outcome: .fail,
                                  lines: ["A state satisfying every invariant whose step breaks the property (reachable: \(c.reachability)):"],
                                  details: c.lines, steps: [], figure: nil, artifacts: [.init(label: "obligations", path: BundleLayout.proveResults)]))
        }
        for report in r.noninterference {
            for o in report.obligations {
                guard case .refuted(let c) = o.verdict else { continue }
                var lines = ["\(o.condition.name): `\(o.condition.statement)`"]
                let details: [String]
                if let pair = o.pair {
                    lines.append("A concrete pair anchored at the boot state of \(report.scenario):")
                    details = pair.lines
                } else {
                    lines += (o.anchorNote.map { ["No concrete pair: \($0)."] } ?? []) + ["Abstract counterexample (reachability not decided):"]
                    details = c.lines
                }
                findings.append(.init(anchor: "finding-" + BundleLayout.slug("ni-\(report.scenario)-\(o.condition.rawValue)-\(o.family)"),
                                      title: "\(o.condition.name) refuted for \(o.family) in \(report.scenario)", outcome: .fail, lines: lines,
                                      details: details, steps: [], figure: nil, artifacts: [.init(label: "conditions", path: BundleLayout.noninterferenceResults(report.scenario))]))
            }
        }
    }

    mutating func addDivergence(_ f: DivergenceFinding, bundle: URL) throws {
        let trace = Trace(scenario: f.scenario.name, events: f.events.map { TraceEvent(event: $0) })
        let sidecar = try f.tracePath.flatMap { p throws in try RefineSidecar.load(for: bundle.appendingPathComponent(p).path) }
        let diagram = SequenceDiagram.build(trace: trace, scenario: f.scenario, sidecar: sidecar)
        let name = "divergence-" + (f.tracePath.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? f.scenario.name)
        let figure = try figures.figure(name: name, caption: "Minimal diverging trace: \(f.classKey)",
                                        dot: SequenceChart.dot(diagram, title: "Spec and KernelImpl diverge on \(f.scenario.name)", highlight: f.divergence.step))
        byName[name] = figure
        var links: [EvidenceDocument.Link] = []
        if let p = f.tracePath { links.append(.init(label: "trace", path: p)) }
        let d = f.divergence
        var lines = ["First found in \(f.origin); \(f.count) occurrence(s) of this kind; shrunk from \(f.originalLength) to \(f.events.count) event(s).",
                     "At step \(d.step + 1) (\(d.eventText)) the two sides differ:"]
        if let p = f.tracePath { lines.append("Replay: `l4spec refine --trace \(p)`; side by side: `l4spec show \(p)` (from the bundle directory)") }
        findings.append(.init(anchor: "finding-" + BundleLayout.slug(name), title: "Divergence: \(f.classKey)", outcome: .fail, lines: lines,
                              details: d.diffs.map { "\($0.path): spec \($0.spec) | implementation \($0.impl)" }, steps: f.events.map { EventText.describe($0, names: f.scenario.names) }, figure: figure, artifacts: links))
    }

    static func conformanceLine(_ c: ConformanceResult) -> String {
        if let e = c.inputError { return "\(c.path): \(e)" }
        guard let run = c.run else { return "\(c.path): not run" }
        if let step = run.firstMismatch { return "\(c.path): step \(step.index) \(step.event) → \(step.outcome): \(step.mismatches.joined(separator: "; "))" }
        return "\(c.path): not well formed: \(run.violations.map { "\($0)" }.joined(separator: "; "))"
    }
}

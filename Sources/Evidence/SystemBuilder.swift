import Scenarios
import Spec
import Verifier

/// The system configurations under assessment: one section per scenario
/// with its facts and its initial authority graph, and the explorer's
/// coverage across them (issue 7 point 3).
enum SystemBuilder {
    static func sections(_ r: EvidenceResults, figures: inout FigureWriter) throws -> [EvidenceDocument.SystemSection] {
        try r.scenarios.map { s in
            let figure = try figures.figure(name: "authority-\(s.name)", caption: "Initial authority graph of \(s.name): tasks and threads by security domain, a capability per slot with its rights, pages to frames",
                                            dot: AuthorityGraph.dot(s))
            return EvidenceDocument.SystemSection(name: s.name, description: s.description, facts: facts(s, r), figure: figure,
                                                  copy: s.sourcePath == nil ? nil : .init(label: "scenario file", path: BundleLayout.scenarioCopy(s.name)))
        }
    }

    static func facts(_ s: Scenario, _ r: EvidenceResults) -> [EvidenceDocument.Fact] {
        typealias Fact = EvidenceDocument.Fact
        let b = s.bounds
        var out = [Fact(name: "Source", value: ScenarioLoader.builtInNames.contains(s.name) ? "built-in (Sources/Scenarios/BuiltIn/\(s.name).yaml)" : s.sourcePath ?? "in memory")]
        out.append(Fact(name: "Bounds", value: "slots \(b.slots), pages \(b.pages), CPUs \(b.cpus), depth \(r.options.verify.check.maxDepth ?? b.depth), words \(b.words)"))
        out.append(Fact(name: "Threads", value: s.threads.map { t in
            switch t.behaviour {
            case .any: "\(t.name) (any)"
            case .script(let steps, let loop): "\(t.name) (script, \(steps.count) step\(steps.count == 1 ? "" : "s")\(loop ? ", loops" : ""))"
            }
        }.joined(separator: ", ")))
        out.append(Fact(name: "Policy", value: AssumptionBuilder.policy(s)))
        if !s.expectations.isEmpty {
            out.append(Fact(name: "Declared violations", value: s.expectations.filter { $0.verdict == .violated }.map(\.property).joined(separator: ", ")))
        }
        if let report = r.checks.first(where: { $0.scenario.name == s.name }) {
            let st = report.statistics
            out.append(Fact(name: "Explored", value: "\(st.states) states, \(st.transitions) transitions, depth \(st.depth)"
                            + (report.boundedByDepth ? " (depth bound reached)" : "") + (report.limitHit.map { "; stopped: \($0)" } ?? "")))
        }
        return out
    }

    /// Item × scenario transition counts, in the explorer's item order.
    static func coverage(_ r: EvidenceResults) -> EvidenceDocument.Coverage {
        let reports = r.checks
        let items = reports.first?.coverage.map(\.name) ?? []
        let rows = items.map { item in
            EvidenceDocument.CoverageRow(item: item, counts: reports.map { rep in rep.coverage.first { $0.name == item }?.count ?? 0 })
        }
        return .init(scenarios: reports.map(\.scenario.name), rows: rows)
    }
}

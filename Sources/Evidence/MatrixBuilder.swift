import Foundation
import Properties
import Verifier

/// The traceability matrix (issue 7 point 3): requirement → method →
/// scenario or obligation → verdict → artifact. The rows are `verify`'s own
/// result records (`OutputReport`), so the bundle and `verify` agree on
/// every verdict. Catalogue properties come first in catalogue order, each
/// with its exploration rows (one per scenario) and proof rows (one per
/// system call family); then the strengthening invariants the proofs rely
/// on, the noninterference conditions, refinement and conformance.
enum MatrixBuilder {
    typealias Row = EvidenceDocument.MatrixRow
    typealias Link = EvidenceDocument.Link

    static func requirements(_ r: EvidenceResults, figures: [String: EvidenceDocument.Figure]) -> [EvidenceDocument.Requirement] {
        var out: [EvidenceDocument.Requirement] = []
        let byProperty = Dictionary(grouping: r.records.filter { $0.property != nil && [.check, .prove].contains($0.capability) }) { $0.property ?? "" }
        for e in Catalogue.all {
            guard let recs = byProperty[e.id] else { continue }
            out.append(.init(id: e.id, title: e.title, text: e.requirement, conditions: e.assumptions,
                             rows: recs.filter { $0.capability == .check }.map { row($0, figures: figures) }
                                 + recs.filter { $0.capability == .prove }.map { row($0, figures: figures) }))
        }
        let catalogue = Set(Catalogue.all.map(\.id))
        for aux in r.proof?.strengthening ?? [] where !catalogue.contains(aux.id) {
            guard let recs = byProperty[aux.id] else { continue }
            out.append(.init(id: aux.id, title: "Strengthening invariant",
                             text: aux.title + " (not a catalogue requirement: assumed and proved so that the catalogue's invariants are inductive)",
                             conditions: [], rows: recs.map { row($0, figures: figures) }))
        }
        out += noninterference(r)
        let refine = r.records.filter { $0.capability == .refine }
        if !refine.isEmpty {
            out.append(.init(id: "REFINE", title: "KernelImpl refines the specification", text: refine[0].requirement ?? "",
                             conditions: [], rows: grouped(refine, figures: figures)))
        }
        let conformance = r.records.filter { $0.capability == .conformance }
        if !conformance.isEmpty {
            out.append(.init(id: "CONFORMANCE", title: "The specification behaves as the reference documents",
                             text: "Each conformance trace replays a behaviour the reference describes (kernel-api.md; the trace names the section) and states the result the reference gives for every step; the specification must produce exactly those results and stay well formed.",
                             conditions: [], rows: grouped(conformance, figures: figures)))
        }
        return out
    }

    /// One record as a row: the record's verdict and outcome, the bundle's links.
    static func row(_ rec: ResultRecord, figures: [String: EvidenceDocument.Figure]) -> Row {
        var links: [Link] = []
        var assumptions: [String] = []
        switch rec.capability {
        case .check:
            links.append(Link(label: "results", path: BundleLayout.checkResults(rec.subject)))
            assumptions.append(AssumptionBuilder.boundsID(rec.subject))
        case .prove:
            links.append(Link(label: "obligations", path: BundleLayout.proveResults))
            assumptions.append(AssumptionBuilder.proveID)
        case .refine:
            links.append(Link(label: "results", path: BundleLayout.refineResults))
            assumptions.append(AssumptionBuilder.refineID)
        case .conformance, .run:
            links.append(Link(label: "traces", path: BundleLayout.conformanceResults))
            assumptions.append(AssumptionBuilder.conformanceID)
        }
        assumptions.append(AssumptionBuilder.policyID)
        if let trace = rec.evidence?.trace { links.append(Link(label: "trace", path: trace)) }
        if rec.capability == .check, let p = rec.property, let f = figures[FindingBuilder.checkFigureName(rec.subject, p)] {
            links.append(Link(label: "diagram", path: f.svg ?? f.dot))
        }
        var detail = rec.detail
        // Check details already name the bound they hold within.
        if let bound = rec.bound, rec.capability != .check, !detail.contains(bound) { detail += " (\(bound))" }
        if rec.expected == "violated" { detail += "; the scenario declares this violation (expect: violated)" }
        if let states = rec.metrics["states"], rec.capability == .check, rec.verdict == "holds" {
            detail += "; \(states) states, \(rec.metrics["transitions"] ?? 0) transitions"
        }
        return Row(method: method(rec), subject: rec.subject, verdict: rec.verdict, outcome: outcome(rec), detail: detail,
                   assumptions: assumptions, artifacts: links)
    }

    static func method(_ rec: ResultRecord) -> Method {
        switch rec.capability {
        case .check: .exploration
        case .prove: .inductiveProof
        case .refine: .refinementReplay
        case .conformance, .run: .conformanceReplay
        }
    }

    /// `verify`'s outcome, made explicit for an assessor: a declared violation
    /// found is an expected violation; a verdict that is not evidence either
    /// way (inconclusive, unknown, vacuous) is open even where `verify`'s
    /// policy does not count it.
    static func outcome(_ rec: ResultRecord) -> Outcome {
        switch rec.outcome {
        case .fail, .error: return .fail
        case .inconclusive: return .open
        case .pass:
            if rec.verdict == "violated" { return .expectedViolation }
            return ["inconclusive", "unknown", "vacuous"].contains(rec.verdict) ? .open : .pass
        }
    }

    /// Trace-by-trace records (conformance, refinement of the conformance
    /// traces) folded into one row per directory; scenario records stay one row each.
    static func grouped(_ recs: [ResultRecord], figures: [String: EvidenceDocument.Figure]) -> [Row] {
        var rows: [Row] = []
        var groups: [String: [ResultRecord]] = [:]
        for rec in recs {
            if rec.subject.hasSuffix(".json") {
                groups[URL(fileURLWithPath: rec.subject).deletingLastPathComponent().lastPathComponent, default: []].append(rec)
            } else {
                rows.append(row(rec, figures: figures))
            }
        }
        let folded = groups.keys.sorted().compactMap { g -> Row? in
            guard let rs = groups[g], !rs.isEmpty else { return nil }
            let each = rs.map { row($0, figures: figures) }
            let bad = zip(rs, each).filter { $0.1.outcome != .pass }.map(\.0)
            var first = each[0]
            first.subject = "\(g)/ (\(rs.count) trace\(rs.count == 1 ? "" : "s"))"
            first.outcome = each.contains { $0.outcome == .fail } ? .fail : each.contains { $0.outcome == .open } ? .open : .pass
            first.verdict = bad.first?.verdict ?? (first.method == .refinementReplay ? "agree" : "pass")
            first.detail = "\(rs.count - bad.count) of \(rs.count) as required"
                + (bad.isEmpty ? "" : "; not: " + bad.map { "\($0.subject) (\($0.verdict): \($0.detail))" }.joined(separator: "; "))
            first.artifacts = first.artifacts.filter { $0.label != "trace" } + bad.compactMap { $0.evidence?.trace }.map { Link(label: "trace", path: $0) }
            return first
        }
        return folded + rows
    }

    /// One requirement per unwinding condition; one row per scenario × system call.
    static func noninterference(_ r: EvidenceResults) -> [EvidenceDocument.Requirement] {
        guard !r.noninterference.isEmpty else { return [] }
        return NICondition.allCases.compactMap { c in
            let rows = r.noninterference.flatMap { report in
                report.obligations.filter { $0.condition == c }.map { o in
                    Row(method: .unwindingProof, subject: "\(report.scenario): \(o.family)", verdict: o.verdict.word,
                        outcome: o.verdict == .proved ? .pass : (o.verdict.word == "refuted" ? .fail : .open),
                        detail: o.pair.map { "concrete pair anchored at the boot state (secret domain \($0.secret))" } ?? detail(o.verdict),
                        assumptions: [AssumptionBuilder.noninterferenceID(report.scenario)],
                        artifacts: [Link(label: "conditions", path: BundleLayout.noninterferenceResults(report.scenario))])
                }
            }
            guard !rows.isEmpty else { return nil }
            let id = c.name.hasPrefix("INFO-") || c.name.hasPrefix("NI-") ? String(c.name.prefix { $0 != " " }) : "NI"
            let title = id == "NI" ? c.name : String(c.name.dropFirst(id.count + 1))
            return .init(id: id, title: "Noninterference: " + title, text: c.statement, conditions: [], rows: rows)
        }
    }

    static func detail(_ v: ProofVerdict) -> String {
        switch v {
        case .proved: "unsatisfiable for both copies: the condition holds after every encoded step"
        case .refuted(let c): "a pair of states satisfying every invariant that breaks it (reachable: \(c.reachability))"
        case .unknown(let why): "not decided: \(why)"
        case .vacuous: "the hypotheses are unsatisfiable, so the condition proves nothing and is not counted as proved"
        }
    }
}

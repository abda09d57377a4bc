import Foundation
import Verifier

/// The text report of `verify`: one summary table (capability × scenario,
/// system call or input × verdict × time), what failed in detail, the policy
/// and bounds in force, and a one-line total. Per-property and
/// per-obligation rows are in `--format json|junit|sarif`.
public enum VerifyText {
    public static func render(_ report: OutputReport, baselineNotRun: [String] = []) -> String {
        let rows = groups(report.results).map { g in
            [g.capability.rawValue, g.subject, verdict(g), String(format: "%.1f s", g.records.reduce(0) { $0 + $1.seconds })]
        }
        var out = TextTable.render(header: ["capability", "subject", "verdict", "time"], rows: rows)
        for r in report.results where r.outcome != .pass {
            out += "\n\n" + detail(r)
        }
        if !baselineNotRun.isEmpty {
            out += "\n\nbaseline entries not produced by this run (\(baselineNotRun.count)): "
                + baselineNotRun.prefix(5).joined(separator: "; ") + (baselineNotRun.count > 5 ? "; …" : "")
        }
        out += "\n\nPolicy:\n" + report.policy.map { "  - \($0)\n" }.joined()
        out += "Bounds:\n" + report.settings.map { "  \($0.name): \($0.value)\n" }.joined()
        return out + "\n" + total(report)
    }

    struct Group {
        var capability: ResultCapability
        var subject: String
        var records: [ResultRecord]
    }

    /// Table rows: conformance per directory, check per scenario, prove per
    /// system call, refine traces together, edges per scenario, walks.
    static func groups(_ results: [ResultRecord]) -> [Group] {
        var out: [Group] = []
        for r in results {
            let subject: String
            switch r.capability {
            case .conformance: subject = r.subject.split(separator: "/").dropLast().first.map(String.init) ?? "."
            case .refine where r.subject.hasPrefix("edges ") || r.subject.hasPrefix("random "): subject = r.subject
            case .refine: subject = "conformance traces on both sides"
            default: subject = r.subject
            }
            if let last = out.indices.last, out[last].capability == r.capability, out[last].subject == subject {
                out[last].records.append(r)
            } else {
                out.append(Group(capability: r.capability, subject: subject, records: [r]))
            }
        }
        return out
    }

    static func verdict(_ g: Group) -> String {
        let rs = g.records
        let bad = rs.filter { $0.outcome == .fail || $0.outcome == .error }
        if !bad.isEmpty {
            return (bad.contains { $0.outcome == .error } ? "ERROR: " : "FAIL: ")
                + bad.prefix(4).map { r in "\(r.property ?? r.subject) \(r.verdict)" + (r.expected.map { ", expected \($0)" } ?? "") }
                .joined(separator: "; ") + (bad.count > 4 ? "; … (\(bad.count))" : "")
        }
        switch g.capability {
        case .conformance, .run:
            return "pass \(rs.count)/\(rs.count)"
        case .check:
            return checkVerdict(rs)
        case .prove:
            return counted(rs, ["proved", "refuted", "unknown", "vacuous"])
                + (rs.compactMap(\.limit).first.map { " (\($0))" } ?? "")

        case .refine:
            return refineVerdict(rs)
        }
    }

    static func checkVerdict(_ rs: [ResultRecord]) -> String {
        var parts: [String] = []
        let expectedViolations = rs.filter { $0.verdict == "violated" && $0.outcome == .pass }.compactMap(\.property)
        if !expectedViolations.isEmpty { parts.append("as expected: \(expectedViolations.joined(separator: ", ")) violated") }
        parts.append("\(rs.filter { $0.verdict == "holds" }.count) hold")
        let open = rs.filter { $0.verdict == "inconclusive" }
        if !open.isEmpty { parts.append("\(open.count) inconclusive (\(open.map { $0.property ?? "" }.joined(separator: ", ")))") }
        let states = rs.first?.metrics["states"].map { " — \($0) states" } ?? ""
        return parts.joined(separator: ", ") + states
    }

    static func refineVerdict(_ rs: [ResultRecord]) -> String {
        guard rs.count == 1, let r = rs.first else { return counted(rs, ["agree", "diverged", "inconclusive"]) }
        let m = r.metrics
        if let edges = m["edges"] { return "\(r.verdict): \(edges) edges, \(m["states"] ?? 0) states; \(r.bound ?? "")" }
        if let walks = m["walks"] { return "\(r.verdict): \(walks) walks, \(m["steps"] ?? 0) steps" }
        return "\(r.verdict): \(m["steps"] ?? 0) steps"
    }

    static func counted(_ rs: [ResultRecord], _ words: [String]) -> String {
        words.compactMap { w in
            let n = rs.filter { $0.verdict == w }.count
            return n == 0 ? nil : "\(n) \(w)"
        }.joined(separator: ", ")
    }

    /// A failing, erroneous or inconclusive result with its evidence.
    static func detail(_ r: ResultRecord) -> String {
        var lines = ["\(r.outcome.rawValue.uppercased()) \(r.capability.rawValue) \(r.subject)" + (r.property.map { " \($0)" } ?? "")
            + ": \(r.verdict)" + (r.expected.map { ", expected \($0)" } ?? "")]
        lines.append("  \(r.detail)")
        if let limit = r.limit { lines.append("  limit: \(limit)") }
        if let e = r.evidence { lines += e.lines.prefix(40).map { "  \($0)" } }
        if let s = r.source { lines.append("  at \(s.path)" + (s.line.map { ":\($0)" } ?? "")) }
        return lines.joined(separator: "\n")
    }

    /// "PASS: 612 results in 3 min 5 s — conformance 85/85 pass; …; exit 0".
    public static func total(_ report: OutputReport) -> String {
        let word = switch report.summary.exitCode {
        case 0: "PASS"
        case 1: "FAIL"
        case 2: "ERROR"
        default: "INCONCLUSIVE"
        }
        var parts: [String] = []
        for cap in ResultCapability.allCases {
            let rs = report.results.filter { $0.capability == cap }
            guard !rs.isEmpty else { continue }
            let ok = rs.filter { $0.outcome == .pass }.count
            var text = "\(cap.rawValue) \(ok)/\(rs.count) as expected"
            if cap == .prove {
                let proved = rs.filter { $0.verdict == "proved" }.count
                text = "prove \(proved)/\(rs.count) proved"
                let open = rs.filter { $0.verdict == "unknown" || $0.verdict == "vacuous" }.count
                if open > 0 { text += ", \(open) not proved (unknown or vacuous" + (rs.contains { $0.verdict != "proved" && $0.outcome == .pass } ? ", not counted)" : ")") }
                let refuted = rs.filter { $0.verdict == "refuted" }.count
                if refuted > 0 { text += ", \(refuted) refuted" }
            }
            if cap == .check {
                let expected = rs.filter { $0.verdict == "violated" && $0.outcome == .pass }.count
                if expected > 0 { text += " (\(expected) violations expected)" }
            }
            parts.append(text)
        }
        return "\(word): " + parts.joined(separator: "; ") + " — \(duration(report.summary.seconds)), exit \(report.summary.exitCode)"
    }

    static func duration(_ s: Double) -> String {
        let whole = Int(s.rounded())
        return whole >= 60 ? "\(whole / 60) min \(whole % 60) s" : String(format: "%.1f s", s)
    }
}

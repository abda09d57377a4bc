import Foundation
import Scenarios
import Spec
import Verifier

/// `l4spec refine` output: text (default), JSON (`l4spec-refine-report/1`)
/// and JUnit XML, with the counts the issue asks for (steps compared, edges
/// covered, walks) and times.
public enum RefineRendering {
    // MARK: - Text

    public static func text(_ report: RefineReport) -> String {
        let rows = report.cases.map { c -> [String] in
            [c.kind.rawValue, c.name, "\(c.steps)", c.kind == .edges ? "\(c.edges) / \(c.states) (depth \(c.depth))" : "-",
             c.kind == .random ? "\(c.walks)" : "-", String(format: "%.2f", c.seconds), verdictText(c)]
        }
        var out = TextTable.render(header: ["input", "name", "steps compared", "edges / states", "walks", "s", "verdict"], rows: rows)
        for c in report.cases {
            if let limit = c.limit { out += "\ninconclusive: \(c.name): \(limit)" }
            for f in c.findings { out += "\n" + findingText(f) }
        }
        let steps = report.cases.reduce(0) { $0 + $1.steps }
        let edges = report.cases.reduce(0) { $0 + $1.edges }
        let walks = report.cases.reduce(0) { $0 + $1.walks }
        let diverged = report.cases.filter(\.diverged).count
        out += "\n\(report.cases.count) input(s): \(steps) steps compared, \(edges) edges, \(walks) walks, "
            + "\(diverged) diverged, \(String(format: "%.2f", report.seconds)) s"
        return out
    }

    static func verdictText(_ c: RefineCase) -> String {
        guard c.diverged else { return c.verdict }
        return "diverged (\(c.divergenceCount) in \(c.findings.count) class(es))"
    }

    /// One divergence: where it was found, the minimal trace, every differing field.
    public static func findingText(_ f: DivergenceFinding) -> String {
        var lines = ["DIVERGENCE \(f.classKey) — \(f.count) occurrence(s), first in \(f.origin)"]
        lines.append("  shrunk from \(f.originalLength) to \(f.events.count) event(s)" + (f.tracePath.map { ": \($0)" } ?? ""))
        for (i, e) in f.events.enumerated() { lines.append("    \(i): \(EventText.describe(e, names: f.scenario.names))") }
        let d = f.divergence
        lines.append("  at step \(d.step) (\(d.eventText)):")
        for x in d.diffs { lines.append("    \(x.path): spec \(x.spec) | impl \(x.impl)") }
        if let p = f.tracePath { lines.append("  view: l4spec show \(p)") }
        return lines.joined(separator: "\n")
    }

    // MARK: - JSON

    public static func json(_ report: RefineReport) -> String {
        let doc: [String: Any] = [
            "format": "l4spec-refine-report/1",
            "seconds": report.seconds,
            "diverged": report.diverged,
            "inconclusive": report.inconclusive,
            "cases": report.cases.map { c -> [String: Any] in
                [
                    "kind": c.kind.rawValue, "name": c.name, "verdict": c.verdict, "steps": c.steps, "edges": c.edges,
                    "states": c.states, "depth": c.depth, "walks": c.walks, "seconds": c.seconds, "limit": c.limit ?? NSNull(),
                    "divergences": c.findings.map(findingJSON),
                ]
            },
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func findingJSON(_ f: DivergenceFinding) -> [String: Any] {
        [
            "class": f.classKey, "count": f.count, "origin": f.origin, "scenario": f.scenario.name,
            "original_length": f.originalLength, "length": f.events.count, "trace": f.tracePath ?? NSNull(),
            "step": f.divergence.step, "event": f.divergence.eventText,
            "events": f.events.map { EventText.describe($0, names: f.scenario.names) },
            "diffs": f.divergence.diffs.map { ["path": $0.path, "spec": $0.spec, "impl": $0.impl] },
        ]
    }

    // MARK: - JUnit

    /// One testsuite per input kind, one testcase per input; a divergence is a `<failure>`,
    /// an inconclusive edge exploration `<skipped>`.
    public static func junit(_ report: RefineReport, timestamp: Date? = nil) -> String {
        let failures = report.cases.filter(\.diverged).count
        let skipped = report.cases.filter { !$0.diverged && $0.limit != nil }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites" + attributes([("name", "l4spec refine"), ("tests", "\(report.cases.count)"), ("failures", "\(failures)"),
                                           ("errors", "0"), ("skipped", "\(skipped)"), ("time", time(report.seconds))]) + ">\n"
        for kind in [RefineCase.Kind.trace, .edges, .random] {
            let cases = report.cases.filter { $0.kind == kind }
            guard !cases.isEmpty else { continue }
            var suite = [("name", "refine \(kind.rawValue)"), ("tests", "\(cases.count)"), ("failures", "\(cases.filter(\.diverged).count)"),
                         ("errors", "0"), ("skipped", "\(cases.filter { !$0.diverged && $0.limit != nil }.count)"),
                         ("time", time(cases.reduce(0) { $0 + $1.seconds }))]
            if let timestamp { suite.append(("timestamp", iso8601(timestamp))) }
            out += "  <testsuite" + attributes(suite) + ">\n"
            for c in cases { out += testcase(c) }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    static func testcase(_ c: RefineCase) -> String {
        var out = "    <testcase" + attributes([("classname", "l4spec.refine.\(c.kind.rawValue)"), ("name", c.name), ("time", time(c.seconds))]) + ">\n"
        let counts = "\(c.steps) steps compared" + (c.kind == .edges ? ", \(c.edges) edges, \(c.states) states, depth \(c.depth)" : "")
            + (c.kind == .random ? ", \(c.walks) walks" : "")
        if c.diverged {
            let message = c.findings.first.map { "\($0.classKey): \($0.divergence.diffs.first?.description ?? "")" } ?? "diverged"
            out += "      <failure" + attributes([("message", message), ("type", "divergence")]) + ">"
            out += XMLEscaping.escape(([counts] + c.findings.map(findingText)).joined(separator: "\n")) + "</failure>\n"
        } else if let limit = c.limit {
            out += "      <skipped" + attributes([("message", "inconclusive: \(limit)")]) + "/>\n"
        } else {
            out += "      <system-out>" + XMLEscaping.escape("agree: \(counts)") + "</system-out>\n"
        }
        return out + "    </testcase>\n"
    }

    static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(XMLEscaping.escape($0.1, attribute: true))\"" }.joined()
    }

    static func time(_ seconds: Double) -> String { String(format: "%.3f", seconds.isFinite ? max(seconds, 0) : 0) }

    static func iso8601(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        f.formatOptions = [.withFullDate, .withTime, .withDashSeparatorInDate, .withColonSeparatorInTime]
        return f.string(from: date)
    }
}

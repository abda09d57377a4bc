import Foundation

/// `--format junit` rendered from output records (docs/output.md): one
/// testsuite per capability and scenario / system call / input group, one
/// testcase per record. fail → `<failure>` carrying the shortest trace,
/// divergence or model; error → `<error>`; a verdict that is not a result
/// either way (inconclusive, unknown, vacuous) → `<skipped>`, even when the
/// run's policy lets it pass, so a CI view never shows it as proved.
public enum OutputJUnit {
    public static func xml(_ report: OutputReport, timestamp: Date? = nil) -> String {
        let groups = suites(report.results)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites" + attributes(counts(report.results, name: "l4spec \(report.command)")) + ">\n"
        for (name, records) in groups {
            var attrs = counts(records, name: name)
            if let timestamp { attrs.append(("timestamp", JUnitRendering.iso8601(timestamp))) }
            out += "  <testsuite" + attributes(attrs) + ">\n"
            out += properties(records)
            for r in records { out += testcase(r, suite: name) }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    /// Suites in first-appearance order: check per scenario, prove per system
    /// call, conformance per directory, refine and run per capability.
    static func suites(_ records: [ResultRecord]) -> [(String, [ResultRecord])] {
        var order: [String] = []
        var members: [String: [ResultRecord]] = [:]
        for r in records {
            let name = suiteName(r)
            if members[name] == nil { order.append(name) }
            members[name, default: []].append(r)
        }
        return order.map { ($0, members[$0] ?? []) }
    }

    static func suiteName(_ r: ResultRecord) -> String {
        switch r.capability {
        case .check, .prove: "\(r.capability.rawValue) \(r.subject)"
        case .conformance: "conformance " + (r.subject.split(separator: "/").dropLast().first.map(String.init) ?? ".")
        case .refine, .run: r.capability.rawValue
        }
    }

    /// Verdicts that settle nothing either way.
    static func isOpen(_ verdict: String) -> Bool { ["inconclusive", "unknown", "vacuous"].contains(verdict) }

    static func counts(_ records: [ResultRecord], name: String) -> [(String, String)] {
        let failures = records.filter { $0.outcome == .fail || $0.outcome == .inconclusive && !isOpen($0.verdict) }.count
        let errors = records.filter { $0.outcome == .error }.count
        let skipped = records.filter { $0.outcome != .fail && $0.outcome != .error && isOpen($0.verdict) }.count
        return [("name", name), ("tests", "\(records.count)"), ("failures", "\(failures)"), ("errors", "\(errors)"),
                ("skipped", "\(skipped)"), ("time", JUnitRendering.time(records.reduce(0) { $0 + $1.seconds }))]
    }

    /// The suite's bounds and metrics, taken from its first record (a check
    /// suite's records share one exploration).
    static func properties(_ records: [ResultRecord]) -> String {
        guard let first = records.first else { return "" }
        var pairs = first.metrics.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") }
        if let bound = first.bound { pairs.append(("bound", bound)) }
        if let limit = records.compactMap(\.limit).first { pairs.append(("limit", limit)) }
        if let source = first.source, first.capability == .check { pairs.append(("source", source.path)) }
        guard !pairs.isEmpty else { return "" }
        return "    <properties>\n" + pairs.map { "      <property" + attributes([("name", $0.0), ("value", $0.1)]) + "/>\n" }.joined()
            + "    </properties>\n"
    }

    static func testcase(_ r: ResultRecord, suite: String) -> String {
        let prefix = r.capability.rawValue + " "
        let classname = "l4spec.\(r.capability.rawValue)." + (suite.hasPrefix(prefix) ? String(suite.dropFirst(prefix.count)) : suite)
        var out = "    <testcase" + attributes([("classname", classname), ("name", r.caseName), ("time", JUnitRendering.time(r.seconds))]) + ">\n"
        let body = ([r.detail] + (r.evidence?.lines ?? [])).joined(separator: "\n")
        let failed = r.outcome == .fail || (r.outcome == .inconclusive && !isOpen(r.verdict))
        switch r.outcome {
        case .error:
            out += "      <error" + attributes([("message", r.detail), ("type", "bad input")]) + ">" + XMLEscaping.escape(body) + "</error>\n"
        case _ where failed:
            let message = r.expected.map { "\(r.verdict), expected \($0): \(r.detail)" } ?? r.detail
            out += "      <failure" + attributes([("message", message), ("type", r.verdict)]) + ">" + XMLEscaping.escape(body) + "</failure>\n"
        case _ where isOpen(r.verdict):
            out += "      <skipped" + attributes([("message", "\(r.verdict): \(r.limit.map { "\($0): " } ?? "")\(r.detail)")]) + "/>\n"
        default:
            var text = [r.caseName, r.verdict, r.detail].joined(separator: " ")
            if let bound = r.bound { text += " (\(bound))" }
            if let e = r.expected, e != "holds" { text += "; expected: \(e)" }
            text += r.assumptions.map { "\nassumption: \($0)" }.joined()
            out += "      <system-out>" + XMLEscaping.escape(text) + "</system-out>\n"
        }
        return out + "    </testcase>\n"
    }

    static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(XMLEscaping.escape($0.1, attribute: true))\"" }.joined()
    }
}

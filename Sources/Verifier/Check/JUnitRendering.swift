import Foundation
import Scenarios

/// `l4spec check --format junit`: JUnit XML for CI test reporters
/// (docs/check-formats.md). One testsuite per scenario, one testcase per
/// property: violated → `<failure>`, inconclusive → `<skipped>`, holds → a
/// plain testcase whose `<system-out>` states the bound it holds within.
public enum JUnitRendering {
    /// `timestamp` (from `SOURCE_DATE_EPOCH`) is stamped on every testsuite;
    /// without it the output carries no wall-clock time, only durations.
    public static func xml(_ reports: [CheckReport], tracePaths: [String: [String: String]], timestamp: Date? = nil) -> String {
        let tests = reports.reduce(0) { $0 + $1.results.count }
        let failures = reports.reduce(0) { $0 + count($1, "violated") }
        let skipped = reports.reduce(0) { $0 + count($1, "inconclusive") }
        let seconds = reports.reduce(0) { $0 + $1.seconds }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"l4spec check\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\" time=\"\(time(seconds))\">\n"
        for report in reports {
            out += suite(report, tracePaths: tracePaths[report.scenario.name] ?? [:], timestamp: timestamp)
        }
        out += "</testsuites>\n"
        return out
    }

    static func suite(_ report: CheckReport, tracePaths: [String: String], timestamp: Date?) -> String {
        let name = report.scenario.name
        var out = "  <testsuite" + attributes([
            ("name", name), ("tests", "\(report.results.count)"), ("failures", "\(count(report, "violated"))"),
            ("errors", "0"), ("skipped", "\(count(report, "inconclusive"))"), ("time", time(report.seconds)),
        ])
        if let timestamp { out += attributes([("timestamp", iso8601(timestamp))]) }
        out += ">\n    <properties>\n"
        let s = report.statistics
        var properties = [("states", "\(s.states)"), ("transitions", "\(s.transitions)"), ("depth", "\(s.depth)"),
                          ("depth_bound", "\(report.scenario.bounds.depth)"), ("depth_bound_reached", "\(report.boundedByDepth)")]
        if let limit = report.limitHit { properties.append(("limit", limit)) }
        if ScenarioLoader.builtInNames.contains(name) {
            properties.append(("source", "Sources/Scenarios/BuiltIn/\(name).yaml"))
        } else if let source = report.scenario.sourcePath {
            properties.append(("source", source))
        }
        for (key, value) in properties {
            out += "      <property" + attributes([("name", key), ("value", value)]) + "/>\n"
        }
        out += "    </properties>\n"
        // The properties are checked in one exploration: its time is split evenly.
        let each = report.results.isEmpty ? 0 : report.seconds / Double(report.results.count)
        for r in report.results {
            out += testcase(r, report: report, tracePath: tracePaths[r.id], seconds: each)
        }
        out += "  </testsuite>\n"
        return out
    }

    static func testcase(_ r: PropertyResult, report: CheckReport, tracePath: String?, seconds: Double) -> String {
        var out = "    <testcase" + attributes([
            ("classname", "l4spec.check.\(report.scenario.name)"), ("name", "\(r.id) \(r.title)"), ("time", time(seconds)),
        ]) + ">\n"
        switch r.verdict {
        case "violated":
            out += "      <failure" + attributes([("message", r.detail), ("type", "violated")]) + ">"
            out += XMLEscaping.escape(failureText(r, report: report, tracePath: tracePath)) + "</failure>\n"
        case "inconclusive":
            out += "      <skipped" + attributes([("message", "inconclusive: \(r.detail)")]) + "/>\n"
        default:
            let s = report.statistics
            var text = "\(r.id) \(r.verdict) \(r.detail) (\(s.states) states, \(s.transitions) transitions, depth \(s.depth))"
            text += r.assumptions.map { "\nassumption: \($0)" }.joined()
            out += "      <system-out>" + XMLEscaping.escape(text) + "</system-out>\n"
        }
        out += "    </testcase>\n"
        return out
    }

    /// The failure body: the detail, the trace file, then one numbered line
    /// per event with its state changes indented below it.
    static func failureText(_ r: PropertyResult, report: CheckReport, tracePath: String?) -> String {
        var lines = [r.detail]
        if let trace = r.counterexample {
            lines.append("counterexample (\(trace.events.count) step(s))" + (tracePath.map { ": \($0)" } ?? ""))
            let steps = CounterexampleSteps.lines(trace, names: report.scenario.names)
            for (step, event) in zip(steps, trace.events) {
                lines.append(step)
                lines += (event.changes ?? []).map { "     \($0)" }
            }
        }
        if let tracePath { lines.append("replay: l4spec run \(tracePath)") }
        return lines.joined(separator: "\n")
    }

    static func count(_ report: CheckReport, _ verdict: String) -> Int {
        report.results.filter { $0.verdict == verdict }.count
    }

    static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(XMLEscaping.escape($0.1, attribute: true))\"" }.joined()
    }

    static func time(_ seconds: Double) -> String {
        String(format: "%.3f", seconds.isFinite ? max(seconds, 0) : 0)
    }

    /// `2024-05-01T12:00:00` in UTC (the JUnit schema's timestamp has no zone).
    static func iso8601(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        f.formatOptions = [.withFullDate, .withTime, .withDashSeparatorInDate, .withColonSeparatorInTime]
        return f.string(from: date)
    }

    /// `SOURCE_DATE_EPOCH` (reproducible-builds.org): whole seconds since 1970;
    /// absent or empty → nil, anything else that is not a number is bad input.
    public static func sourceDateEpoch(_ environment: [String: String]) throws(InputError) -> Date? {
        guard let text = environment["SOURCE_DATE_EPOCH"], !text.isEmpty else { return nil }
        guard let seconds = Int64(text), seconds >= 0, seconds <= 253_402_300_799 else {
            throw InputError(file: "environment", line: nil, field: "SOURCE_DATE_EPOCH",
                             message: "'\(text)' is not a number of seconds since 1970 (0...253402300799)")
        }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}

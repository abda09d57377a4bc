import Foundation
import Scenarios
import Spec
import StateExplorer

/// Text and JSON renderings of check reports, and counterexample files.
public enum CheckRendering {
    public static func text(_ report: CheckReport, tracePaths: [String: String]) -> String {
        let s = report.statistics
        var out = "scenario \(report.scenario.name): \(s.states) states, \(s.transitions) transitions, depth \(s.depth)"
        out += report.boundedByDepth ? " (depth bound \(report.scenario.bounds.depth) reached)" : ""
        out += ", \(String(format: "%.2f", report.seconds)) s\n"
        let rows = report.results.map { r -> [String] in
            [r.id, r.verdict, r.detail + (tracePaths[r.id].map { " — trace: \($0)" } ?? "")]
        }
        out += TextTable.render(header: ["property", "verdict", "detail"], rows: rows)
        if let limit = report.limitHit { out += "\ninconclusive: \(limit)" }
        if let sym = report.symmetry { out += "\nsymmetry: " + symmetryText(sym, report.scenario) }
        let unused = report.coverage.filter { $0.count == 0 && $0.name.hasPrefix("op ") }.map { String($0.name.dropFirst(3)) }
        if !unused.isEmpty { out += "\ncoverage: never taken: \(unused.joined(separator: ", "))" }
        return out
    }

    /// The groups of interchangeable tasks by name, or why there are none.
    public static func symmetryText(_ sym: KernelSymmetry, _ scenario: Scenario) -> String {
        guard !sym.groups.isEmpty else { return "no interchangeable tasks (\(sym.reason ?? "none found"))" }
        let groups = sym.groups.map { g in "{" + g.map { scenario.names.name(.task($0)) }.joined(separator: ", ") + "}" }
        return "interchangeable tasks " + groups.joined(separator: " ") + " (safety properties explored up to renaming)"
    }

    /// Writes each counterexample as `<scenario>-<ID>.json` into `directory`;
    /// returns property ID → path.
    public static func writeTraces(_ report: CheckReport, to directory: String) throws -> [String: String] {
        var paths: [String: String] = [:]
        let fm = FileManager.default
        for r in report.results {
            guard let trace = r.counterexample else { continue }
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var t = trace
            // Built-ins are named; file scenarios are referenced by absolute path so the trace replays from anywhere.
            if !ScenarioLoader.builtInNames.contains(report.scenario.name), let src = report.scenario.sourcePath {
                t.scenario = URL(fileURLWithPath: src).standardizedFileURL.path
            }
            let path = directory + "/\(report.scenario.name)-\(r.id).json"
            try TraceLoader.encode(t, names: report.scenario.names).write(toFile: path, atomically: true, encoding: .utf8)
            paths[r.id] = path
        }
        return paths
    }

    /// `--format json`: `l4spec-check/1`.
    public static func json(_ reports: [CheckReport], tracePaths: [String: [String: String]]) -> String {
        let doc: [String: Any] = [
            "format": "l4spec-check/1",
            "scenarios": reports.map { rep -> [String: Any] in
                var entry: [String: Any] = [
                    "scenario": rep.scenario.name,
                    "states": rep.statistics.states,
                    "transitions": rep.statistics.transitions,
                    "depth": rep.statistics.depth,
                    "seconds": rep.seconds,
                    "depth_bound_reached": rep.boundedByDepth,
                    "limit": rep.limitHit ?? NSNull(),
                    "coverage": Dictionary(uniqueKeysWithValues: rep.coverage.map { ($0.name, $0.count) }),
                    "properties": rep.results.map { r -> [String: Any] in
                        [
                            "id": r.id, "title": r.title, "kind": r.kind, "verdict": r.verdict, "detail": r.detail,
                            "requirement": r.requirement, "assumptions": r.assumptions,
                            "trace": tracePaths[rep.scenario.name]?[r.id] ?? NSNull(),
                            "trace_length": r.counterexample?.events.count ?? NSNull(),
                        ]
                    },
                ]
                // Only with --symmetry: the groups of interchangeable tasks, by name.
                if let sym = rep.symmetry { entry["symmetry_groups"] = sym.groups.map { g in g.map { rep.scenario.names.name(.task($0)) } } }
                return entry
            },
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A progress line on stderr for runs longer than a second (DESIGN §5).
public final class StderrProgress: ExplorationReporter, @unchecked Sendable {
    let label: String
    /// On a terminal one line is rewritten in place; in CI logs each update is its own line.
    let terminal = isatty(2) != 0
    var printed = false
    public init(label: String) { self.label = label }
    public func progress(states: Int, transitions: Int, depth: Int, seconds: Double) {
        guard seconds >= 1 else { return }
        let text = "\(label): depth \(depth), \(states) states, \(transitions) transitions, \(Int(Double(states) / max(seconds, 1e-9))) states/s"
        FileHandle.standardError.write(Data((terminal ? "\r\u{1B}[K" + text : text + "\n").utf8))
        printed = true
    }
    public func finish() {
        if printed && terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

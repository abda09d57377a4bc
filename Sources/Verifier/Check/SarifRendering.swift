import Foundation
import Scenarios

/// `l4spec check --format sarif`: SARIF 2.1.0 (docs/check-formats.md). One
/// run; one rule per checked property; one result per violated property
/// (kind `fail`, level `error`) and per inconclusive one (kind `review`,
/// level `none`, as SARIF §3.27.10 requires for any kind but `fail`).
/// A result points at the scenario file and at the Spec rule of the
/// counterexample's last event (`SpecRuleLocations`); `codeFlows` list the steps.
public enum SarifRendering {
    /// `workingDirectory` makes user scenario paths relative and is where the
    /// Spec sources are looked for first (then the compiled-in package root).
    public static func json(_ reports: [CheckReport], tracePaths: [String: [String: String]], toolVersion: String,
                            workingDirectory: String = FileManager.default.currentDirectoryPath) -> String {
        let readableRoot = SpecRuleLocations.readableRoot(from: workingDirectory)
        let root = readableRoot ?? SpecRuleLocations.compiledPackageRoot
        var ruleIDs: [String] = []
        var rules: [[String: Any]] = []
        for r in reports.flatMap(\.results) where !ruleIDs.contains(r.id) {
            ruleIDs.append(r.id)
            rules.append(rule(r))
        }
        var context = Context(root: readableRoot, workingDirectory: workingDirectory)
        var results: [[String: Any]] = []
        for report in reports {
            let scenarioText = report.scenario.sourcePath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }
            for r in report.results where r.verdict != "holds" {
                let path = tracePaths[report.scenario.name]?[r.id]
                let scenarioLocation = context.scenarioLocation(report.scenario, text: scenarioText, result: r)
                results.append(context.result(r, ruleIndex: ruleIDs.firstIndex(of: r.id) ?? -1, report: report,
                                              tracePath: path, scenarioLocation: scenarioLocation))
            }
        }
        let doc: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": [
                    "name": "l4spec",
                    "informationUri": root.appendingPathComponent("README.md").absoluteString,
                    "version": toolVersion,
                    "rules": rules,
                ] as [String: Any]],
                "originalUriBaseIds": ["SRCROOT": ["uri": URL(fileURLWithPath: root.path, isDirectory: true).absoluteString]],
                "invocations": [["executionSuccessful": true]],
                "columnKind": "unicodeCodePoints",
                "results": results,
            ] as [String: Any]],
        ]
        let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? JSONSerialization.data(withJSONObject: doc, options: options) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func rule(_ r: PropertyResult) -> [String: Any] {
        var properties: [String: Any] = ["kind": r.kind]
        if !r.assumptions.isEmpty { properties["assumptions"] = r.assumptions }
        return [
            "id": r.id,
            "name": pascalCase(r.title),
            "shortDescription": ["text": r.title],
            "fullDescription": ["text": r.requirement],
            "defaultConfiguration": ["level": "error"],
            "properties": properties,
        ]
    }

    /// "Take-grant confinement: authority islands never merge" → "TakeGrantConfinementAuthorityIslandsNeverMerge".
    static func pascalCase(_ title: String) -> String {
        title.split { !$0.isLetter && !$0.isNumber }.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// Per-render caches of file contents and declaration lines.
    struct Context {
        let root: URL?
        let workingDirectory: String
        var declarationLines: [String: Int?] = [:]

        init(root: URL?, workingDirectory: String) {
            self.root = root
            self.workingDirectory = workingDirectory
        }

        mutating func result(_ r: PropertyResult, ruleIndex: Int, report: CheckReport, tracePath: String?,
                             scenarioLocation: [String: Any]?) -> [String: Any] {
            let name = report.scenario.name
            var out: [String: Any] = ["ruleId": r.id, "ruleIndex": ruleIndex]
            var locations = scenarioLocation.map { [$0] } ?? []
            var properties: [String: Any] = ["scenario": name, "verdict": r.verdict]
            if r.verdict == "violated" {
                out["kind"] = "fail"
                out["level"] = "error"
                var text = "\(r.id) (\(r.title)) is violated in scenario \(name) \(r.detail)."
                if let tracePath { text += " Counterexample: \(tracePath) (replay: l4spec run \(tracePath))." }
                out["message"] = ["text": text]
                if let trace = r.counterexample {
                    properties["traceLength"] = trace.events.count
                    if let last = trace.events.last, let rule = SpecRuleLocations.rule(for: last.event) {
                        locations.append(specLocation(rule, message: nil))
                    }
                    if let flow = codeFlow(trace, names: report.scenario.names) { out["codeFlows"] = [flow] }
                }
            } else {
                out["kind"] = "review"
                out["level"] = "none"
                out["message"] = ["text": "\(r.id) (\(r.title)) is inconclusive in scenario \(name): \(r.detail)."]
            }
            if let tracePath { properties["trace"] = tracePath }
            out["locations"] = locations
            out["properties"] = properties
            return out
        }

        mutating func codeFlow(_ trace: Scenarios.Trace, names: NameTable) -> [String: Any]? {
            guard !trace.events.isEmpty else { return nil }
            let lines = CounterexampleSteps.lines(trace, names: names)
            var steps: [[String: Any]] = []
            for (i, (line, event)) in zip(lines, trace.events).enumerated() {
                var location: [String: Any] = ["message": ["text": line]]
                if let rule = SpecRuleLocations.rule(for: event.event) { location = specLocation(rule, message: line) }
                steps.append(["location": location, "executionOrder": i + 1])
            }
            return [
                "message": ["text": "counterexample: \(trace.events.count) step(s)"],
                "threadFlows": [["locations": steps]],
            ]
        }

        /// The Spec file with the function's declaration line, and the function as a logical location.
        mutating func specLocation(_ rule: SpecRule, message: String?) -> [String: Any] {
            let line: Int?
            let key = rule.file + "#" + rule.function
            if let cached = declarationLines[key] {
                line = cached
            } else {
                line = root.flatMap { SpecRuleLocations.declarationLine(of: rule.function, inFile: rule.file, root: $0) }
                declarationLines[key] = line
            }
            var physical: [String: Any] = ["artifactLocation": ["uri": rule.file, "uriBaseId": "SRCROOT"]]
            if let line { physical["region"] = ["startLine": line] }
            var location: [String: Any] = [
                "physicalLocation": physical,
                "logicalLocations": [["name": rule.function, "fullyQualifiedName": rule.qualifiedName, "kind": "function"]],
            ]
            if let message { location["message"] = ["text": message] }
            return location
        }

        /// The scenario file: built-ins under SRCROOT, user files relative to the
        /// working directory (absolute file URIs outside it). The line is the
        /// `policy:` key for properties whose requirement is about the policy, else 1.
        func scenarioLocation(_ scenario: Scenario, text: String?, result r: PropertyResult) -> [String: Any]? {
            var artifact: [String: Any]
            if ScenarioLoader.builtInNames.contains(scenario.name) {
                artifact = ["uri": "Sources/Scenarios/BuiltIn/\(scenario.name).yaml", "uriBaseId": "SRCROOT"]
            } else if let source = scenario.sourcePath {
                artifact = ["uri": uri(forFile: source)]
            } else {
                return nil
            }
            artifact["description"] = ["text": "scenario \(scenario.name)"]
            var line = 1
            if r.requirement.contains("policy"), let text,
               let policy = SpecRuleLocations.firstLine(in: text, where: { $0.hasPrefix("policy:") }) {
                line = policy
            }
            return ["physicalLocation": ["artifactLocation": artifact, "region": ["startLine": line]]]
        }

        func uri(forFile path: String) -> String {
            let file = URL(fileURLWithPath: path).standardizedFileURL
            let base = URL(fileURLWithPath: workingDirectory, isDirectory: true).standardizedFileURL.path
            let prefix = base.hasSuffix("/") ? base : base + "/"
            if file.path.hasPrefix(prefix) {
                let relative = String(file.path.dropFirst(prefix.count))
                return relative.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? relative
            }
            return file.absoluteString
        }
    }
}

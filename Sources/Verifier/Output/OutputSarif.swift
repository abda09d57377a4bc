import Foundation

/// `--format sarif` (SARIF 2.1.0) rendered from output records, for every
/// subcommand (docs/check-formats.md, docs/output.md). One run; a rule per
/// property ID (requirement text as full description) and one per kind of
/// trace check; a result per record that is not a plain pass: violations,
/// refutations, divergences and failed traces (kind `fail`, level `error`),
/// inconclusive verdicts (kind `review`, level `none`, SARIF §3.27.10), and
/// violations a scenario expects, as `fail` with an external suppression.
/// Locations: the scenario or trace file, then the Spec rule that fired;
/// `codeFlows` list the counterexample's or divergence's steps.
public enum OutputSarif {
    /// Rules for results without a property ID.
    static let traceRules: [ResultCapability: (id: String, title: String, requirement: String)] = [
        .conformance: ("CONFORMANCE", "Conformance trace", "Each conformance trace replays on the spec with the results the reference gives (each trace names its section)."),
        .run: ("TRACE", "Trace replay", "The replayed trace meets every expected result and every state is well formed; a counterexample trace reproduces its violation."),
        .refine: ("REFINE", "Refinement", "KernelImpl refines the spec: after every step the abstracted implementation state, the results and the received messages equal the spec's (DESIGN §8)."),
    ]

    public static func json(_ report: OutputReport, workingDirectory: String = FileManager.default.currentDirectoryPath) -> String {
        let root = SpecRuleLocations.readableRoot(from: workingDirectory) ?? SpecRuleLocations.compiledPackageRoot
        var ruleIDs: [String] = []
        var rules: [[String: Any]] = []
        var results: [[String: Any]] = []
        let paths = Paths(workingDirectory: workingDirectory)
        for r in report.results {
            let id = ruleID(r)
            if !ruleIDs.contains(id) {
                ruleIDs.append(id)
                rules.append(rule(r, id: id))
            }
            guard reported(r) else { continue }
            results.append(result(r, ruleID: id, ruleIndex: ruleIDs.firstIndex(of: id) ?? -1, paths: paths))
        }
        let doc: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": [
                    "name": report.tool.name,
                    "informationUri": root.appendingPathComponent("README.md").absoluteString,
                    "version": report.tool.version,
                    "rules": rules,
                ] as [String: Any]],
                "originalUriBaseIds": ["SRCROOT": ["uri": URL(fileURLWithPath: root.path, isDirectory: true).absoluteString]],
                "invocations": [["executionSuccessful": report.summary.exitCode != 2]],
                "columnKind": "unicodeCodePoints",
                "results": results,
            ] as [String: Any]],
        ]
        let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? JSONSerialization.data(withJSONObject: doc, options: options) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func ruleID(_ r: ResultRecord) -> String {
        r.property ?? traceRules[r.capability]?.id ?? r.capability.rawValue.uppercased()
    }

    /// Everything but a plain pass; a check verdict other than holds always
    /// (an expected violation is reported, suppressed).
    static func reported(_ r: ResultRecord) -> Bool {
        if r.outcome != .pass { return true }
        if r.capability == .check { return r.verdict != "holds" }
        return ["violated", "refuted", "diverged", "fail"].contains(r.verdict)
    }

    static func rule(_ r: ResultRecord, id: String) -> [String: Any] {
        let fallback = traceRules[r.capability]
        let title = r.property == nil ? (fallback?.title ?? id) : (r.title ?? id)
        var properties: [String: Any] = [:]
        if let kind = r.kind { properties["kind"] = kind }
        if r.capability == .check, !r.assumptions.isEmpty { properties["assumptions"] = r.assumptions }
        return [
            "id": id,
            "name": SarifRendering.pascalCase(title),
            "shortDescription": ["text": title],
            "fullDescription": ["text": (r.property == nil ? fallback?.requirement : r.requirement) ?? title],
            "defaultConfiguration": ["level": "error"],
            "properties": properties,
        ]
    }

    static func result(_ r: ResultRecord, ruleID: String, ruleIndex: Int, paths: Paths) -> [String: Any] {
        var out: [String: Any] = ["ruleId": ruleID, "ruleIndex": ruleIndex]
        let failing = ["violated", "refuted", "diverged", "fail", "error"].contains(r.verdict) || r.outcome == .fail
        out["kind"] = failing ? "fail" : "review"
        out["level"] = failing ? "error" : "none"
        out["message"] = ["text": message(r)]
        var locations: [[String: Any]] = []
        if let source = r.source { locations.append(paths.location(source, description: sourceDescription(r))) }
        if let rule = r.rule { locations.append(paths.location(rule, description: nil)) }
        out["locations"] = locations
        if failing, let evidence = r.evidence, !evidence.steps.isEmpty {
            out["codeFlows"] = [codeFlow(evidence, paths: paths)]
        }
        if r.outcome == .pass, failing {
            out["suppressions"] = [["kind": "external", "justification": "expected: \(r.expected ?? r.verdict) (declared by the scenario's expect: list or the baseline)"]]
        }
        var properties: [String: Any] = [r.capability == .check ? "scenario" : "subject": r.subject, "verdict": r.verdict]
        if let trace = r.evidence?.trace { properties["trace"] = trace }
        if let evidence = r.evidence, r.capability == .check { properties["traceLength"] = evidence.steps.count }
        if let expected = r.expected { properties["expected"] = expected }
        out["properties"] = properties
        return out
    }

    static func sourceDescription(_ r: ResultRecord) -> String {
        r.capability == .check ? "scenario \(r.subject)" : (r.capability == .prove ? "system call \(r.subject)" : "input \(r.subject)")
    }

    static func message(_ r: ResultRecord) -> String {
        let name = r.property.map { id in r.title.map { "\(id) (\($0))" } ?? id } ?? "\(traceRules[r.capability]?.title ?? r.capability.rawValue) \(r.subject)"
        var text: String
        switch (r.capability, r.verdict) {
        case (.check, "violated"): text = "\(name) is violated in scenario \(r.subject) \(r.detail)."
        case (.check, _): text = "\(name) is \(r.verdict) in scenario \(r.subject): \(r.detail)."
        case (.prove, _): text = "\(name) is \(r.verdict) for \(r.subject): \(r.detail)."
        default: text = "\(name): \(r.verdict): \(r.detail)."
        }
        if let expected = r.expected, expected != r.verdict { text += " Expected: \(expected)." }
        if let e = r.evidence, let trace = e.trace {
            text += (r.capability == .check ? " Counterexample: " : " Minimal trace: ") + trace + (e.replay.map { " (\($0.hasPrefix("l4spec run") ? "replay" : "view"): \($0))" } ?? "") + "."
        }
        return text
    }

    static func codeFlow(_ e: Evidence, paths: Paths) -> [String: Any] {
        let steps = e.steps.enumerated().map { i, s -> [String: Any] in
            var location: [String: Any] = ["message": ["text": s.text]]
            if let rule = s.rule { location = paths.location(rule, description: nil, message: s.text) }
            return ["location": location, "executionOrder": i + 1]
        }
        return ["message": ["text": "\(e.kind): \(e.steps.count) step(s)"], "threadFlows": [["locations": steps]]]
    }

    /// URIs: package files under SRCROOT, user files relative to the working
    /// directory (absolute `file:` URIs outside it).
    struct Paths {
        let workingDirectory: String

        func location(_ ref: SourceRef, description: String?, message: String? = nil) -> [String: Any] {
            var artifact: [String: Any] = ref.root ? ["uri": ref.path, "uriBaseId": "SRCROOT"] : ["uri": uri(forFile: ref.path)]
            if let description { artifact["description"] = ["text": description] }
            var physical: [String: Any] = ["artifactLocation": artifact]
            if let line = ref.line { physical["region"] = ["startLine": line] }
            var location: [String: Any] = ["physicalLocation": physical]
            if let function = ref.function {
                let short = function.split(separator: ".").last.map(String.init) ?? function
                location["logicalLocations"] = [["name": short, "fullyQualifiedName": function, "kind": "function"]]
            }
            if let message { location["message"] = ["text": message] }
            return location
        }

        func uri(forFile path: String) -> String {
            let file = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: workingDirectory, isDirectory: true)).standardizedFileURL
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

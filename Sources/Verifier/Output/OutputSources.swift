import Foundation
import Scenarios
import Spec

/// File locations for results: the scenario file a verdict is about and the
/// Spec rule of the event that broke it (SARIF locations, JUnit bodies,
/// the evidence bundle's traceability).
public struct OutputSources {
    /// Where Spec sources are read to find declaration lines (nil: not readable, lines left out).
    let root: URL?
    var declarationLines: [String: Int?] = [:]

    public init(workingDirectory: String = FileManager.default.currentDirectoryPath) {
        root = SpecRuleLocations.readableRoot(from: workingDirectory)
    }

    /// A built-in under the package root, a user file as given. The line is
    /// the `policy:` key for requirements about the policy, else 1.
    public static func scenario(_ scenario: Scenario, requirement: String? = nil) -> SourceRef? {
        var ref: SourceRef
        if ScenarioLoader.builtInNames.contains(scenario.name) {
            ref = SourceRef(path: "Sources/Scenarios/BuiltIn/\(scenario.name).yaml", root: true)
        } else if let source = scenario.sourcePath {
            ref = SourceRef(path: source, root: false)
        } else {
            return nil
        }
        ref.line = 1
        if requirement?.contains("policy") == true, let path = scenario.sourcePath,
           let text = try? String(contentsOfFile: path, encoding: .utf8),
           let policy = SpecRuleLocations.firstLine(in: text, where: { $0.hasPrefix("policy:") }) {
            ref.line = policy
        }
        return ref
    }

    /// The Spec rule an event's operation fires, with its declaration line when readable.
    public mutating func rule(for event: Event) -> SourceRef? {
        guard let r = SpecRuleLocations.rule(for: event) else { return nil }
        return rule(r)
    }

    /// The Spec rule of an operation name (`task.map`, `factory.create`).
    public mutating func rule(operation: String) -> SourceRef? {
        guard let r = SpecRuleLocations.all.first(where: { $0.operation == operation }) else { return nil }
        return rule(r)
    }

    mutating func rule(_ r: SpecRule) -> SourceRef {
        let key = r.file + "#" + r.function
        let line: Int?
        if let cached = declarationLines[key] {
            line = cached
        } else {
            line = root.flatMap { SpecRuleLocations.declarationLine(of: r.function, inFile: r.file, root: $0) }
            declarationLines[key] = line
        }
        return SourceRef(path: r.file, line: line, function: r.qualifiedName, root: true)
    }

    /// A counterexample's steps: the event, its state changes, its Spec rule.
    public mutating func steps(_ trace: Scenarios.Trace, names: NameTable) -> [EvidenceStep] {
        zip(CounterexampleSteps.lines(trace, names: names), trace.events).map { line, e in
            EvidenceStep(text: line, changes: e.changes ?? [], rule: rule(for: e.event))
        }
    }
}

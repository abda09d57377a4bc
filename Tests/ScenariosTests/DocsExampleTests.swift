import Foundation
import Testing
@testable import Scenarios

/// The full examples in docs/scenarios.md and docs/traces.md must stay true.
@Suite("Documentation examples")
struct DocsExampleTests {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs")

    /// The last fenced block of the given language under "## Full example".
    static func example(_ file: String, _ language: String) throws -> String {
        let text = try String(contentsOf: docs.appendingPathComponent(file), encoding: .utf8)
        let section = try #require(text.components(separatedBy: "## Full example").last)
        let start = try #require(section.range(of: "```\(language)\n"))
        let end = try #require(section.range(of: "\n```", range: start.upperBound..<section.endIndex))
        return String(section[start.upperBound..<end.lowerBound])
    }

    @Test func scenarioExampleIsTheTwoPartitionsBuiltIn() throws {
        let s = try ScenarioLoader.load(yaml: Self.example("scenarios.md", "yaml"), file: "docs/scenarios.md")
        let builtIn = try ScenarioLoader.builtIn("two-partitions")
        #expect(s.initial == builtIn.initial)
        #expect(s.names == builtIn.names)
        #expect(s.threads == builtIn.threads)
        #expect(s.bounds == builtIn.bounds)
        #expect(s.policy == builtIn.policy)
    }

    @Test func traceExampleIsTheDelegationTrace() throws {
        let json = try Self.example("traces.md", "json")
        #expect(json == ExpectationTests.delegation)
        let trace = try TraceLoader.parse(json: json, file: "docs/traces.md")
        let bound = try TraceLoader.bind(trace, to: TraceLoader.scenario(for: trace))
        #expect(ExpectationTests.replay(bound).allSatisfy { $0.isEmpty })
    }

    @Test func everyOpIsDocumented() throws {
        let text = try String(contentsOf: Self.docs.appendingPathComponent("traces.md"), encoding: .utf8)
        for op in OpSyntax.table {
            #expect(text.contains("| `\(op.name)` |"), "\(op.name) has a row")
            for arg in op.args { #expect(text.contains("`\(arg)`"), "\(op.name) argument \(arg)") }
        }
        for name in Expectation.resultNames { #expect(text.contains("`\(name)`"), "result \(name)") }
    }
}

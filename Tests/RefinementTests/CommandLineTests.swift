import CLITestSupport
import Foundation
import Refinement
import Scenarios
import Testing

/// `l4spec refine` and `l4spec show` as a user runs them: exit codes
/// (DESIGN §9: 0 agree, 1 divergence, 2 bad input, 3 inconclusive) and messages.
@Suite(.serialized) struct RefineCommandLineTests {
    typealias Run = L4SpecCLI.Run

    func l4spec(_ args: [String]) throws -> Run {
        try L4SpecCLI.run(args, packageRoot: Fixtures.packageRoot)
    }

    static let trace = "Conformance/ipc/call-reply.json"

    @Test func refineTrace_agrees_exit0_withCounts() throws {
        let dir = try Fixtures.temporaryDirectory()
        let r = try l4spec(["refine", "--trace", Self.trace, "--out", dir])
        #expect(r.code == 0, "\(r.out)\(r.err)")
        #expect(r.out.contains("agree"))
        #expect(r.out.contains("steps compared"))
    }

    @Test func refine_jsonAndJunit() throws {
        let dir = try Fixtures.temporaryDirectory()
        let j = try l4spec(["refine", "--trace", Self.trace, "--edges", "factory-quota", "--max-depth", "1", "--format", "json", "--out", dir])
        #expect(j.code == 0, "\(j.out)\(j.err)")
        let envelope = try #require(try JSONSerialization.jsonObject(with: Data(j.out.utf8)) as? [String: Any])
        #expect(envelope["schema"] as? String == "l4spec-output/1")
        #expect((envelope["results"] as? [[String: Any]])?.count == 2)
        let doc = try #require(envelope["report"] as? [String: Any])
        #expect(doc["format"] as? String == "l4spec-refine-report/1")
        #expect((doc["cases"] as? [[String: Any]])?.count == 2)
        let x = try l4spec(["refine", "--trace", Self.trace, "--format", "junit", "--out", dir])
        #expect(x.code == 0)
        #expect(x.out.hasPrefix("<?xml") && x.out.contains("<testsuite name=\"refine trace\""))
    }

    /// The same seed prints the same walks and counts (only the times differ).
    @Test func refineRandom_isDeterministicBySeed() throws {
        let dir = try Fixtures.temporaryDirectory()
        let args = ["refine", "--random", "6", "--length", "8", "--seed", "11", "--scenario", "two-partitions", "--format", "json", "--out", dir]
        let a = try l4spec(args), b = try l4spec(args)
        #expect(a.code == b.code && (a.code == 0 || a.code == 1), "\(a.err)")
        func counts(_ r: Run) throws -> [String] {
            let envelope = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
            let cases = try #require((envelope["report"] as? [String: Any])?["cases"] as? [[String: Any]])
            return cases.map { "\($0["walks"] ?? "") \($0["steps"] ?? "") \($0["verdict"] ?? "")" }
        }
        #expect(try counts(a) == counts(b))
        #expect(try counts(a).first?.hasPrefix("6 ") == true)
    }

    @Test func refineEdges_atTheStateBound_isInconclusive_exit3() throws {
        let r = try l4spec(["refine", "--edges", "factory-quota", "--max-states", "3", "--out", try Fixtures.temporaryDirectory()])
        #expect(r.code == 3, "\(r.out)\(r.err)")
        #expect(r.out.contains("inconclusive"))
    }

    @Test func badInput_exit2_withAClearMessage() throws {
        let missing = try l4spec(["refine", "--trace", "no/such/trace.json"])
        #expect(missing.code == 2)
        #expect(missing.err.contains("no/such/trace.json") && missing.err.contains("no such file"))
        let length = try l4spec(["refine", "--random", "5", "--length", "0"])
        #expect(length.code == 2)
        #expect(length.err.contains("--length must be in 1...10000"))
        let seed = try l4spec(["refine", "--random", "5", "--seed", "-3"])
        #expect(seed.code == 2)
        #expect(seed.err.contains("seed"))
        let words = try l4spec(["refine", "--random", "5", "--seed", "abc"])
        #expect(words.code == 2)
        let nothing = try l4spec(["refine"])
        #expect(nothing.code == 2)
        #expect(nothing.err.contains("nothing to refine"))
        let scenario = try l4spec(["refine", "--edges", "no-such-scenario"])
        #expect(scenario.code == 2)
        #expect(scenario.err.contains("no-such-scenario"))
    }

    @Test func show_rendersTextMermaidAndDot() throws {
        let text = try l4spec(["show", Self.trace])
        #expect(text.code == 0, "\(text.out)\(text.err)")
        #expect(text.out.contains("--->") || text.out.contains("-->"))
        let mermaid = try l4spec(["show", Self.trace, "--format", "mermaid"])
        #expect(mermaid.code == 0 && mermaid.out.hasPrefix("sequenceDiagram"))
        #expect(mermaid.out.contains("->>"))
        let dot = try l4spec(["show", Self.trace, "--format", "dot"])
        #expect(dot.code == 0 && dot.out.hasPrefix("digraph trace {"))
    }

    @Test func show_badInput_exit2() throws {
        let missing = try l4spec(["show", "no/such/trace.json"])
        #expect(missing.code == 2)
        #expect(missing.err.contains("no/such/trace.json"))
        let format = try l4spec(["show", Self.trace, "--format", "svg"])
        #expect(format.code == 2)
    }

    /// A divergence trace written by refine shows spec and implementation values side by side.
    @Test func show_divergenceTrace_showsBothSides() throws {
        let dir = try Fixtures.temporaryDirectory()
        let scenario = try Fixtures.scenario("two-tasks")
        let trace = Trace(scenario: Fixtures.packageRoot.appendingPathComponent("Conformance/scenarios/two-tasks.yaml").path,
                          events: RefineRunTests.events.map { TraceEvent(event: $0) })
        let input = dir + "/input.json"
        try TraceLoader.encode(trace, names: scenario.names).write(toFile: input, atomically: true, encoding: .utf8)
        let c = try RefineRunner.trace(path: input, options: Fixtures.options(out: dir, perturbation: RefineRunTests.broken))
        let written = try #require(c.findings.first?.tracePath)
        let r = try l4spec(["show", written])
        #expect(r.code == 0, "\(r.out)\(r.err)")
        #expect(r.out.contains("DIVERGENCE at step 1"))
        #expect(r.out.contains("ta.prio") && r.out.contains("10 | 11"))
        let replay = try l4spec(["refine", "--trace", written, "--out", dir])
        #expect(replay.code == 0, "without the perturbation the minimal trace agrees: \(replay.out)")
    }
}

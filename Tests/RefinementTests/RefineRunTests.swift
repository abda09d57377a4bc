import Foundation
import Refinement
import Scenarios
import Spec
import Testing
import Verifier

/// Trace replay, divergence reports, shrinking and random walks (DESIGN §8).
@Suite struct RefineRunTests {
    /// Every conformance trace must be accepted by both descriptions.
    @Test func conformanceTraces_agree() throws {
        let files = try RefineRunner.traceFiles(Fixtures.conformance)
        #expect(files.count >= 160)
        var diverged: [String] = []
        for f in files {
            let c = try RefineRunner.trace(path: f, options: Fixtures.options())
            #expect(c.steps > 0)
            if c.diverged { diverged.append(c.findings.map { RefineRendering.findingText($0) }.joined(separator: "\n")) }
        }
        #expect(diverged.isEmpty, "\(diverged.joined(separator: "\n"))")
    }

    static let ta = ThreadID(0)
    static func e(_ inv: Invocation) -> Event { .invoke(cpu: CPU(0), inv) }

    /// Events on `two-tasks`: only the gate creation (1) and the first tick
    /// after it (5) matter to the perturbation below.
    static let events: [Event] = [
        e(.taskCapValid(task: .slot(SlotIndex(1)), cap: .slot(SlotIndex(2)))),
        e(.factoryCreate(factory: .slot(SlotIndex(2)), kind: .gate(label: 8, thread: nil), slot: SlotIndex(6))),
        e(.taskCapValid(task: .slot(SlotIndex(1)), cap: .slot(SlotIndex(3)))),
        e(.ipcWait(timeout: .never, buffer: .none)),
        e(.taskCapEqual(task: .slot(SlotIndex(1)), a: .slot(SlotIndex(1)), b: .slot(SlotIndex(3)))),
        .tick(cpu: CPU(0)),
        e(.ipcSend(cap: .slot(SlotIndex(4)), Message(words: [5]), timeout: .never)),
        .tick(cpu: CPU(0)),
    ]

    /// A broken implementation step: once a gate exists, a tick raises ta's priority.
    static let broken = Perturbation { view, event, _ in
        if case .tick = event, view.gates.contains(where: { $0 != nil }) { view.threads[0]?.prio += 1 }
    }

    @Test func unperturbedEvents_agree() throws {
        let r = try Replay.run(Self.events, scenario: try Fixtures.scenario("two-tasks"))
        #expect(r.divergence == nil, "\(r.divergence?.summary ?? "")")
        #expect(r.steps.count == Self.events.count)
    }

    @Test func brokenStep_isReportedWithItsFieldPath_andShrunkToAMinimalTrace() throws {
        let scenario = try Fixtures.scenario("two-tasks")
        let r = try Replay.run(Self.events, scenario: scenario, perturbation: Self.broken)
        let d = try #require(r.divergence)
        #expect(d.step == 5)
        #expect(d.path == "ta.prio")
        #expect(d.diffs.first == FieldDiff(path: "ta.prio", spec: "10", impl: "11"))
        let (minimal, replay) = try Shrink.minimize(Self.events, divergence: d, scenario: scenario, perturbation: Self.broken)
        #expect(minimal.count == 2)
        #expect(minimal.first == Self.events[1])
        #expect(minimal.last == .tick(cpu: CPU(0)))
        #expect(replay.divergence?.path == "ta.prio")
        #expect(replay.divergence?.step == 1)
    }

    @Test func ddmin_findsTheOneMinimalSubsequence() {
        let input = Array(0..<40)
        let minimal = Shrink.ddmin(input) { $0.contains(7) && $0.contains(31) && $0.contains(12) }
        #expect(minimal == [7, 12, 31])
    }

    /// A divergence found on a trace is written as a replayable trace plus a sidecar that `show` reads.
    @Test func divergence_isWrittenAsTraceAndSidecar() throws {
        let dir = try Fixtures.temporaryDirectory()
        let scenario = try Fixtures.scenario("two-tasks")
        let trace = Trace(scenario: Fixtures.packageRoot.appendingPathComponent("Conformance/scenarios/two-tasks.yaml").path,
                          events: Self.events.map { TraceEvent(event: $0) })
        let path = dir + "/input.json"
        try TraceLoader.encode(trace, names: scenario.names).write(toFile: path, atomically: true, encoding: .utf8)
        let c = try RefineRunner.trace(path: path, options: Fixtures.options(out: dir, perturbation: Self.broken))
        let f = try #require(c.findings.first)
        let written = try #require(f.tracePath)
        let reread = try TraceLoader.loadBound(path: written)
        #expect(reread.events.map(\.event) == f.events)
        let sidecar = try #require(try RefineSidecar.load(for: written))
        #expect(sidecar.divergenceStep == 1)
        #expect(sidecar.steps.last?.diffs.first?.path == "ta.prio")
        let diagram = SequenceDiagram.build(trace: reread.trace, scenario: reread.scenario, sidecar: sidecar)
        let text = SequenceRendering.text(diagram)
        #expect(text.contains("DIVERGENCE at step 1"))
        #expect(text.contains("ta.prio"))
        #expect(SequenceRendering.mermaid(diagram).contains("DIVERGENCE step 1"))
        #expect(SequenceRendering.dot(diagram).contains("color=red"))
    }

    @Test func randomWalks_areDeterministicBySeed() throws {
        let scenario = try ScenarioLoader.builtIn("irq-driver")
        let a = try RefineRunner.walkEvents(seed: 42, walk: 3, length: 30, scenario: scenario)
        let b = try RefineRunner.walkEvents(seed: 42, walk: 3, length: 30, scenario: scenario)
        let c = try RefineRunner.walkEvents(seed: 43, walk: 3, length: 30, scenario: scenario)
        let d = try RefineRunner.walkEvents(seed: 42, walk: 4, length: 30, scenario: scenario)
        #expect(a == b)
        #expect(a != c)
        #expect(a != d)
        let scenarios = try ["irq-driver", "two-partitions"].map { try ScenarioLoader.builtIn($0) }
        let run1 = try RefineRunner.random(walks: 20, length: 15, seed: 9, scenarios: scenarios, options: Fixtures.options())
        let run2 = try RefineRunner.random(walks: 20, length: 15, seed: 9, scenarios: scenarios, options: Fixtures.options())
        #expect(run1.walks == 20 && run1.steps == run2.steps)
        #expect(run1.findings.map(\.divergence.summary) == run2.findings.map(\.divergence.summary))
    }

    @Test func edgesOfASmallScenario_agree() throws {
        var o = Fixtures.options()
        o.maxDepth = 2
        let c = try EdgeRefinement.run(try ScenarioLoader.builtIn("factory-quota"), options: o)
        #expect(c.edges > 0 && c.states > 1)
        #expect(!c.diverged, "\(c.findings.map { RefineRendering.findingText($0) })")
        #expect(c.limit == nil)
    }

    @Test func edges_stopInconclusive_atTheStateBound() throws {
        var o = Fixtures.options()
        o.maxStates = 3
        let c = try EdgeRefinement.run(try ScenarioLoader.builtIn("factory-quota"), options: o)
        #expect(c.limit != nil)
        #expect(c.verdict == "inconclusive")
    }
}

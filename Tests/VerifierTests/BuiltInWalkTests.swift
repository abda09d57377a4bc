import PropertyBased
import Scenarios
import Spec
import Testing
@testable import Verifier

/// Long seeded random walks on every built-in scenario: `step` never traps and
/// the state stays well formed after every event (issue: property-based test).
@Suite struct BuiltInWalkTests {
    @Test(arguments: ScenarioLoader.builtInNames)
    func randomWalk_staysWellFormed(_ name: String) async throws {
        let scenario = try ScenarioLoader.builtIn(name)
        let gen = RandomEvents(slots: Int(scenario.initial.config.slotBound), pages: Int(scenario.initial.config.pageBound),
                               cpus: Int(scenario.initial.config.cpuCount), words: scenario.bounds.wordValues, labels: scenario.bounds.labels)
        await propertyCheck(count: 20, input: Gen.uint64()) { seed in
            var rng = SplitMix64(seed: seed)
            var state = scenario.initial
            for i in 0..<1_500 {
                let e = gen.next(using: &rng)
                let before = state
                _ = state.apply(e)
                let broken = state.wellFormed()
                if !broken.isEmpty {
                    Issue.record("\(name) seed \(seed) step \(i): \(EventText.describe(e, names: scenario.names)) broke \(broken); diff \(state.changes(since: before, name: scenario.names.name))")
                    return
                }
                if state.readyThreads(CPU(0)).isEmpty && state.readyThreads(CPU(1)).isEmpty { state = scenario.initial }
            }
        }
    }

    @Test func randomEvents_areDeterministicPerSeed() {
        let gen = RandomEvents(slots: 4, pages: 2, cpus: 2)
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42), c = SplitMix64(seed: 43)
        let x = (0..<200).map { _ in gen.next(using: &a) }
        let y = (0..<200).map { _ in gen.next(using: &b) }
        let z = (0..<200).map { _ in gen.next(using: &c) }
        #expect(x == y)
        #expect(x != z)
    }
}

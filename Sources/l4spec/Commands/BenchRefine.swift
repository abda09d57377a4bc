import AllocCounter
import ArgumentParser
import Foundation
import Refinement
import Scenarios
import Verifier

extension L4Spec.Bench {
    /// `l4spec bench refine` (issue 6 point 6, docs/performance.md).
    struct BenchRefine: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "refine",
            abstract: "Events per second of the refinement harness (full abstraction and comparison after every step).",
            discussion: """
                Replays the seeded random walks of `l4spec refine --random WALKS --length LENGTH --seed SEED` over \
                the built-in scenarios three ways on one core: the full comparing step, the spec alone and \
                KernelImpl alone (with the register/UTCB encoding and result decoding). The rest of a full step \
                is the correspondence, abstraction, received-message and state comparison.
                """)

        @Option(help: "Number of random walks (round robin over the built-ins).")
        var walks = 5_000

        @Option(help: "Events per walk.")
        var length = 40

        @Option(help: "Random seed (the same walks as `refine --random` with this seed).")
        var seed: UInt64 = 1

        func validate() throws {
            guard (1...10_000_000).contains(walks) else { throw ValidationError("--walks must be in 1...10000000") }
            guard (1...10_000).contains(length) else { throw ValidationError("--length must be in 1...10000") }
        }

        func run() throws {
            let scenarios = try ScenarioLoader.builtInNames.map { name throws(InputError) in try ScenarioLoader.builtIn(name) }
            var rows = try RefineBenchmark.run(scenarios: scenarios, walks: walks, length: length, seed: seed) { UInt64(l4spec_allocation_count()) }
            rows.append(RefineBenchmarkRow.total(rows))
            print("\(walks) random walks of \(length) events over \(scenarios.count) built-ins, seed \(seed); one core, events/s and µs per event in thread CPU time")
            print(TextTable.render(
                header: ["scenario", "walks", "events", "cpu s", "wall s", "events/s", "spec µs/ev", "impl µs/ev", "compare µs/ev", "allocs/ev", "diverged"],
                rows: rows.map { r in
                    let us = { (s: Double) in String(format: "%.2f", s * 1e6 / Double(max(r.events, 1))) }
                    return [r.scenario, "\(r.walks)", "\(r.events)", String(format: "%.2f", r.fullSeconds), String(format: "%.2f", r.fullWallSeconds),
                            String(format: "%.0f", r.eventsPerSecond),
                            us(r.specSeconds), us(r.implSeconds), us(r.compareSeconds), String(format: "%.1f", r.allocationsPerEvent), "\(r.divergedWalks)"]
                }))
            let t = rows[rows.count - 1]
            let share = { (s: Double) in String(format: "%.0f %%", 100 * s / max(t.fullSeconds, 1e-9)) }
            print("split of a full step: spec \(share(t.specSeconds)), impl + encoding \(share(t.implSeconds)), "
                + "correspondence + abstraction + compare \(share(t.compareSeconds))")
        }
    }
}

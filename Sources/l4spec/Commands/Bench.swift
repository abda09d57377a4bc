import AllocCounter
import ArgumentParser
import Scenarios
import Spec
import Verifier

extension L4Spec {
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Benchmarks (recorded in docs/performance.md).",
            subcommands: [Step.self])

        struct Step: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Events per second of the spec's step function on seeded random walks.")

            @Option(help: "Events per scenario.")
            var events = 2_000_000

            @Option(help: "Random seed.")
            var seed: UInt64 = 1

            func validate() throws {
                guard (1...100_000_000).contains(events) else { throw ValidationError("--events must be in 1...100000000") }
            }

            func run() throws {
                let scenarios = try ScenarioLoader.builtInNames.map { name throws(InputError) in try ScenarioLoader.builtIn(name) }
                let rows = StepBenchmark.run(scenarios: scenarios, events: events, seed: seed) { UInt64(l4spec_allocation_count()) }
                print("state size: \(MemoryLayout<KernelState>.size) bytes (stride \(MemoryLayout<KernelState>.stride))")
                print("allocation counter: \(counterSelfCheck()) allocations counted for 100 one-element arrays (expect ≥ 100)")
                print(TextTable.render(
                    header: ["scenario", "events", "apply ev/s", "step ev/s", "allocs/step", "ok+blocked", "guided ev/s", "guided ok+blocked"],
                    rows: rows.map { [$0.scenario, "\($0.events)", grouped($0.applyPerSecond), grouped($0.stepPerSecond), "\(($0.allocationsPerStep * 1000).rounded() / 1000)", "\(Int(($0.effectiveShare * 100).rounded())) %",
                                           grouped($0.guidedPerSecond), "\(Int(($0.guidedShare * 100).rounded())) %"] }))
            }

            /// Proves the counter is live: a known number of heap allocations must show up.
            func counterSelfCheck() -> Int {
                let before = l4spec_allocation_count()
                var keep: [[Int]] = []
                keep.reserveCapacity(100)
                for i in 0..<100 { keep.append([i]) }
                let after = l4spec_allocation_count()
                return keep.count == 100 ? Int(after - before) : 0
            }

            func grouped(_ v: Double) -> String {
                let n = Int(v.rounded())
                let s = String(n)
                var out = ""
                for (i, ch) in s.enumerated() {
                    if i > 0 && (s.count - i) % 3 == 0 { out += "," }
                    out.append(ch)
                }
                return out
            }
        }
    }
}

import AllocCounter
import ArgumentParser
import Scenarios
import SMT
import Spec
import StateExplorer
import Verifier
import Foundation

extension L4Spec {
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Benchmarks (recorded in docs/performance.md).",
            subcommands: [Step.self, Explore.self, Smt.self, BenchProve.self, BenchRefine.self])

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
            struct Explore: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "States and transitions per second and bytes per state of the explorer (no properties).",
                discussion: "Workloads: the capability forest 3×2/O=2/R=3 and 3×3/O=2/R=1, and the kernel spec on a built-in scenario. --large explores the forest 3×3/O=2/R=2 up to --large-states (default 10⁸) to show a run that ends, or stops 'inconclusive: memory', within the memory budget.")

            @Option(help: "Worker counts to compare (repeatable).")
            var workers: [Int] = [1, 2]

            @Option(help: "Built-in scenario or scenario file for the kernel workload.")
            var scenario = "two-partitions"

            @Option(help: "Depth bound for the kernel workload (two-partitions to depth 12: about 17 M states).")
            var depth = 12

            @Option(help: "State bound per run.")
            var maxStates = 200_000_000

            @Option(help: "Workloads to run: forest, kernel, large (repeatable; default forest and kernel).")
            var only: [String] = []

            @Option(help: "State bound of the --only large run.")
            var largeStates = 100_000_000

            @Option(help: "Memory budget of the explorer in MiB (default: 60 % of physical memory).")
            var memoryLimitMib: Int?

            func validate() throws {
                guard !workers.isEmpty, workers.allSatisfy({ (1...256).contains($0) }) else { throw ValidationError("--workers must be in 1...256") }
                guard (1...2_000_000_000).contains(maxStates) else { throw ValidationError("--max-states must be in 1...2000000000") }
                guard (1...2_000_000_000).contains(largeStates) else { throw ValidationError("--large-states must be in 1...2000000000") }
                guard (1...1_000).contains(depth) else { throw ValidationError("--depth must be in 1...1000") }
                if let m = memoryLimitMib, !(1...1_048_576).contains(m) { throw ValidationError("--memory-limit-mib must be in 1...1048576") }
                for o in only where !["forest", "kernel", "large"].contains(o) {
                    throw ValidationError("--only: unknown workload '\(o)' (known: forest, kernel, large)")
                }
            }

            func run() throws {
                let selected = only.isEmpty ? ["forest", "kernel"] : only
                let memoryLimit = memoryLimitMib.map { $0 << 20 } ?? ExplorerConfiguration.defaultMemoryLimit
                var rows: [ExploreBenchmarkRow] = []
                if selected.contains("forest") {
                    for (t, s, o, r) in [(3, 2, 2, 3), (3, 3, 2, 1)] {
                        let (name, system) = ExploreBenchmark.forest(tasks: t, slots: s, objects: o, rights: r)
                        rows += try ExploreBenchmark.run(name, system, workers: workers, maxStates: maxStates, memoryLimit: memoryLimit, progress: StderrProgress(label: name))
                    }
                }
                if selected.contains("kernel") {
                    var loaded = try ScenarioLoader.resolve(scenario, relativeTo: ".")
                    loaded.bounds.depth = depth
                    let (name, system) = ExploreBenchmark.kernel(loaded)
                    rows += try ExploreBenchmark.run(name, system, workers: workers, maxStates: maxStates, memoryLimit: memoryLimit, progress: StderrProgress(label: name))
                }
                if selected.contains("large") {
                    let (name, system) = ExploreBenchmark.forest(tasks: 3, slots: 3, objects: 2, rights: 2)
                    rows += try ExploreBenchmark.run(name, system, workers: [workers.max() ?? 2], maxStates: largeStates, memoryLimit: memoryLimit,
                                                     progress: StderrProgress(label: name))
                }
                print(TextTable.render(
                    header: ["workload", "workers", "states", "transitions", "depth", "s", "states/s", "transitions/s",
                             "table B/state", "explorer B/state", "process B/state", "verdict"],
                    rows: rows.map { r in
                        [r.workload, "\(r.workers)", "\(r.states)", "\(r.transitions)", "\(r.depth)", String(format: "%.2f", r.seconds),
                         String(format: "%.0f", r.statesPerSecond), String(format: "%.0f", r.transitionsPerSecond),
                         String(format: "%.1f", r.tableBytesPerState), String(format: "%.1f", r.explorerBytesPerState),
                         String(format: "%.1f", r.processBytesPerState), r.verdict]
                    }))
                for base in rows where base.workers == 1 {
                    for other in rows where other.workload == base.workload && other.workers > 1 {
                        print("\(base.workload): speed-up 1 → \(other.workers) workers: " + String(format: "%.2f×", base.seconds / max(other.seconds, 1e-9)))
                    }
                }
            }
        }
            struct Smt: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Z3 queries per second through the SMT wrapper, and the resident set over them (leak check).")

            @Option(help: "Number of push/assert/check/pop queries.")
            var queries = 100_000

            func validate() throws {
                guard (10...10_000_000).contains(queries) else { throw ValidationError("--queries must be in 10...10000000") }
            }

            func run() throws {
                let r = try SMTBenchmark.run(queries: queries)
                let mb = { (b: Int) in String(format: "%.1f MB", Double(b) / 1e6) }
                print("Z3 \(SMTContext.version), one QF_AUFBV solver, push/assert/check/pop per query")
                print("queries: \(r.queries), \(String(format: "%.2f", r.seconds)) s, \(String(format: "%.1f", r.microsecondsPerQuery)) µs/query")
                print("resident after \(r.queries / 10) queries: \(mb(r.residentAfterWarmup)); at the end: \(mb(r.residentAtEnd)); growth: \(mb(r.residentAtEnd - r.residentAfterWarmup)); peak: \(mb(r.peakResident))")
            }
        }
    }
}

import Scenarios
import Spec

/// `l4spec bench step`: events per second of the spec's step function on
/// seeded random walks over each built-in scenario (DESIGN §10).
public struct StepBenchmarkRow: Sendable {
    public var scenario: String
    public var events: Int
    public var applyPerSecond: Double
    public var stepPerSecond: Double
    public var allocationsPerStep: Double
    /// Share of events that succeeded or blocked (the rest hit an error path).
    public var effectiveShare: Double
    /// Guided walk (capabilities drawn from held slots): events/s of `apply`, and its share.
    public var guidedPerSecond: Double
    public var guidedShare: Double
}

public enum StepBenchmark {
    /// `allocations` reads a process-wide allocation counter (0 when unavailable).
    public static func run(scenarios: [Scenario], events: Int, seed: UInt64, allocations: () -> UInt64) -> [StepBenchmarkRow] {
        scenarios.map { scenario in
            let gen = RandomEvents(slots: Int(scenario.initial.config.slotBound), pages: Int(scenario.initial.config.pageBound),
                                   cpus: Int(scenario.initial.config.cpuCount), words: scenario.bounds.wordValues, labels: scenario.bounds.labels)
            var rng = SplitMix64(seed: seed)
            let evs = (0..<events).map { _ in gen.next(using: &rng) }
            let clock = ContinuousClock()

            // In place: the state is mutated; a walk that ends in an idle system restarts.
            var state = scenario.initial
            let a0 = allocations()
            let t0 = clock.now
            var idle = 0
            var effective = 0
            for e in evs {
                let outcome = state.apply(e).outcome
                switch outcome {
                case .ok, .blocked: effective += 1
                default: break
                }
                if outcome == .idle {
                    idle += 1
                    if idle > 64 { state = scenario.initial; idle = 0 }
                }
            }
            let applyTime = seconds(clock.now - t0)
            let allocs = allocations() &- a0

            // Functional: `step` copies the state, as the explorer does per successor.
            var s = scenario.initial
            var sink: UInt64 = 0
            let t1 = clock.now
            for e in evs {
                let (next, r) = step(s, e)
                if r.outcome == .idle { s = scenario.initial } else { s = next }
                sink &+= UInt64(s.ready[0].count)
            }
            let stepTime = seconds(clock.now - t1)

            // Guided: event generation needs the state, so it is timed together with `apply`
            // (an upper bound on the step cost).
            var guidedState = scenario.initial
            var grng = SplitMix64(seed: seed)
            var guidedEffective = 0
            let t2 = clock.now
            for _ in 0..<events {
                let e = gen.next(in: guidedState, using: &grng)
                switch guidedState.apply(e).outcome {
                case .ok, .blocked: guidedEffective += 1
                case .idle: guidedState = scenario.initial
                default: break
                }
            }
            let guidedTime = seconds(clock.now - t2)
            if sink == UInt64.max { print("") }
            return StepBenchmarkRow(scenario: scenario.name, events: events,
                                    applyPerSecond: Double(events) / max(applyTime, 1e-9),
                                    stepPerSecond: Double(events) / max(stepTime, 1e-9),
                                    allocationsPerStep: Double(allocs) / Double(max(events, 1)),
                                    effectiveShare: Double(effective) / Double(max(events, 1)),
                                    guidedPerSecond: Double(events) / max(guidedTime, 1e-9),
                                    guidedShare: Double(guidedEffective) / Double(max(events, 1)))
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

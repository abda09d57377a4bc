import Foundation
import KernelImpl
import Scenarios
import Spec
import Verifier

/// One scenario of `l4spec bench refine`.
public struct RefineBenchmarkRow: Sendable {
    public var scenario: String
    public var walks: Int
    /// Steps compared (a walk stops at its first divergence, as in `refine --random`).
    public var events: Int
    /// `RefineSession.step`: both sides, full abstraction and comparison after every step (CPU time).
    public var fullSeconds: Double
    /// The same, wall-clock time.
    public var fullWallSeconds = 0.0
    /// The spec's `apply` alone on the same events.
    public var specSeconds: Double
    /// KernelImpl alone on the same events, with the encoding into registers/UTCB and the result decoding.
    public var implSeconds: Double
    public var allocationsPerEvent: Double
    public var divergedWalks: Int

    public var eventsPerSecond: Double { Double(events) / max(fullSeconds, 1e-9) }
    /// Correspondence, abstraction, received messages and comparison: the rest of a full step.
    public var compareSeconds: Double { max(0, fullSeconds - specSeconds - implSeconds) }

    /// The sum of `rows` (allocations weighted by events).
    public static func total(_ rows: [RefineBenchmarkRow]) -> RefineBenchmarkRow {
        var t = RefineBenchmarkRow(scenario: "total", walks: 0, events: 0, fullSeconds: 0, specSeconds: 0, implSeconds: 0,
                                   allocationsPerEvent: 0, divergedWalks: 0)
        for r in rows {
            t.walks += r.walks
            t.events += r.events
            t.fullSeconds += r.fullSeconds
            t.fullWallSeconds += r.fullWallSeconds
            t.specSeconds += r.specSeconds
            t.implSeconds += r.implSeconds
            t.allocationsPerEvent += r.allocationsPerEvent * Double(r.events)
            t.divergedWalks += r.divergedWalks
        }
        t.allocationsPerEvent /= Double(max(t.events, 1))
        return t
    }
}

/// `l4spec bench refine` (issue 6 point 6): events per second of the
/// refinement harness on the seeded random walks `refine --random` makes
/// (walk w on scenario w mod count, generator seeded from (seed, w)). The
/// walks are generated first and not timed; then the same events are run
/// three ways — the full comparing step, the spec alone and the
/// implementation alone — so the cost of each part is visible. Times are
/// the thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), so that other load on
/// a shared machine does not count; the wall time of the full run is kept
/// for comparison.
public enum RefineBenchmark {
    /// `allocations` reads a process-wide allocation counter (0 when unavailable).
    public static func run(scenarios: [Scenario], walks: Int, length: Int, seed: UInt64,
                           allocations: () -> UInt64) throws(InputError) -> [RefineBenchmarkRow] {
        var rows: [RefineBenchmarkRow] = []
        for (k, scenario) in scenarios.enumerated() {
            let boot = try RefineRunner.session(scenario, RefineOptions(), file: scenario.name)
            let indices = Array(stride(from: k, to: walks, by: scenarios.count))
            var events: [[Event]] = []
            for w in indices { events.append(try RefineRunner.walkEvents(seed: seed, walk: w, length: length, scenario: scenario)) }
            rows.append(measure(scenario, boot, events, allocations))
        }
        return rows
    }

    static func measure(_ scenario: Scenario, _ boot: RefineSession, _ walks: [[Event]], _ allocations: () -> UInt64) -> RefineBenchmarkRow {
        let wall = ContinuousClock.now
        var row = RefineBenchmarkRow(scenario: scenario.name, walks: walks.count, events: 0, fullSeconds: 0, specSeconds: 0,
                                     implSeconds: 0, allocationsPerEvent: 0, divergedWalks: 0)
        // Full steps; each walk is cut at its first divergence.
        var compared: [ArraySlice<Event>] = []
        let a0 = allocations()
        var t0 = cpuSeconds()
        for walk in walks {
            var s = boot
            var n = 0
            for e in walk {
                n += 1
                if !s.step(e, index: n - 1).diffs.isEmpty {
                    row.divergedWalks += 1
                    break
                }
            }
            compared.append(walk[0..<n])
        }
        row.fullSeconds = cpuSeconds() - t0
        row.fullWallSeconds = seconds(ContinuousClock.now - wall)
        row.events = compared.reduce(0) { $0 + $1.count }
        row.allocationsPerEvent = Double(allocations() &- a0) / Double(max(row.events, 1))
        // The spec alone.
        var sink = 0
        t0 = cpuSeconds()
        for walk in compared {
            var spec = scenario.initial
            for e in walk { _ = spec.apply(e) }
            sink &+= Int(spec.ready[0].count)
        }
        row.specSeconds = cpuSeconds() - t0
        // The implementation alone, through the ABI.
        t0 = cpuSeconds()
        for walk in compared {
            var impl = boot.impl
            for e in walk { _ = ImplStep.run(e, on: &impl) }
            sink &+= Int(impl.clockMicros & 1)
        }
        row.implSeconds = cpuSeconds() - t0
        if sink == Int.min { print("") }
        return row
    }

    /// CPU time of the calling thread.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

import Scenarios
import Spec
import Verifier

/// Replaying an event list on both sides from boot, stopping at the first
/// divergence (DESIGN §8 "a structured diff at the first differing step").
public struct ReplayResult: Sendable {
    /// Every step replayed, the diverging one last.
    public var steps: [StepRecord]
    /// The first disagreement; `step` -1 is the boot state itself.
    public var divergence: Divergence?
}

public enum Replay {
    public static func run(_ events: [Event], scenario: Scenario, perturbation: Perturbation? = nil) throws(ImplBoot.Failure) -> ReplayResult {
        var session = try RefineSession(scenario: scenario, perturbation: perturbation)
        return run(events, from: session, names: scenario.names, checkBoot: true, session: &session)
    }

    /// Replays from an already booted session (which is left after the last replayed step).
    static func run(_ events: [Event], from start: RefineSession, names: NameTable, checkBoot: Bool, session: inout RefineSession) -> ReplayResult {
        session = start
        if checkBoot {
            let boot = session.stateDiffs()
            if !boot.isEmpty { return ReplayResult(steps: [], divergence: Divergence(step: -1, event: nil, eventText: "boot", diffs: boot)) }
        }
        var steps: [StepRecord] = []
        for (i, e) in events.enumerated() {
            let r = session.step(e, index: i)
            steps.append(r)
            if !r.diffs.isEmpty {
                return ReplayResult(steps: steps, divergence: Divergence(step: i, event: e, eventText: EventText.describe(e, names: names), diffs: r.diffs))
            }
        }
        return ReplayResult(steps: steps, divergence: nil)
    }
}

/// Shrinking a diverging event list by delta debugging (Zeller and
/// Hildebrandt's ddmin): the result is 1-minimal — removing any single event
/// makes the divergence on the same field path disappear.
public enum Shrink {
    /// `diverges` replays a candidate list and tells whether it still shows the divergence.
    public static func ddmin<T>(_ input: [T], _ diverges: ([T]) -> Bool) -> [T] {
        var c = input
        var n = 2
        while c.count >= 2 {
            let chunks = split(c, into: n)
            if let smaller = chunks.first(where: diverges) {
                c = smaller
                n = 2
                continue
            }
            let complements = chunks.indices.map { i in chunks.indices.filter { $0 != i }.flatMap { chunks[$0] } }
            if n > 2, let smaller = complements.first(where: diverges) {
                c = smaller
                n = max(n - 1, 2)
                continue
            }
            if n >= c.count { break }
            n = min(n * 2, c.count)
        }
        return c
    }

    static func split<T>(_ a: [T], into n: Int) -> [[T]] {
        var out: [[T]] = []
        var start = 0
        for k in 0..<n {
            let end = start + (a.count - start) / (n - k)
            out.append(Array(a[start..<end]))
            start = end
        }
        return out.filter { !$0.isEmpty }
    }

    /// The shortest prefix up to the divergence, shrunk so that the replay still
    /// diverges in the same class (`DivergenceFinding.classKey`: the field, the
    /// operation, and for the step's result both values); returns the events
    /// and that replay.
    public static func minimize(_ events: [Event], divergence: Divergence, scenario: Scenario,
                                perturbation: Perturbation? = nil) throws(ImplBoot.Failure) -> ([Event], ReplayResult) {
        minimize(events, divergence: divergence, scenario: scenario, boot: try RefineSession(scenario: scenario, perturbation: perturbation))
    }

    /// The same from a booted session (which carries the perturbation and any seeded faults).
    static func minimize(_ events: [Event], divergence: Divergence, scenario: Scenario, boot: RefineSession) -> ([Event], ReplayResult) {
        var scratch = boot
        let prefix = Array(events.prefix(divergence.step + 1))
        let minimal = ddmin(prefix) { candidate in
            Replay.run(candidate, from: boot, names: scenario.names, checkBoot: false, session: &scratch).divergence
                .map(DivergenceFinding.classKey) == DivergenceFinding.classKey(of: divergence)
        }
        return (minimal, Replay.run(minimal, from: boot, names: scenario.names, checkBoot: true, session: &scratch))
    }
}

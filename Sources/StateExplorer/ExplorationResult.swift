/// A counterexample or example: an initial state and the (action, state) steps.
public struct Trace<System: TransitionSystem>: Sendable {
    public var initial: System.State
    public var steps: [(action: System.Action, state: System.State)]
    public var count: Int { steps.count }
    public init(initial: System.State, steps: [(action: System.Action, state: System.State)]) {
        self.initial = initial
        self.steps = steps
    }
}

public enum Verdict<System: TransitionSystem>: Sendable {
    /// Held in every explored state/transition, and the exploration was complete.
    case holds
    /// Violated: the shortest trace to the violation.
    case violated(Trace<System>)
    /// A `sometimes` property: a shortest example.
    case example(Trace<System>)
    /// A `sometimes` property with no witness in the complete state space.
    case notFound
    /// Not violated within the explored part, but a limit stopped the search.
    case inconclusive(String)

    public var name: String {
        switch self {
        case .holds: "holds"
        case .violated: "violated"
        case .example: "example"
        case .notFound: "not found"
        case .inconclusive: "inconclusive"
        }
    }
}

public struct ExplorationStatistics: Sendable {
    public var states = 0
    public var transitions = 0
    public var depth = 0
    public var seconds = 0.0
    /// The visited table at its largest (8 bytes per slot).
    public var tableBytes = 0
    /// Parent links, 8 bytes per state.
    public var recordBytes = 0
    /// Table + trace records + frontier blocks at their peak.
    public var peakMemoryBytes = 0
    /// The whole process's peak resident set (VmHWM), 0 where unknown.
    public var peakResidentBytes = 0
    /// How often the table grew (each growth rehashes every fingerprint).
    public var growths = 0
    public var deadlocks = 0
    public var statesPerSecond: Double { Double(states) / max(seconds, 1e-9) }
    public var transitionsPerSecond: Double { Double(transitions) / max(seconds, 1e-9) }
    /// Visited-set bytes per state: the fingerprint table.
    public var tableBytesPerState: Double { Double(tableBytes) / Double(max(states, 1)) }
    /// Explorer bytes per state: table, trace records and frontier at the peak.
    public var bytesPerState: Double { Double(peakMemoryBytes) / Double(max(states, 1)) }
}

public struct ExplorationResult<System: TransitionSystem>: Sendable {
    /// One verdict per property, in the order given.
    public var verdicts: [(name: String, verdict: Verdict<System>)]
    public var deadlock: Trace<System>?
    public var statistics: ExplorationStatistics
    /// Why the search stopped early, if it did.
    public var limitHit: String?
    /// For each coverage item: how many transitions exercised it.
    public var coverage: [(name: String, count: Int)]
    public var complete: Bool { limitHit == nil }
}

public enum ExplorationError: Error, CustomStringConvertible {
    /// Replaying a recorded path gave a different fingerprint: the system is not deterministic.
    case nondeterministicSystem(step: Int)
    public var description: String {
        switch self {
        case .nondeterministicSystem(let s):
            "replaying the counterexample diverged at step \(s): the system's successor or action order is not deterministic"
        }
    }
}

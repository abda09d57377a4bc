import Properties
import Scenarios
import Spec

/// One replayed step of a trace: the event, what it returned, what changed,
/// and how it compared with the trace's expectation.
public struct StepReport: Sendable {
    public var index: Int
    public var line: Int?
    public var event: String
    public var outcome: Outcome
    public var actor: String?
    public var changes: [Change]
    public var mismatches: [String]
    public var stateAfter: KernelState
}

/// The result of replaying a whole trace: it stops at the first mismatch.
public struct TraceRun: Sendable {
    public var trace: Trace
    public var scenario: Scenario
    public var steps: [StepReport]
    public var violations: [Violation]
    /// A counterexample's property (`"property"` in the trace), re-checked on
    /// replay: the first step after which it is violated, and what is violated.
    public var propertyViolation: (step: Int, detail: String)?
    /// The first step whose result differed from its expectation.
    public var firstMismatch: StepReport? { steps.first { !$0.mismatches.isEmpty } }
    public var passed: Bool { firstMismatch == nil && violations.isEmpty }
}

public enum TraceRunner {
    /// Loads a trace file and the scenario it names (bad input → `InputError`).
    /// Names in expectations are bound at load time, so a dangling name is an
    /// input error with file, line and field rather than a run-time mismatch.
    public static func load(path: String) throws(InputError) -> (Trace, Scenario) {
        let bound = try TraceLoader.loadBound(path: path)
        return (bound.trace, bound.scenario)
    }

    /// Replays the events on the spec, checking expectations and `wellFormed`
    /// after every step; stops at the first mismatch.
    public static func run(_ trace: Trace, on scenario: Scenario) -> TraceRun {
        var state = scenario.initial
        var steps: [StepReport] = []
        var violations: [Violation] = []
        let property = trace.property.flatMap { id in Catalogue.all.first { $0.id == id } }
        let context = CheckContext(scenario: scenario)
        var propertyViolation: (step: Int, detail: String)?
        for (i, te) in trace.events.enumerated() {
            let before = state
            let result = state.apply(te.event)
            if propertyViolation == nil, let entry = property {
                let broken: [String]
                switch entry.check {
                case .state(let check): broken = check(state, context)
                case .transition(let check): broken = check(before, te.event, result, state, context)
                case .liveness: broken = []
                }
                if let first = broken.first { propertyViolation = (i, first) }
            }
            let names = scenario.names
            let mismatches = te.expect?.check(state: state, result: result, names: names) ?? []
            steps.append(StepReport(index: i, line: te.line, event: EventText.describe(te.event, names: names),
                                    outcome: result.outcome, actor: result.actor.map { names.name(.thread($0)) },
                                    changes: state.changes(since: before, name: names.name), mismatches: mismatches,
                                    stateAfter: state))
            violations = state.wellFormed()
            if !mismatches.isEmpty || !violations.isEmpty { break }
        }
        return TraceRun(trace: trace, scenario: scenario, steps: steps, violations: violations, propertyViolation: propertyViolation)
    }
}

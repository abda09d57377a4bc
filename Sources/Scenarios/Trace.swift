import Spec

/// A sequence of events on a scenario (`l4spec-trace/1`, DESIGN §4): the one
/// format for counterexamples, random walks, refinement divergences and
/// hand-written conformance tests.
public struct Trace: Sendable {
    /// A built-in scenario name, or a path to a YAML file relative to the trace file.
    public var scenario: String
    /// The reference section the trace illustrates, e.g. `kernel-api §4.6`.
    public var reference: String?
    public var description: String?
    /// For counterexamples: the violated property ID (`CAP-1`, ...).
    public var property: String?
    public var events: [TraceEvent]
    /// The file it was loaded from; relative scenario paths resolve against it.
    public var sourcePath: String?
    /// Line of the `scenario` key, so an unresolvable scenario can be located.
    public var scenarioLine: Int?

    public init(scenario: String, reference: String? = nil, description: String? = nil, property: String? = nil,
                events: [TraceEvent], sourcePath: String? = nil, scenarioLine: Int? = nil) {
        self.scenario = scenario
        self.reference = reference
        self.description = description
        self.property = property
        self.events = events
        self.sourcePath = sourcePath
        self.scenarioLine = scenarioLine
    }
}

public struct TraceEvent: Sendable {
    public var event: Event
    /// Line of the event's opening brace in the trace file.
    public var line: Int?
    /// What the step must produce; nil = not checked.
    public var expect: Expectation?
    /// For counterexamples: the state diff of this step (informational).
    public var changes: [String]?

    public init(event: Event, line: Int? = nil, expect: Expectation? = nil, changes: [String]? = nil) {
        self.event = event
        self.line = line
        self.expect = expect
        self.changes = changes
    }
}

/// A trace whose names are known to resolve in its scenario (see `TraceLoader.bind`).
public struct BoundTrace: Sendable {
    public var trace: Trace
    public var scenario: Scenario
    public var events: [TraceEvent] { trace.events }
}

import Scenarios

/// A counterexample's events as numbered lines (`1. cpu0 task.map cap 5 ...`)
/// in the trace vocabulary, for the JUnit and SARIF reports.
public enum CounterexampleSteps {
    public static func lines(_ trace: Scenarios.Trace, names: NameTable) -> [String] {
        trace.events.enumerated().map { i, e in "\(i + 1). \(EventText.describe(e.event, names: names))" }
    }
}

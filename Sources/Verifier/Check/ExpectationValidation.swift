import Properties
import Scenarios

extension CheckPipeline {
    /// Checks every property ID of the scenario's `expect:` list against the
    /// catalogue (docs/scenarios.md#expect); an unknown ID is bad input at the
    /// entry's line.
    public static func validateExpectations(_ scenario: Scenario) throws(InputError) {
        for e in scenario.expectations where Catalogue.entry(id: e.property) == nil {
            throw InputError(file: scenario.sourcePath ?? scenario.name, line: e.line, field: "expect.\(e.property)",
                             message: "unknown property '\(e.property)' (known: \(Catalogue.all.map(\.id).joined(separator: ", ")))")
        }
    }
}

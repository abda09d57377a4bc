import ArgumentParser
import Foundation
import Scenarios
import Verifier

/// `l4spec prove --noninterference SCENARIO` (issue 5 point 4): the
/// unwinding conditions for each scenario's policy. Exit 0 when every
/// condition is proved, 1 when one is refuted, 3 when one is unknown or
/// vacuous; an unknown scenario is an input error (exit 2).
extension L4Spec.Prove {
    func runNoninterference() throws {
        guard let observation = NIObservation(rawValue: niObservation) else {
            throw ValidationError("--ni-observation must be one of \(NIObservation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let scenarios = try noninterference.map { (name) throws(InputError) in try ScenarioLoader.resolve(name, relativeTo: ".") }
        var options = NIOptions()
        options.timeoutMilliseconds = UInt32(timeoutMilliseconds)
        options.observation = observation
        // Debugging aids (not documented): restrict families and conditions.
        let env = ProcessInfo.processInfo.environment
        if let f = env["L4SPEC_NI_FAMILIES"] {
            let names = Set(f.split(separator: ",").map(String.init))
            options.families = ProofFamily.core.filter { names.contains($0.name) }
        }
        if let c = env["L4SPEC_NI_CONDITIONS"] {
            let names = Set(c.split(separator: ",").map(String.init))
            options.conditions = NICondition.allCases.filter { names.contains($0.rawValue) }
        }
        let timestamp = try OutputPrinter.timestamp()
        var refuted = false, allProved = true
        var reports: [NIReport] = []
        for (i, scenario) in scenarios.enumerated() {
            let report = try Noninterference.run(scenario, options) { o in
                FileHandle.standardError.write(Data("prove: \(scenario.name) \(o.condition.name) \(o.family): \(o.verdict.word) (\(String(format: "%.2f", o.seconds)) s)\n".utf8))
            }
            if format == .text { print((i > 0 ? "\n" : "") + NIRendering.text(report), terminator: "") }
            reports.append(report)
            refuted = refuted || report.refuted
            allProved = allProved && report.allProved
        }
        if format != .text {
            let records = reports.flatMap { NIRendering.records($0, timeoutMilliseconds: options.timeoutMilliseconds) }
            let settings = [Setting("noninterference", noninterference.joined(separator: ", ")), Setting("ni_observation", niObservation),
                            Setting("timeout_ms", "\(timeoutMilliseconds)")]
            let output = OutputReport(command: "prove", tool: OutputPrinter.tool(z3: reports.first?.z3Version), timestamp: OutputJSON.timestamp(timestamp),
                                      settings: settings, results: records, seconds: records.reduce(0) { $0 + $1.seconds })
            OutputPrinter.emit(output, format, details: NIRendering.json(reports))
        }
        if refuted { throw ExitCode(1) }
        if !allProved { throw ExitCode(3) }
    }
}

import ArgumentParser
import Foundation
import Scenarios
import Verifier

/// `l4spec prove --bmc K SCENARIO` (issue 5 point 5): K symbolic steps from
/// the scenario's boot state. Exit 0 when no property is violated within K
/// steps, 1 when one is (the trace is written to `--out`), 3 when Z3 did
/// not decide a depth, 2 for bad input.
extension L4Spec.Prove {
    func validateBoundedModelCheck() throws {
        guard let depth = bmc else {
            if scenario != nil { throw ValidationError("a scenario argument is only taken with --bmc K (use --noninterference for the unwinding conditions)") }
            return
        }
        guard (1...64).contains(depth) else { throw ValidationError("--bmc must be in 1...64 steps") }
        guard scenario != nil else { throw ValidationError("--bmc K needs a scenario (built-in name or YAML file)") }
        guard noninterference.isEmpty else { throw ValidationError("--bmc and --noninterference cannot be combined") }
        let known = Set(BoundedModelCheck.propertyIDs)
        for p in properties where !known.contains(p) {
            throw ValidationError("unknown property '\(p)' for --bmc (symbolic forms of catalogue properties: \(BoundedModelCheck.propertyIDs.joined(separator: ", ")))")
        }
    }

    func runBoundedModelCheck(_ depth: Int) throws {
        guard let name = scenario else { throw ValidationError("--bmc K needs a scenario") }
        let loaded = try ScenarioLoader.resolve(name, relativeTo: ".")
        let timestamp = try OutputPrinter.timestamp()
        var options = BMCOptions()
        options.depth = depth
        options.timeoutMilliseconds = UInt32(timeoutMilliseconds)
        options.properties = Set(properties)
        let report = try BoundedModelCheck.run(loaded, options) { d in
            FileHandle.standardError.write(Data("prove --bmc: \(loaded.name) \(d.depth) step(s): \(d.verdict.word) (\(String(format: "%.2f", d.seconds)) s)\n".utf8))
        }
        let path = try BMCRendering.writeTrace(report, to: out)
        if format == .text {
            print(BMCRendering.text(report, tracePath: path), terminator: "")
        } else {
            let records = BMCRendering.records(report, tracePath: path, timeoutMilliseconds: options.timeoutMilliseconds)
            let settings = [Setting("bmc", "\(depth)"), Setting("timeout_ms", "\(timeoutMilliseconds)"),
                            Setting("properties", properties.isEmpty ? "all" : properties.joined(separator: ", "))]
            let output = OutputReport(command: "prove", tool: OutputPrinter.tool(z3: report.z3Version), timestamp: OutputJSON.timestamp(timestamp),
                                      settings: settings, results: records, seconds: report.depths.reduce(0) { $0 + $1.seconds })
            OutputPrinter.emit(output, format, details: BMCRendering.json(report, tracePath: path))
        }
        if report.violated { throw ExitCode(1) }
        if !report.allHold { throw ExitCode(3) }
    }
}

import ArgumentParser
import Scenarios
import Spec
import Verifier

extension L4Spec {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay a trace on the spec, printing each step's result and state diff.",
            discussion: "With an `expect` list, exits 1 at the first step whose result differs.")

        @Argument(help: "An l4spec-trace/1 JSON file.")
        var trace: String

        @Flag(help: "Print the full state after every step instead of the diff.")
        var state = false

        @Option(help: "Output format: text, json (l4spec-output/1), junit or sarif.")
        var format: OutputFormat = .text

        func run() throws {
            let timestamp = try OutputPrinter.timestamp()
            let start = ContinuousClock.now
            let (t, scenario) = try TraceRunner.load(path: trace)
            let result = TraceRunner.run(t, on: scenario)
            guard format == .text else {
                let seconds = start.secondsToNow
                let record = ReplayRecords.run(result, path: trace, seconds: seconds)
                let report = OutputReport(command: "run", tool: OutputPrinter.tool(), timestamp: OutputJSON.timestamp(timestamp),
                                          results: [record], seconds: seconds)
                OutputPrinter.emit(report, format)
                return try OutputPrinter.exit(report)
            }
            print("trace \(trace) on scenario \(scenario.name)")
            for step in result.steps {
                let line = step.line.map { " (line \($0))" } ?? ""
                let actor = step.actor.map { " [\($0)]" } ?? ""
                print("step \(step.index)\(line): \(step.event)\(actor) → \(step.outcome)")
                if state {
                    let blank = KernelState(config: step.stateAfter.config)
                    for c in step.stateAfter.changes(since: blank, name: scenario.names.name) { print("    \(c.path) = \(c.new)") }
                } else {
                    for c in step.changes { print("    \(c)") }
                }
                for m in step.mismatches { print("  MISMATCH \(m)") }
            }
            for v in result.violations { print("  NOT WELL FORMED \(v)") }
            if let id = t.property, let v = result.propertyViolation {
                print("VIOLATION: \(id) is violated after step \(v.step): \(v.detail)")
                throw ExitCode(1)
            }
            if let bad = result.firstMismatch {
                print("FAIL: step \(bad.index) does not match its expectation")
                throw ExitCode(1)
            }
            if !result.violations.isEmpty {
                print("FAIL: the state is not well formed after step \(result.steps.count - 1)")
                throw ExitCode(1)
            }
            if let id = t.property {
                // A counterexample that no longer reproduces: the spec or the scenario changed.
                print("property \(id) holds along this trace (\(result.steps.count) steps): the counterexample does not reproduce")
                throw ExitCode(1)
            }
            print("ok: \(result.steps.count) steps")
        }
    }
}

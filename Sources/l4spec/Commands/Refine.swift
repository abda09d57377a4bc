import ArgumentParser
import Foundation
@_spi(FaultInjection) import Refinement
import Scenarios
import Verifier

extension L4Spec {
    struct Refine: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay traces, explored edges or random walks on the spec and on KernelImpl and compare them step by step.",
            discussion: """
                After every step the implementation state is mapped to the spec's terms and compared with the spec \
                state, the step results and the received messages. A divergence is reported at its first step, \
                shrunk to a minimal l4spec-trace/1 file in --out (with a .refine sidecar for `l4spec show`). \
                Exit codes: 0 agree, 1 divergence, 2 bad input, 3 inconclusive (--max-states reached).
                """)

        @Option(name: .customLong("trace"), help: "An l4spec-trace/1 file, or a directory of them (repeatable).")
        var traces: [String] = []

        @Option(name: .customLong("edges"), help: "A built-in scenario name or scenario file whose every explored edge is checked; 'all' = every built-in (repeatable).")
        var edges: [String] = []

        @Option(help: "Number of seeded random walks.")
        var random: Int?

        @Option(help: "Events per random walk.")
        var length = 40

        @Option(help: "Seed of the random walks (the same seed gives the same walks).")
        var seed: UInt64 = 1

        @Option(name: .customLong("scenario"), help: "Scenario(s) for the random walks (repeatable; default: every built-in, round robin).")
        var scenarios: [String] = []

        @Option(help: "Edges: stop with 'inconclusive' after this many explored states.")
        var maxStates = 1_000_000

        @Option(help: "Edges: depth limit (default: the scenario's own depth bound).")
        var maxDepth: Int?

        @Option(help: "Output format: text, json (l4spec-output/1), junit or sarif.")
        var format: OutputFormat = .text

        @Option(help: "Directory for the shrunk divergence traces.")
        var out = "l4spec-out"

        /// Hidden: runs KernelImpl with a seeded fault (issue 6 point 5) to
        /// demonstrate how a divergence is reported and shrunk.
        @Option(name: .customLong("inject-fault"), help: .hidden)
        var injectFaults: [String] = []

        func validate() throws {
            guard !traces.isEmpty || !edges.isEmpty || random != nil else {
                throw ValidationError("nothing to refine: give --trace FILE, --edges SCENARIO or --random N")
            }
            if let n = random, !(1...10_000_000).contains(n) { throw ValidationError("--random must be in 1...10000000 (got \(n))") }
            guard (1...10_000).contains(length) else { throw ValidationError("--length must be in 1...10000 (got \(length))") }
            guard (1...100_000_000).contains(maxStates) else { throw ValidationError("--max-states must be in 1...100000000") }
            if let d = maxDepth, !(1...10_000).contains(d) { throw ValidationError("--max-depth must be in 1...10000") }
            for name in injectFaults where !RefineOptions.faultNames.contains(name) {
                throw ValidationError("--inject-fault: unknown fault '\(name)' (known: \(RefineOptions.faultNames.joined(separator: ", ")))")
            }
        }

        func run() throws {
            let timestamp = try OutputPrinter.timestamp()
            var options = RefineOptions()
            options.maxStates = maxStates
            options.maxDepth = maxDepth
            options.outDirectory = out
            options.progress = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
            for name in injectFaults where options.injectFault(named: name) {
                options.progress?("KernelImpl runs with the seeded fault \(name): a divergence is expected")
            }
            let start = ContinuousClock.now
            var cases: [RefineCase] = []
            for t in traces {
                for file in try RefineRunner.traceFiles(t) { cases.append(try RefineRunner.trace(path: file, options: options)) }
            }
            for name in edges.flatMap({ $0 == "all" ? ScenarioLoader.builtInNames : [$0] }) {
                let scenario = try ScenarioLoader.resolve(name, relativeTo: ".")
                cases.append(try EdgeRefinement.run(scenario, options: options))
            }
            if let n = random {
                let names = scenarios.isEmpty ? ScenarioLoader.builtInNames : scenarios
                let loaded = try names.map { s throws(InputError) in try ScenarioLoader.resolve(s, relativeTo: ".") }
                cases.append(try RefineRunner.random(walks: n, length: length, seed: seed, scenarios: loaded, options: options))
            }
            let report = RefineReport(cases: cases, seconds: start.secondsToNow)
            switch format {
            case .text: print(RefineRendering.text(report))
            case .junit: print(RefineRendering.junit(report, timestamp: timestamp), terminator: "")
            case .json, .sarif:
                var sources = OutputSources()
                let settings = [Setting("max_states", "\(maxStates)"), Setting("max_depth", maxDepth.map { "\($0)" } ?? "each scenario's own depth bound")]
                let output = OutputReport(command: "refine", tool: OutputPrinter.tool(), timestamp: OutputJSON.timestamp(timestamp), settings: settings,
                                          results: RefineRecords.records(report, sources: &sources), seconds: report.seconds)
                OutputPrinter.emit(output, format, details: RefineRendering.json(report))
            }
            if report.diverged { throw ExitCode(1) }
            if report.inconclusive { throw ExitCode(3) }
        }
    }
}

import ArgumentParser
import Foundation
import Scenarios
import StateExplorer
import Verifier

extension L4Spec {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explore scenarios exhaustively within their bounds and check the property catalogue.",
            discussion: "A violation writes the shortest counterexample as an l4spec-trace/1 file that `l4spec run` replays.")

        @Argument(help: "Built-in scenario names or scenario YAML files (default: every built-in).")
        var scenarios: [String] = []

        @Option(name: .customLong("property"), help: "Property ID to check (repeatable; default: all).")
        var properties: [String] = []

        @Option(help: "Worker threads (default: all cores).")
        var workers = ExplorerConfiguration.defaultWorkers

        @Option(help: "Stop with 'inconclusive' after this many states.")
        var maxStates = 2_000_000

        @Option(help: "Depth limit (default: the scenario's own depth bound).")
        var maxDepth: Int?

        @Option(help: "Time limit per scenario in seconds.")
        var timeout: Double = 300

        @Option(help: "Output format: text, json, junit (JUnit XML for CI test reports) or sarif (SARIF 2.1.0).")
        var format: OutputFormat = .text

        @Option(help: "Directory for counterexample traces.")
        var out = "l4spec-out"

        @Flag(help: "Explore up to renaming of interchangeable tasks (same domain, only `any` threads, no factory capabilities); safety verdicts and counterexample lengths are unchanged, liveness is checked without it.")
        var symmetry = false

        func validate() throws {
            guard (1...256).contains(workers) else { throw ValidationError("--workers must be in 1...256") }
            guard (1...1_000_000_000).contains(maxStates) else { throw ValidationError("--max-states must be in 1...1000000000") }
            if let d = maxDepth, !(0...100_000).contains(d) { throw ValidationError("--max-depth must be in 0...100000") }
            guard timeout > 0 && timeout <= 86_400 else { throw ValidationError("--timeout must be in (0, 86400] seconds") }
        }

        /// The bounds in force, for the JSON envelope.
        var settings: [Setting] {
            [Setting("properties", properties.isEmpty ? "all" : properties.joined(separator: ", ")),
             Setting("max_states", "\(maxStates)"), Setting("max_depth", maxDepth.map { "\($0)" } ?? "each scenario's own depth bound"),
             Setting("timeout_s", "\(timeout)"), Setting("symmetry", "\(symmetry)")]
        }

        func run() throws {
            let entries = try CheckPipeline.entries(properties)
            let timestamp = try OutputPrinter.timestamp()
            let names = scenarios.isEmpty ? ScenarioLoader.builtInNames : scenarios
            let loaded = try names.map { n throws(InputError) in try ScenarioLoader.resolve(n, relativeTo: ".") }
            var options = CheckOptions()
            options.properties = properties
            options.workers = workers
            options.maxStates = maxStates
            options.maxDepth = maxDepth
            options.timeout = timeout
            options.symmetry = symmetry
            var reports: [CheckReport] = []
            var paths: [String: [String: String]] = [:]
            for scenario in loaded {
                let progress = StderrProgress(label: scenario.name)
                let report = try CheckPipeline.run(scenario, entries: entries, options: options, reporter: progress)
                progress.finish()
                paths[scenario.name] = try CheckRendering.writeTraces(report, to: out)
                reports.append(report)
                if format == .text { print(CheckRendering.text(report, tracePaths: paths[scenario.name] ?? [:]) + "\n") }
            }
            switch format {
            case .text: break
            case .json:
                var sources = OutputSources()
                let records = reports.flatMap { CheckRecords.records($0, tracePaths: paths[$0.scenario.name] ?? [:], sources: &sources) }
                let report = OutputReport(command: "check", tool: OutputPrinter.tool(), timestamp: OutputJSON.timestamp(timestamp),
                                          settings: settings, results: records, seconds: reports.reduce(0) { $0 + $1.seconds })
                OutputPrinter.emit(report, .json, details: CheckRendering.json(reports, tracePaths: paths))
            case .junit: print(JUnitRendering.xml(reports, tracePaths: paths, timestamp: timestamp), terminator: "")
            case .sarif: print(SarifRendering.json(reports, tracePaths: paths, toolVersion: L4Spec.configuration.version))
            }
            if reports.contains(where: \.violated) { throw ExitCode(1) }
            if reports.contains(where: \.inconclusive) { throw ExitCode(3) }
        }
    }
}

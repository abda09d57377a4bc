import ArgumentParser
import Foundation
import Scenarios
import StateExplorer
import Verification
import Verifier

extension L4Spec {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the main job: the conformance suite, check, prove and refine, in one summary table.",
            discussion: """
                On every built-in scenario (or the ones given): the conformance suite on the spec; `check` of the whole \
                catalogue within each scenario's bounds, compared with its `expect:` list; `prove` of the inductive \
                obligations with a per-obligation Z3 limit and a total budget; `refine` of the conformance traces, of \
                every explored edge up to a state cap per scenario, and of seeded random walks. The bounds and the \
                verdict policy are printed under the table (docs/output.md#verify). With --baseline, a verdict counts \
                only when it differs from the committed one. Exit: 0 all as expected, 1 a violation, refutation, \
                divergence or failed trace, 2 bad input, 3 inconclusive.
                """)

        @Argument(help: "Built-in scenario names or scenario YAML files (default: every built-in).")
        var scenarios: [String] = []

        @Option(help: "Output format: text (the summary table), json (l4spec-output/1), junit or sarif.")
        var format: OutputFormat = .text

        @Option(name: .customLong("json-out"), help: "Also write the JSON report to this file.")
        var jsonOut: String?

        @Option(name: .customLong("junit-out"), help: "Also write the JUnit XML report to this file.")
        var junitOut: String?

        @Option(name: .customLong("sarif-out"), help: "Also write the SARIF 2.1.0 report to this file.")
        var sarifOut: String?

        @Option(help: "Directory for counterexample and divergence traces.")
        var out = "l4spec-out"

        @OptionGroup(title: "Bounds of the job")
        var job: VerifyJobArguments

        @Option(help: "A file of expected verdicts (l4spec-baseline/1): only a change from it counts.")
        var baseline: String?

        @Option(name: .customLong("write-baseline"), help: "Write this run's verdicts as a baseline file.")
        var writeBaseline: String?

        func validate() throws {
            // Output files are checked before the run, not after minutes of work.
            for (option, path) in [("--json-out", jsonOut), ("--junit-out", junitOut), ("--sarif-out", sarifOut), ("--write-baseline", writeBaseline)] {
                guard let path else { continue }
                let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDir), isDir.boolValue,
                      FileManager.default.isWritableFile(atPath: parent) else {
                    throw ValidationError("\(option) \(path): the directory \(parent) does not exist or is not writable")
                }
            }
        }

        func run() throws {
            let dir = try job.conformanceDirectory()
            let expected = try baseline.map { (path) throws(InputError) in try Baseline.load(path: path) }
            let result = try VerifyJob.run(options(conformanceDirectory: dir, timestamp: try OutputPrinter.timestamp()), progress: PhaseProgress())
            var report = result.report
            if let path = writeBaseline {
                try write(Baseline(report).encoded(toolVersion: report.tool.version, settings: report.settings), to: path, field: "--write-baseline")
            }
            var notRun: [String] = []
            if let expected {
                notRun = expected.apply(to: &report.results)
                report.policy.append("baseline \(baseline ?? ""): a verdict counts only when it differs from the baseline's (a new violation fails, a limit is inconclusive, an improvement passes)")
                report.resummarize()
            }
            if let path = jsonOut { try write(OutputJSON.render(report), to: path, field: "--json-out") }
            if let path = junitOut { try write(OutputJUnit.xml(report, timestamp: try OutputPrinter.timestamp()), to: path, field: "--junit-out") }
            if let path = sarifOut { try write(OutputSarif.json(report), to: path, field: "--sarif-out") }
            if format == .text {
                print(VerifyText.render(report, baselineNotRun: notRun))
            } else {
                OutputPrinter.emit(report, format)
            }
            try OutputPrinter.exit(report)
        }

        func options(conformanceDirectory: String, timestamp: Date?) -> VerifyOptions {
            var o = VerifyOptions(conformanceDirectory: conformanceDirectory)
            o.scenarios = scenarios.isEmpty ? nil : scenarios
            job.apply(to: &o)
            o.outDirectory = out
            o.toolVersion = L4Spec.configuration.version
            o.timestamp = timestamp
            return o
        }

        /// Writes an output file; failure is bad input naming the option.
        func write(_ text: String, to path: String, field: String) throws(InputError) {
            do {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw InputError(file: path, line: nil, field: field, message: "cannot write the file (\(error.localizedDescription))")
            }
        }
    }
}

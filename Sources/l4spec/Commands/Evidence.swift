import ArgumentParser
import Evidence
import Foundation
import Verification
import Verifier

extension L4Spec {
    struct EvidenceCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "evidence",
            abstract: "Write a certification evidence bundle: traceability matrix, assumptions, pictures, coverage and SHA-256 manifest.",
            discussion: """
                Runs the jobs of `l4spec verify` with the same options and defaults (conformance, check, prove, refine), \
                and the noninterference proofs of the scenarios given with --noninterference, and writes index.html, \
                report.md, manifest.json, SHA256SUMS, the traces, the figures and the machine-readable results into DIR \
                (docs/evidence.md). The bundle is built next to DIR and renamed into place, so DIR never holds a \
                half-written bundle. Exit codes as for verify: 0 as required, 1 a failure, 3 inconclusive (the bundle \
                is written in these cases); 2 bad input or an unusable DIR (nothing is written).
                """)

        @Option(help: "Directory to write the bundle to (new, empty, or a previous bundle with --force).")
        var out: String

        @Flag(help: "Replace DIR when it holds a previous evidence bundle.")
        var force = false

        @Argument(help: "Built-in scenario names or scenario YAML files (default: every built-in).")
        var scenarios: [String] = []

        @OptionGroup(title: "Options of the verify job (as for l4spec verify)")
        var job: VerifyJobArguments

        @Option(name: .customLong("noninterference"), help: "Scenario whose policy is proved noninterfering by the unwinding conditions (repeatable).")
        var noninterference: [String] = []

        @Option(name: .customLong("ni-timeout-ms"), help: "Z3 time limit per noninterference condition and system call.")
        var niTimeout: Int = 60_000

        func validate() throws {
            guard (1...3_600_000).contains(niTimeout) else { throw ValidationError("--ni-timeout-ms must be in 1...3600000") }
        }

        func run() throws {
            let written = try EvidencePipeline.run(options(conformanceDirectory: try job.conformanceDirectory()), out: out, force: force, progress: PhaseProgress())
            let d = written.document
            print("evidence bundle written to \(written.path): \(d.requirements.count) requirements, \(d.requirements.flatMap(\.rows).count) verdicts, overall \(d.overall.label)")
            for n in d.notices { print("note: \(n)") }
            print("open \(written.path)/index.html; check with: cd \(written.path) && sha256sum -c SHA256SUMS")
            if written.exitCode != 0 { throw ExitCode(written.exitCode) }
        }

        func options(conformanceDirectory: String) -> EvidenceOptions {
            var o = EvidenceOptions(conformanceDirectory: conformanceDirectory)
            o.verify.scenarios = scenarios.isEmpty ? nil : scenarios
            job.apply(to: &o.verify)
            o.verify.toolVersion = L4Spec.configuration.version
            o.noninterference = noninterference
            o.noninterferenceTimeoutMilliseconds = UInt32(niTimeout)
            o.commandLine = commandLine()
            return o
        }

        /// The options as typed (defaults left out), `--out` as a placeholder: how to reproduce the bundle.
        func commandLine() -> String {
            var words = ["l4spec", "evidence", "--out", "DIR"] + scenarios + job.words
            for n in noninterference { words += ["--noninterference", n] }
            if niTimeout != 60_000 { words += ["--ni-timeout-ms", "\(niTimeout)"] }
            return words.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        }
    }
}

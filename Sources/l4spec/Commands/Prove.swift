import ArgumentParser
import Foundation
import Scenarios
import Symbolic
import Verifier

extension L4Spec {
    struct Prove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove the invariants inductively per system call with Z3 (Inv ∧ T ∧ ¬P′ for every encoded call).",
            discussion: "Exit 0 when every obligation is proved, 1 when one is refuted, 3 when one is unknown or vacuous.")

        @Option(name: .customLong("property"), help: "Property ID to prove (repeatable; default: every property with a symbolic form and every strengthening invariant).")
        var properties: [String] = []

        @Option(name: .customLong("family"), help: "System call family to prove, e.g. task.map(object) (repeatable; default: every encoded family).")
        var families: [String] = []

        @Option(name: .customLong("timeout-ms"), help: "Z3 time limit per obligation in milliseconds.")
        var timeoutMilliseconds = 60_000

        @Option(help: "Output format: text, json (l4spec-output/1), junit or sarif.")
        var format: OutputFormat = .text

        @Option(name: .customLong("noninterference"), help: "Check the noninterference unwinding conditions (INFO-3, INFO-4, INFO-5) for this scenario's policy instead of the inductive proofs (built-in name or YAML file; repeatable).")
        var noninterference: [String] = []

        @Option(name: .customLong("ni-observation"), help: "What a domain observes for --noninterference: inbound (the items of every domain that may flow to it; default) or owned (its own items only).")
        var niObservation = "inbound"

        @Option(name: .customLong("differential"), help: "Compare the symbolic step with Spec on every encoded edge of every explored state of this scenario within its depth bound instead (built-in name, YAML file, or all; repeatable).")
        var differential: [String] = []

        @Option(name: .customLong("max-states"), help: "With --differential: the explored states per scenario at most (exit 3 when a scenario is cut).")
        var maxStates = 2_000_000

        @Option(name: .customLong("workers"), help: "With --differential: threads comparing a scenario's states (default: the active processors).")
        var workers: Int?

        @Option(name: .customLong("bmc"), help: "Bounded model check instead: K symbolic steps (encoded calls with any arguments) from the boot state of the SCENARIO argument, the properties checked after each step.")
        var bmc: Int?

        @Argument(help: "With --bmc: the scenario (built-in name or YAML file).")
        var scenario: String?

        @Option(help: "With --bmc: directory for the counterexample trace.")
        var out = "l4spec-out"

        func validate() throws {
            guard (1...3_600_000).contains(timeoutMilliseconds) else { throw ValidationError("--timeout-ms must be in 1...3600000") }
            try validateBoundedModelCheck()
            try validateDifferential()
            let names = ProofFamily.allCases.map(\.name)
            for f in families where !names.contains(f) {
                throw ValidationError("unknown family '\(f)' for prove (families: \(names.joined(separator: ", ")))")
            }
            let known = Set(ProofCatalogue.ids)
            for p in properties where !known.contains(p) {
                throw ValidationError("unknown property '\(p)' for prove (symbolic forms: \(ProofCatalogue.ids.joined(separator: ", ")))")
            }
        }

        func run() throws {
            if !differential.isEmpty { return try runDifferential() }
            if !noninterference.isEmpty { return try runNoninterference() }
            if let depth = bmc { return try runBoundedModelCheck(depth) }
            let timestamp = try OutputPrinter.timestamp()
            var options = ProofOptions()
            options.timeoutMilliseconds = UInt32(timeoutMilliseconds)
            options.properties = Set(properties)
            if !families.isEmpty { options.families = ProofFamily.allCases.filter { families.contains($0.name) } }
            let report = try Prover.run(options, progress: { o in
                FileHandle.standardError.write(Data("prove: \(o.property) \(o.family): \(o.verdict.word) (\(String(format: "%.2f", o.seconds)) s)\n".utf8))
            })
            if format == .text {
                print(ProofRendering.text(report), terminator: "")
            } else {
                var sources = OutputSources()
                let records = ProveRecords.records(report, timeoutMilliseconds: options.timeoutMilliseconds, sources: &sources)
                let settings = [Setting("timeout_ms", "\(timeoutMilliseconds)"),
                                Setting("properties", properties.isEmpty ? "all" : properties.joined(separator: ", ")),
                                Setting("families", families.isEmpty ? "all" : families.joined(separator: ", "))]
                let output = OutputReport(command: "prove", tool: OutputPrinter.tool(z3: report.z3Version), timestamp: OutputJSON.timestamp(timestamp),
                                          settings: settings, results: records, seconds: report.obligations.reduce(0) { $0 + $1.seconds })
                OutputPrinter.emit(output, format, details: ProofRendering.json(report))
            }
            if report.obligations.contains(where: { $0.verdict.word == "refuted" }) { throw ExitCode(1) }
            if !report.allProved { throw ExitCode(3) }
        }
    }
}

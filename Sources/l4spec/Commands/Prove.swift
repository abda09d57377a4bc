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

        @Option(name: .customLong("property"), help: "Property ID to prove (repeatable; default: every property with a symbolic form).")
        var properties: [String] = []

        @Option(name: .customLong("timeout-ms"), help: "Z3 time limit per obligation in milliseconds.")
        var timeoutMilliseconds = 30_000

        @Option(help: "Output format: text or json.")
        var format: ProveFormat = .text

        func validate() throws {
            guard (1...3_600_000).contains(timeoutMilliseconds) else { throw ValidationError("--timeout-ms must be in 1...3600000") }
            let known = Set(ProofCatalogue.ids)
            for p in properties where !known.contains(p) {
                throw ValidationError("unknown property '\(p)' for prove (symbolic forms: \(ProofCatalogue.ids.joined(separator: ", ")))")
            }
        }

        func run() throws {
            var options = ProofOptions()
            options.timeoutMilliseconds = UInt32(timeoutMilliseconds)
            options.properties = Set(properties)
            let report = try Prover.run(options) { o in
                FileHandle.standardError.write(Data("prove: \(o.property) \(o.family): \(o.verdict.word) (\(String(format: "%.2f", o.seconds)) s)\n".utf8))
            }
            print(format == .json ? ProofRendering.json(report) : ProofRendering.text(report), terminator: "")
            if report.obligations.contains(where: { $0.verdict.word == "refuted" }) { throw ExitCode(1) }
            if !report.allProved { throw ExitCode(3) }
        }
    }
}

enum ProveFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

import ArgumentParser
import Foundation
import SMT
import Verifier

extension L4Spec.Bench {
    /// `l4spec bench prove` (issue "Z3 proofs", point 8; docs/performance.md).
    struct BenchProve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prove",
            abstract: "Time of the whole proof suite and per-obligation median / max, with 1 and 2 workers (one Z3 context per worker).",
            discussion: """
                Runs what `l4spec prove --timeout-ms N` runs, once per worker count. Targets (issue "Z3 proofs"): \
                the whole suite ≤ 60 s on a 2-core machine, median obligation ≤ 100 ms. An obligation that is \
                not proved is counted in the table, so a fast but inconclusive run shows as such.
                """)

        @Option(help: "Worker counts to compare (repeatable).")
        var workers: [Int] = [1, 2]

        @Option(name: .customLong("timeout-ms"), help: "Z3 time limit per obligation in milliseconds.")
        var timeoutMilliseconds = 60_000

        func validate() throws {
            guard (1...3_600_000).contains(timeoutMilliseconds) else { throw ValidationError("--timeout-ms must be in 1...3600000") }
            for w in workers where !(1...64).contains(w) { throw ValidationError("--workers must be in 1...64 (got \(w))") }
        }

        func run() throws {
            var options = ProofOptions()
            options.timeoutMilliseconds = UInt32(timeoutMilliseconds)
            print("Z3 \(SMTContext.version), every obligation of `l4spec prove`, Z3 limit \(timeoutMilliseconds) ms; seconds are wall-clock")
            var rows: [[String]] = []
            for w in workers {
                let start = Date()
                let report = try Prover.run(options, workers: w)
                let wall = Date().timeIntervalSince(start)
                let times = report.obligations.map(\.seconds).sorted()
                let slowest = report.obligations.max { $0.seconds < $1.seconds }
                let proved = report.obligations.filter { $0.verdict == .proved }.count
                rows.append(["\(w)", "\(report.obligations.count)", "\(proved)", String(format: "%.1f", wall),
                             String(format: "%.3f", Self.median(times)), String(format: "%.2f", times.last ?? 0),
                             slowest.map { "\($0.property) \($0.family)" } ?? "-"])
            }
            print(TextTable.render(header: ["workers", "obligations", "proved", "suite s", "median s", "max s", "slowest"], rows: rows))
        }

        static func median(_ sorted: [Double]) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let m = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2
        }
    }
}

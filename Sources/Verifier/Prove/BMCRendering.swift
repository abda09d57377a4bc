import Foundation
import Properties
import Scenarios

/// `l4spec prove --bmc K SCENARIO` output, in the style of `ProofRendering`:
/// the table (depth × verdict × time), the counterexample as a trace, the
/// assumptions; and the `l4spec-output/1` records of the machine formats.
public enum BMCRendering {
    public static func text(_ r: BMCReport, tracePath: String?) -> String {
        var out = "Bounded model check of '\(r.scenario.name)': \(r.depth) symbolic step(s) from the boot state\n\n"
        let rows = r.depths.map { d in
            [String(d.depth), d.verdict.word == "proved" ? "holds" : d.verdict.word == "refuted" ? "violated" : d.verdict.cell,
             String(format: "%.3f s", d.seconds)]
        }
        out += TextTable.render(header: ["steps", "properties", "time"], rows: rows) + "\n"
        if let c = r.counterexample {
            out += "\nVIOLATED \(c.properties.joined(separator: ", ")) after \(r.depths.count) step(s):\n"
            out += c.lines.map { "  \($0)\n" }.joined()
            out += "  \(c.replay)\n"
            if let tracePath { out += "  trace: \(tracePath) (replay: l4spec run \(tracePath))\n" }
        }
        out += "\nProperties: \(r.properties.joined(separator: ", "))\n"
        out += "Assumptions:\n" + r.assumptions.map { "  - \($0)\n" }.joined()
        out += "Z3 \(r.z3Version)\n"
        out += summary(r) + "\n"
        return out
    }

    public static func summary(_ r: BMCReport) -> String {
        let total = r.depths.reduce(0) { $0 + $1.seconds }
        let verdict = r.violated ? "violated (\(r.counterexample?.properties.joined(separator: ", ") ?? ""))"
            : r.allHold ? "every property holds" : "inconclusive"
        return "\(r.scenario.name): \(r.depths.count) of \(r.depth) step(s) checked: \(verdict) (\(String(format: "%.1f", total)) s)"
    }

    /// Writes the counterexample trace to `directory`; its path, or nil when none.
    public static func writeTrace(_ r: BMCReport, to directory: String) throws -> String? {
        guard let c = r.counterexample else { return nil }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/\(r.scenario.name)-bmc-\(c.trace.property ?? "violation").json"
        try TraceLoader.encode(c.trace, names: r.scenario.names).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// One record per property: holds for every run of `depth` steps,
    /// violated (with the trace), or inconclusive.
    public static func records(_ r: BMCReport, tracePath: String?, timeoutMilliseconds: UInt32) -> [ResultRecord] {
        let last = r.depths.last
        return r.properties.map { id in
            let entry = Catalogue.entry(id: id)
            let broken = r.counterexample?.properties.contains(id) ?? false
            let verdict = broken ? "violated" : r.allHold ? "holds" : "inconclusive"
            var rec = ResultRecord(capability: .prove, subject: r.scenario.name, property: id, title: entry?.title, requirement: entry?.requirement,
                                   method: "bounded model check (Z3), symbolic steps from the boot state", verdict: verdict,
                                   outcome: broken ? .fail : r.allHold ? .pass : .inconclusive, seconds: last?.seconds ?? 0, detail: "")
            rec.kind = entry?.kind.rawValue
            rec.bound = "every run of at most \(r.depths.count) encoded call(s) with any arguments"
            rec.assumptions = r.assumptions
            rec.metrics = ["depth": r.depths.count]
            if broken, let c = r.counterexample {
                rec.detail = c.replay
                rec.evidence = Evidence(kind: "counterexample", trace: tracePath, replay: tracePath.map { "l4spec run \($0)" },
                                        steps: c.lines.map { EvidenceStep(text: $0) })
            } else if r.allHold {
                rec.detail = "no run of \(r.depth) step(s) violates it"
            } else {
                let why = last?.verdict.unknownReason ?? "another property was violated first"
                rec.limit = "Z3 time limit \(timeoutMilliseconds) ms per depth"
                rec.detail = "not decided beyond \(max(0, r.depths.count - 1)) step(s): \(why)"
            }
            return rec
        }
    }

    /// The command's own JSON document (`l4spec-prove-bmc/1`).
    public static func json(_ r: BMCReport, tracePath: String?) -> String {
        let q = ProofRendering.quote
        let depths = r.depths.map { d in
            "    {\"steps\": \(d.depth), \"verdict\": \(q(d.verdict.word == "proved" ? "holds" : d.verdict.word == "refuted" ? "violated" : d.verdict.word)), \"seconds\": \(String(format: "%.4f", d.seconds))"
                + (d.verdict.unknownReason.map { ", \"reason\": \(q($0))" } ?? "") + "}"
        }
        var cex = "null"
        if let c = r.counterexample {
            cex = "{\"properties\": [\(c.properties.map(q).joined(separator: ", "))], \"reproduced\": \(c.reproduced), \"replay\": \(q(c.replay)), "
                + "\"trace\": \(tracePath.map(q) ?? "null"), \"steps\": [\(c.lines.map(q).joined(separator: ", "))]}"
        }
        return """
            {
              "schema": "l4spec-prove-bmc/1",
              "scenario": \(q(r.scenario.name)),
              "depth": \(r.depth),
              "z3": \(q(r.z3Version)),
              "depths": [
            \(depths.joined(separator: ",\n"))
              ],
              "counterexample": \(cex),
              "properties": [\(r.properties.map(q).joined(separator: ", "))],
              "assumptions": [\(r.assumptions.map(q).joined(separator: ", "))]
            }

            """
    }
}

import Foundation

/// `l4spec prove --noninterference` output: the table (condition × system
/// call × verdict × time), the counterexamples, the assumptions.
public enum NIRendering {
    public static func text(_ r: NIReport) -> String {
        var out = "Noninterference for '\(r.scenario)' (unwinding conditions over two copies of the encoded state)\n\n"
        let rows = r.obligations.map { o in
            [o.condition.name, o.family, o.verdict.cell + (o.pair != nil ? " (concrete pair)" : ""),
             String(format: "%.3f s", o.seconds)]
        }
        out += TextTable.render(header: ["condition", "system call", "verdict", "time"], rows: rows) + "\n"
        for o in r.obligations {
            guard case .refuted(let c) = o.verdict else { continue }
            out += "\nREFUTED \(o.condition.name) for \(o.family): \(o.condition.statement)\n"
            if let pair = o.pair {
                out += "  Concrete \(pair.differences.isEmpty ? "step" : "pair") anchored at the boot state:\n"
                out += pair.lines.map { "    \($0)\n" }.joined()
            } else {
                if let note = o.anchorNote { out += "  No concrete pair: \(note).\n" }
                out += "  Abstract counterexample (states satisfying every invariant; reachability not decided):\n"
                out += c.lines.map { "    \($0)\n" }.joined()
            }
        }
        out += "\nConditions:\n" + NICondition.allCases.map { "  \($0.name): \($0.statement)\n" }.joined()
        out += "Assumptions:\n" + r.assumptions.map { "  - \($0)\n" }.joined()
        out += "Z3 \(r.z3Version)\n"
        out += summary(r) + "\n"
        return out
    }

    public static func summary(_ r: NIReport) -> String {
        "\(r.scenario): \(r.obligations.count) conditions: " + ProofVerdict.counts(r.obligations, verdict: \.verdict, seconds: \.seconds)
    }
}

extension NIRendering {
    /// One `l4spec-output/1` record per condition × system call.
    public static func records(_ r: NIReport, timeoutMilliseconds: UInt32) -> [ResultRecord] {
        r.obligations.map { o in
            var rec = ResultRecord(capability: .prove, subject: "\(r.scenario): \(o.family)", property: o.condition.rawValue,
                                   title: o.condition.name, requirement: o.condition.statement,
                                   method: "unwinding condition over two copies of the encoded state (Z3)", verdict: o.verdict.word,
                                   outcome: .pass, seconds: o.seconds, detail: "")
            rec.bound = "every pair of states satisfying the invariants, 2^8 of every object"
            rec.assumptions = r.assumptions
            switch o.verdict {
            case .proved:
                rec.detail = "\(o.condition.statement) holds for \(o.family)"
            case .refuted(let c):
                rec.outcome = .fail
                rec.detail = o.pair != nil ? "a concrete pair anchored at the boot state breaks it" : "two states satisfying every invariant break it"
                rec.evidence = Evidence(kind: "model", steps: (o.pair?.lines ?? c.lines).map { EvidenceStep(text: $0) })
            case .unknown(let why):
                rec.outcome = .inconclusive
                rec.limit = "Z3 time limit \(timeoutMilliseconds) ms per condition and system call"
                rec.detail = "not proved: \(why)"
            case .vacuous:
                rec.outcome = .inconclusive
                rec.detail = "not proved: no in-scope call from the boot state (vacuity witness)"
            }
            return rec
        }
    }

    /// The command's own JSON document (`l4spec-prove-ni/1`).
    public static func json(_ reports: [NIReport]) -> String {
        let q = ProofRendering.quote
        let items = reports.map { r in
            let rows = r.obligations.map { o in
                "{\"condition\": \(q(o.condition.rawValue)), \"system_call\": \(q(o.family)), \"verdict\": \(q(o.verdict.word)), \"seconds\": \(String(format: "%.4f", o.seconds))"
                    + (o.verdict.unknownReason.map { ", \"reason\": \(q($0))" } ?? "")
                    + (o.pair.map { ", \"pair\": [\($0.lines.map(q).joined(separator: ", "))]" } ?? "") + "}"
            }
            return "{\"scenario\": \(q(r.scenario)), \"observation\": \(q(r.observation.rawValue)), \"z3\": \(q(r.z3Version)), "
                + "\"conditions\": [\(rows.joined(separator: ", "))], \"assumptions\": [\(r.assumptions.map(q).joined(separator: ", "))]}"
        }
        return "{\"schema\": \"l4spec-prove-ni/1\", \"reports\": [\(items.joined(separator: ", "))]}\n"
    }
}

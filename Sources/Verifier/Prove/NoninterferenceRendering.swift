import Foundation

/// `l4spec prove --noninterference` output: the table (condition × system
/// call × verdict × time), the counterexamples, the assumptions.
public enum NIRendering {
    public static func text(_ r: NIReport) -> String {
        var out = "Noninterference for '\(r.scenario)' (unwinding conditions over two copies of the encoded state)\n\n"
        let rows = r.obligations.map { o in
            [o.condition.name, o.family, o.verdict.word + (o.verdict.unknownReason.map { " (\($0))" } ?? "") + (o.pair != nil ? " (concrete pair)" : ""),
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
        let count = { (w: String) in r.obligations.filter { $0.verdict.word == w }.count }
        let total = r.obligations.reduce(0) { $0 + $1.seconds }
        return "\(r.scenario): \(r.obligations.count) conditions: \(count("proved")) proved, \(count("refuted")) refuted, \(count("unknown")) unknown, \(count("vacuous")) vacuous (\(String(format: "%.1f", total)) s)"
    }
}

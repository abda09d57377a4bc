import Foundation

/// `l4spec prove` output: the obligation table, then the details a reader
/// needs to trust it (issue "Z3 proofs", point 3).
public enum ProofRendering {
    public static func text(_ r: ProofReport) -> String {
        let rows = r.obligations.map { o in
            [o.property, o.family, o.verdict.cell, String(format: "%.3f s", o.seconds)]
        }
        var out = TextTable.render(header: ["property", "system call", "verdict", "time"], rows: rows) + "\n"
        for o in r.obligations {
            guard case .refuted(let c) = o.verdict else { continue }
            out += "\nREFUTED \(o.property) for \(o.family): a state satisfying every invariant whose step breaks it\n"
            out += c.lines.map { "  \($0)\n" }.joined()
            out += "  reachable: \(c.reachability)\n"
        }
        out += "\nStrengthening invariants (assumed and proved like the catalogue's):\n"
        out += r.strengthening.map { "  \($0.id): \($0.title)\n" }.joined()
        out += "Assumptions:\n" + r.assumptions.map { "  - \($0)\n" }.joined()
        out += "Not encoded symbolically:\n" + r.notEncoded.map { "  - \($0)\n" }.joined()
        out += "Z3 \(r.z3Version)\n"
        out += summary(r) + "\n"
        return out
    }

    public static func summary(_ r: ProofReport) -> String {
        "\(r.obligations.count) obligations: " + ProofVerdict.counts(r.obligations, verdict: \.verdict, seconds: \.seconds)
    }

    public static func json(_ r: ProofReport) -> String {
        var items: [String] = []
        for o in r.obligations {
            var fields = ["\"property\": \(quote(o.property))", "\"system_call\": \(quote(o.family))", "\"verdict\": \(quote(o.verdict.word))",
                          "\"seconds\": \(String(format: "%.4f", o.seconds))"]
            if let why = o.verdict.unknownReason { fields.append("\"reason\": \(quote(why))") }
            if case .refuted(let c) = o.verdict {
                fields.append("\"counterexample\": [\(c.lines.map(quote).joined(separator: ", "))]")
                fields.append("\"reachable\": \(quote(c.reachability))")
            }
            items.append("    {" + fields.joined(separator: ", ") + "}")
        }
        let aux = r.strengthening.map { "{\"id\": \(quote($0.id)), \"title\": \(quote($0.title))}" }
        return """
            {
              "schema": "l4spec-prove/1",
              "z3": \(quote(r.z3Version)),
              "obligations": [
            \(items.joined(separator: ",\n"))
              ],
              "strengthening": [\(aux.joined(separator: ", "))],
              "assumptions": [\(r.assumptions.map(quote).joined(separator: ", "))],
              "not_encoded": [\(r.notEncoded.map(quote).joined(separator: ", "))]
            }

            """
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}

extension ProofVerdict {
    var unknownReason: String? { if case .unknown(let why) = self { why } else { nil } }

    /// A table cell: the verdict word, with the reason when unknown.
    var cell: String { word + (unknownReason.map { " (\($0))" } ?? "") }

    /// "P proved, R refuted, U unknown, V vacuous (T s)", the tail of every
    /// proof summary line.
    static func counts<S: Sequence>(_ items: S, verdict: (S.Element) -> ProofVerdict, seconds: (S.Element) -> Double) -> String {
        var n: [String: Int] = [:], total = 0.0
        for i in items {
            n[verdict(i).word, default: 0] += 1
            total += seconds(i)
        }
        let part = ["proved", "refuted", "unknown", "vacuous"].map { "\(n[$0, default: 0]) \($0)" }.joined(separator: ", ")
        return part + " (\(String(format: "%.1f", total)) s)"
    }
}


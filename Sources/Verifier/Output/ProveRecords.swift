import Properties

/// `prove` obligations as output records: one per property × system call.
public enum ProveRecords {
    /// `timeoutMilliseconds` names the limit an unknown verdict hit.
    /// `unknownPasses`: verify's default policy (bounded-effort proofs) —
    /// an unknown or vacuous obligation is reported as such but does not
    /// make the run inconclusive. It is never counted as proved.
    public static func records(_ report: ProofReport, timeoutMilliseconds: UInt32, unknownPasses: Bool = false,
                               sources: inout OutputSources) -> [ResultRecord] {
        let titles = Dictionary(report.strengthening.map { ($0.id, $0.title) }, uniquingKeysWith: { a, _ in a })
        return report.obligations.map { o in
            let entry = Catalogue.entry(id: o.property)
            var rec = ResultRecord(capability: .prove, subject: o.family, property: o.property,
                                   title: entry?.title ?? titles[o.property], requirement: entry?.requirement ?? titles[o.property],
                                   method: "inductive proof per system call (Z3)", verdict: o.verdict.word, outcome: .pass,
                                   seconds: o.seconds, detail: "")
            let lemma = Prover.preconditionLemmas.contains { $0.id == o.property }
            rec.kind = entry?.kind.rawValue ?? (lemma ? "precondition lemma" : titles[o.property] != nil ? "strengthening invariant" : nil)
            rec.bound = "every state satisfying the invariants, 2^8 of every object"
            rec.assumptions = report.assumptions
            rec.rule = sources.rule(operation: operation(of: o.family))
            switch o.verdict {
            case .proved:
                rec.detail = lemma ? "Inv ∧ ¬\(o.property) is unsatisfiable: the call's precondition holds in every state satisfying the invariants"
                    : "Inv ∧ inScope ∧ step ∧ ¬\(o.property)′ is unsatisfiable"
            case .refuted(let c):
                rec.outcome = .fail
                rec.detail = "a state satisfying every invariant whose \(o.family) step breaks \(o.property)"
                rec.evidence = Evidence(kind: "model", steps: c.lines.map { EvidenceStep(text: $0) } + [EvidenceStep(text: "reachable: \(c.reachability)")])
            case .unknown(let why):
                rec.outcome = unknownPasses ? .pass : .inconclusive
                if why.hasPrefix("not attempted") {
                    rec.limit = "prove budget used up: not attempted"
                    rec.detail = "not proved: \(why)"
                } else {
                    rec.limit = "Z3 time limit \(timeoutMilliseconds) ms per obligation"
                    rec.detail = "not proved: Z3 answered unknown (\(why)) within \(timeoutMilliseconds) ms"
                }
            case .vacuous:
                rec.outcome = unknownPasses ? .pass : .inconclusive
                rec.limit = "vacuity witness search within min(\(timeoutMilliseconds) ms, 10 s)"
                rec.detail = "not proved: every witness state answered that no arguments put the call in scope under the hypotheses (vacuous)"
            }
            return rec
        }
    }

    /// "task.map(object)" → "task.map", "factory.create(gate)" → "factory.create".
    static func operation(of family: String) -> String {
        family.split(separator: "(").first.map(String.init) ?? family
    }
}

/// Construction from other modules (`verify` merges per-family reports and
/// reports families it did not attempt).
extension ProofObligation {
    public static func make(property: String, family: String, verdict: ProofVerdict, seconds: Double) -> ProofObligation {
        ProofObligation(property: property, family: family, verdict: verdict, seconds: seconds)
    }
}

extension ProofReport {
    public static func make(obligations: [ProofObligation], z3Version: String, strengthening: [(id: String, title: String)],
                            assumptions: [String], notEncoded: [String]) -> ProofReport {
        ProofReport(obligations: obligations, z3Version: z3Version, strengthening: strengthening, assumptions: assumptions,
                    notEncoded: notEncoded)
    }
}

import Properties
import Verifier

/// What this evidence does not cover, taken from the reports themselves
/// (issue 7 point 3): what the prover says it does not encode, which
/// catalogue properties have no symbolic form, which system calls have no
/// symbolic transition, which operations and results no exploration took,
/// which catalogue properties were not assessed at all, and the jobs left out.
enum ScopeBuilder {
    typealias Item = EvidenceDocument.ScopeItem

    static func items(_ r: EvidenceResults, coverage: EvidenceDocument.Coverage) -> [Item] {
        var out: [Item] = []
        let assessed = Set(r.checks.flatMap(\.results).map(\.id))
        let proved = Set(r.proof?.obligations.map(\.property) ?? [])
        let notAssessed = Catalogue.all.map(\.id).filter { !assessed.contains($0) && !proved.contains($0) }
        if !notAssessed.isEmpty {
            out.append(Item(source: "this run", text: "Catalogue properties not assessed (not selected): " + notAssessed.joined(separator: ", ") + "."))
        }
        let symbolic = Set(ProofCatalogue.ids)
        let explorerOnly = Catalogue.all.map(\.id).filter { !symbolic.contains($0) }
        out.append(Item(source: "prove", text: "Properties without a symbolic form, so without an inductive proof (exploration and refinement only): " + explorerOnly.joined(separator: ", ") + "."))
        out += (r.proof?.notEncoded ?? Prover.notEncoded).map { Item(source: "prove", text: $0) }
        let families = Set(ProofFamily.allCases.map { String($0.name.prefix { $0 != "(" }) })
        let unencoded = SpecRuleLocations.all.map(\.operation).filter { op in !families.contains { $0.hasPrefix(op) } }
        out.append(Item(source: "prove", text: "Operations without a symbolic transition (no inductive or noninterference proof covers them): " + unique(unencoded).joined(separator: ", ") + "."))
        out += neverTaken(coverage)
        let unattempted = (r.proof?.obligations ?? []).filter { if case .unknown(let why) = $0.verdict { why.hasPrefix("not attempted") } else { false } }
        let notAttempted = ScopeBuilder.unique(unattempted.map(\.family))
        if !notAttempted.isEmpty {
            out.append(Item(source: "this run", text: "System call families not attempted within the prove budget (their obligations are unknown): " + notAttempted.joined(separator: ", ") + "."))
        }
        if !r.options.verify.prove { out.append(Item(source: "this run", text: "Inductive proofs were not run in this bundle (--no-prove).")) }
        if r.noninterference.isEmpty {
            out.append(Item(source: "this run", text: "Noninterference (INFO-3, INFO-4, INFO-5) was not proved for any policy: no --noninterference scenario was given."))
        }
        if !r.options.verify.refine { out.append(Item(source: "this run", text: "Refinement replay against KernelImpl was not run (--no-refine).")) }
        for ni in r.noninterference.prefix(1) {
            out += ni.assumptions.compactMap(sentenceOutOfScope).map { Item(source: "prove --noninterference", text: $0) }
        }
        return out
    }

    /// Operations and results no exploration took: properties cannot have been exercised through them.
    static func neverTaken(_ c: EvidenceDocument.Coverage) -> [Item] {
        guard !c.scenarios.isEmpty else { return [] }
        let never = c.rows.filter { $0.total == 0 }.map(\.item)
        let ops = never.filter { $0.hasPrefix("op ") }.map { String($0.dropFirst(3)) }
        let results = never.filter { $0.hasPrefix("result ") }.map { String($0.dropFirst(7)) }
        var out: [Item] = []
        if !ops.isEmpty { out.append(Item(source: "check coverage", text: "Operations no explored scenario performed: " + ops.joined(separator: ", ") + ".")) }
        if !results.isEmpty { out.append(Item(source: "check coverage", text: "Results no explored transition produced: " + results.joined(separator: ", ") + ".")) }
        return out
    }

    /// The sentence of an assumption that states a limit of the method ("... is out of scope").
    static func sentenceOutOfScope(_ text: String) -> String? {
        let sentences = text.split(separator: ".").map { $0.trimmingCharacters(in: .whitespaces) }
        let hit = sentences.filter { $0.contains("out of scope") || $0.contains("not modelled") || $0.contains("does not cover") }
        return hit.isEmpty ? nil : hit.joined(separator: ". ") + "."
    }

    static func unique(_ xs: [String]) -> [String] {
        var seen = Set<String>()
        return xs.filter { seen.insert($0).inserted }
    }
}

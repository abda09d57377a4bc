/// The verdict counts per method and the overall outcome of a bundle.
enum SummaryBuilder {
    static func rows(_ requirements: [EvidenceDocument.Requirement]) -> [EvidenceDocument.SummaryRow] {
        let all = requirements.flatMap(\.rows)
        return Method.allCases.compactMap { m in
            let rows = all.filter { $0.method == m }
            guard !rows.isEmpty else { return nil }
            var counts: [Outcome: Int] = [:]
            for o in Outcome.allCases { counts[o] = rows.filter { $0.outcome == o }.count }
            return .init(method: m, counts: counts)
        }
    }

    /// fail if any row failed, else open if any is open, else pass.
    static func overall(_ requirements: [EvidenceDocument.Requirement]) -> Outcome {
        let outcomes = Set(requirements.flatMap(\.rows).map(\.outcome))
        if outcomes.contains(.fail) { return .fail }
        if outcomes.contains(.open) { return .open }
        return .pass
    }
}

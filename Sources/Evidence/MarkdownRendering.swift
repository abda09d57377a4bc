/// `report.md`: the same content as `index.html` in Markdown, for review
/// tools and diffs between two bundles. Pictures are linked (SVG, or the DOT
/// source when Graphviz was missing) rather than inlined.
enum MarkdownRendering {
    static func render(_ d: EvidenceDocument) -> String {
        var out: [String] = ["# \(ReportText.title)", "", "_\(ReportText.subtitle)_", ""]
        out.append("**Overall: \(d.overall.label)** — \(ReportText.overallSentence(d))")
        out.append("")
        out += table(["", ""], ReportText.metaRows(d).map { [$0.0, $0.1] })
        out.append("")
        out.append(ReportText.sections.map { "[\($0.title)](#\(ReportText.anchor($0.title)))" }.joined(separator: " · "))
        let labels = Dictionary(uniqueKeysWithValues: d.assumptions.enumerated().map { ($0.element.id, "A\($0.offset + 1)") })
        out += summary(d) + methods(d) + matrix(d, labels) + findings(d) + systems(d) + assumptions(d, labels) + coverage(d) + scope(d) + integrity(d)
        out += ["", "---", "", ReportText.footer(d), ""]
        return out.joined(separator: "\n")
    }

    static func heading(_ anchor: String) -> [String] { ["", "## \(ReportText.section(anchor))", ""] }

    /// A Markdown table; `|` and newlines inside cells are escaped.
    static func table(_ header: [String], _ rows: [[String]]) -> [String] {
        func cell(_ s: String) -> String { s.replacingAll("|", with: "\\|").replacingAll("\n", with: " ") }
        return ["| " + header.map(cell).joined(separator: " | ") + " |", "|" + header.map { _ in "---|" }.joined()]
            + rows.map { "| " + $0.map(cell).joined(separator: " | ") + " |" }
    }

    static func verdict(_ v: String, _ o: Outcome) -> String {
        "**\(v.uppercased())**" + (o == .expectedViolation ? " (expected)" : "") + " \(o == .pass ? "✓" : o == .fail ? "✗" : o == .open ? "?" : "◇")"
    }

    static func links(_ ls: [EvidenceDocument.Link]) -> String {
        ls.map { "[\($0.label)](\(ReportText.href($0.path)))" }.joined(separator: ", ")
    }

    static func summary(_ d: EvidenceDocument) -> [String] {
        var out = heading("summary")
        out += table(["Method"] + Outcome.allCases.map(\.label) + ["Total"], d.summary.map { s in
            [s.method.title] + Outcome.allCases.map { "\(s.counts[$0] ?? 0)" } + ["\(s.counts.values.reduce(0, +))"]
        })
        out.append("")
        out += ReportText.outcomeExplanation.map { "- **\($0.0.label)**: \($0.1)" }
        for n in d.notices { out += ["", "> **Note:** \(n)"] }
        return out
    }

    static func methods(_ d: EvidenceDocument) -> [String] {
        heading("methods") + d.summary.flatMap { ["- **\($0.method.title).** \($0.method.explanation)"] }
    }

    static func matrix(_ d: EvidenceDocument, _ labels: [String: String]) -> [String] {
        var out = heading("matrix")
        for r in d.requirements {
            out += ["", "### \(r.id) — \(r.title)", "", r.text]
            if !r.conditions.isEmpty { out += ["", "_Conditions:_ " + r.conditions.joined(separator: " ")] }
            out.append("")
            out += table(["Method", "Scenario / obligation", "Verdict", "Assumptions", "Artifacts"], r.rows.map { row in
                [row.method.title, row.subject + " — " + row.detail, verdict(row.verdict, row.outcome),
                 row.assumptions.map { "[\(labels[$0] ?? $0)](#\(ReportText.anchor((labels[$0] ?? $0))))" }.joined(separator: ", "), links(row.artifacts)]
            })
        }
        return out
    }

    static func findings(_ d: EvidenceDocument) -> [String] {
        var out = heading("findings")
        if d.findings.isEmpty { out.append("No violation, refutation or divergence was found.") }
        for f in d.findings {
            out += ["", "### \(f.title) (\(f.outcome.label))", ""]
            out += f.lines.flatMap { [$0, ""] }
            if !f.details.isEmpty { out += ["```"] + f.details + ["```", ""] }
            out += f.steps.enumerated().map { "\($0.offset + 1). `\($0.element)`" }
            if let fig = f.figure { out += ["", figure(fig)] }
            if !f.artifacts.isEmpty { out += ["", "Artifacts: " + links(f.artifacts)] }
        }
        return out
    }

    static func figure(_ f: EvidenceDocument.Figure) -> String {
        if let svg = f.svg { return "![\(f.caption)](\(ReportText.href(svg)))  \n_\(f.caption)_ ([DOT source](\(ReportText.href(f.dot))))" }
        return "_\(f.caption)_: not rendered, Graphviz was not available; DOT source: [\(f.dot)](\(ReportText.href(f.dot)))"
    }

    static func systems(_ d: EvidenceDocument) -> [String] {
        var out = heading("systems")
        for s in d.systems {
            out += ["", "### \(s.name)", "", s.description, ""]
            out += table(["", ""], s.facts.map { [$0.name, $0.value] } + (s.copy.map { [["File", links([$0])]] } ?? []))
            if let fig = s.figure { out += ["", figure(fig)] }
        }
        return out
    }

    static func assumptions(_ d: EvidenceDocument, _ labels: [String: String]) -> [String] {
        var out = heading("assumptions")
        for a in d.assumptions {
            out += ["", "### \(labels[a.id] ?? a.id)", "", "**\(a.title)** (`\(a.id)`)", ""]
            out += a.items.map { "- \($0)" }
        }
        return out
    }

    static func coverage(_ d: EvidenceDocument) -> [String] {
        var out = heading("coverage")
        let c = d.coverage
        guard !c.scenarios.isEmpty else { return out + ["No scenario was explored."] }
        out.append("Explored transitions per operation and result, per scenario; rows marked **never** were not exercised at all.")
        out.append("")
        out += table(["Operation / result"] + c.scenarios + ["Total"], c.rows.map { r in
            [r.item + (r.total == 0 ? " **never**" : "")] + r.counts.map(String.init) + ["\(r.total)"]
        })
        return out
    }

    static func scope(_ d: EvidenceDocument) -> [String] {
        heading("scope") + table(["Reported by", "Not covered"], d.outOfScope.map { [$0.source, $0.text] })
    }

    static func integrity(_ d: EvidenceDocument) -> [String] {
        var out = heading("integrity") + ReportText.integrityParagraphs(d).flatMap { [$0, ""] }
        for (title, files) in [("Inputs the results depend on", d.inputs), ("Artifacts in this bundle", d.artifacts)] {
            out += ["", "### \(title) (\(files.count))", ""]
            out += table(["File", "Kind", "Bytes", "SHA-256"], files.map { [$0.path, $0.category, "\($0.bytes)", "`\($0.sha256)`"] })
        }
        return out
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

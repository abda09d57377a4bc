/// The numbered sections of `index.html` (the order of `ReportText.sections`).
enum HTMLSections {
    static let esc = HTMLRendering.esc

    static func open(_ anchor: String, _ h: inout HTMLWriter) {
        h.raw("<section id=\"\(anchor)\">\n<h2>\(esc(ReportText.section(anchor)))</h2>\n")
    }

    static func summary(_ d: EvidenceDocument, _ h: inout HTMLWriter) {
        open("summary", &h)
        let rows = d.requirements.flatMap(\.rows)
        h.raw("<div class=\"cards\">\n<div class=\"card\"><div class=\"n\">\(d.requirements.count)</div><div class=\"l\">requirements traced</div></div>\n")
        for o in Outcome.allCases {
            h.raw("<div class=\"card \(o.rawValue)\"><div class=\"n\">\(rows.filter { $0.outcome == o }.count)</div><div class=\"l\">\(esc(o.label))</div></div>\n")
        }
        h.raw("</div>\n<table class=\"grid\">\n<tr><th>Method</th>" + Outcome.allCases.map { "<th>\(esc($0.label))</th>" }.joined() + "<th>Total</th></tr>\n")
        for s in d.summary {
            let total = s.counts.values.reduce(0, +)
            h.raw("<tr><td>\(esc(s.method.title))</td>" + Outcome.allCases.map { "<td>\(s.counts[$0] ?? 0)</td>" }.joined() + "<td>\(total)</td></tr>\n")
        }
        h.raw("</table>\n<p>Verdict labels: " + ReportText.outcomeExplanation.map { o, text in h.badge(o.label, o == .expectedViolation ? .expectedViolation : o).replacingOccurrences(of: " (EXPECTED)", with: "") + " " + esc(text) }.joined(separator: "; ") + ".</p>\n")
        for n in d.notices { h.raw("<div class=\"notice\">\(HTMLRendering.inlineCode(n))</div>\n") }
        h.raw("</section>\n")
    }

    static func methods(_ d: EvidenceDocument, _ h: inout HTMLWriter) {
        open("methods", &h)
        h.raw("<dl class=\"methods\">\n")
        for s in d.summary { h.raw("<dt>\(esc(s.method.title))</dt><dd>\(esc(s.method.explanation))</dd>\n") }
        h.raw("</dl>\n</section>\n")
    }

    static func matrix(_ d: EvidenceDocument, _ h: inout HTMLWriter) {
        open("matrix", &h)
        h.raw("<p>One row per verdict: the requirement it supports, the method, the scenario or proof obligation, the verdict, the assumptions it rests on (section 6) and the artifacts in this bundle that back it.</p>\n")
        h.raw("<table class=\"grid matrix\">\n<tr><th>Requirement</th><th>Method</th><th>Scenario / obligation</th><th>Verdict</th><th>Assumptions</th><th>Artifacts</th></tr>\n")
        for r in d.requirements {
            for (i, row) in r.rows.enumerated() {
                h.raw("<tr>")
                if i == 0 {
                    h.raw("<td class=\"req\" rowspan=\"\(r.rows.count)\" id=\"\(ReportText.anchor("req-" + r.id + "-" + r.title))\"><div class=\"rid\">\(esc(r.id))</div><div class=\"rtitle\">\(esc(r.title))</div><div class=\"rtext\">\(HTMLRendering.inlineCode(r.text))</div>")
                    if !r.conditions.isEmpty { h.raw("<details class=\"rcond\"><summary>Conditions of the check</summary>\(r.conditions.map(HTMLRendering.inlineCode).joined(separator: " "))</details>") }
                    h.raw("</td>")
                }
                h.raw("<td>\(esc(row.method.title))</td><td>\(esc(row.subject))<div class=\"detail\">\(HTMLRendering.inlineCode(row.detail))</div></td>")
                h.raw("<td>\(h.badge(row.verdict, row.outcome))</td><td>\(h.assumptionLinks(row.assumptions))</td><td>\(h.links(row.artifacts))</td></tr>\n")
            }
        }
        h.raw("</table>\n</section>\n")
    }

    static func findings(_ d: EvidenceDocument, _ h: inout HTMLWriter) {
        open("findings", &h)
        if d.findings.isEmpty { h.raw("<p>No violation, refutation or divergence was found.</p>\n") }
        for f in d.findings {
            h.raw("<div class=\"finding \(f.outcome.rawValue)\" id=\"\(f.anchor)\">\n<h3>\(h.badge(f.outcome == .expectedViolation ? "violated" : f.outcome.label, f.outcome)) \(esc(f.title))</h3>\n")
            for line in f.lines { h.raw("<p>\(HTMLRendering.inlineCode(line))</p>\n") }
            if !f.details.isEmpty { h.raw("<pre class=\"model\">" + f.details.map(esc).joined(separator: "\n") + "</pre>\n") }
            if !f.steps.isEmpty { h.raw("<ol>\n" + f.steps.map { "<li class=\"mono\">\(esc($0))</li>" }.joined(separator: "\n") + "\n</ol>\n") }
            if let fig = f.figure { h.figure(fig) }
            if !f.artifacts.isEmpty { h.raw("<p>Artifacts: \(h.links(f.artifacts))</p>\n") }
            h.raw("</div>\n")
        }
        h.raw("</section>\n")
    }

    static func systems(_ d: EvidenceDocument, _ h: inout HTMLWriter) {
        open("systems", &h)
        for s in d.systems {
            h.raw("<h3 id=\"\(ReportText.anchor("system-" + s.name))\">\(esc(s.name))</h3>\n<p>\(esc(s.description))</p>\n<table class=\"facts\">\n")
            for f in s.facts { h.raw("<tr><th>\(esc(f.name))</th><td>\(HTMLRendering.inlineCode(f.value))</td></tr>\n") }
            if let c = s.copy { h.raw("<tr><th>File</th><td>\(h.links([c]))</td></tr>\n") }
            h.raw("</table>\n")
            if let fig = s.figure { h.figure(fig) }
        }
        h.raw("</section>\n")
    }

    static func assumptions(_ d: EvidenceDocument, _ h: inout HTMLWriter) {
        open("assumptions", &h)
        for a in d.assumptions {
            h.raw("<div class=\"assume\" id=\"\(ReportText.anchor("assumption-" + a.id))\">\n<h3>\(h.assumptionLinks([a.id]).replacingOccurrences(of: "<a ", with: "<a class=\"aid\" ")) \(esc(a.title))</h3>\n<ul>\n")
            h.raw(a.items.map { "<li>\(HTMLRendering.inlineCode($0))</li>" }.joined(separator: "\n") + "\n</ul>\n</div>\n")
        }
        h.raw("</section>\n")
    }

    static func coverage(_ d: EvidenceDocument, _ h: inout HTMLWriter) {
        open("coverage", &h)
        let c = d.coverage
        guard !c.scenarios.isEmpty else {
            h.raw("<p>No scenario was explored.</p>\n</section>\n")
            return
        }
        h.raw("<p>How many explored transitions performed each operation and produced each result, per scenario. A property that holds only because an operation never happens would show here as a row of zeros (marked red).</p>\n")
        h.raw("<table class=\"grid cov\">\n<tr><th>Operation / result</th>" + c.scenarios.map { "<th>\(esc($0))</th>" }.joined() + "<th>Total</th></tr>\n")
        for row in c.rows {
            h.raw("<tr\(row.total == 0 ? " class=\"never\"" : "")><td>\(esc(row.item))\(row.total == 0 ? " (never)" : "")</td>")
            h.raw(row.counts.map { "<td class=\"n\($0 == 0 ? " zero" : "")\">\($0)</td>" }.joined() + "<td class=\"n\">\(row.total)</td></tr>\n")
        }
        h.raw("</table>\n</section>\n")
    }

    static func scope(_ d: EvidenceDocument, _ h: inout HTMLWriter) {
        open("scope", &h)
        h.raw("<p>What the verdicts above do not cover, as the tools report it.</p>\n<table class=\"grid\">\n<tr><th>Reported by</th><th>Not covered</th></tr>\n")
        for s in d.outOfScope { h.raw("<tr><td>\(esc(s.source))</td><td>\(HTMLRendering.inlineCode(s.text))</td></tr>\n") }
        h.raw("</table>\n</section>\n")
    }

    static func integrity(_ d: EvidenceDocument, _ h: inout HTMLWriter) {
        open("integrity", &h)
        for p in ReportText.integrityParagraphs(d) { h.raw("<p>\(HTMLRendering.inlineCode(p))</p>\n") }
        hashTable("Inputs the results depend on", d.inputs, &h)
        hashTable("Artifacts in this bundle", d.artifacts, &h)
        h.raw("</section>\n")
    }

    static func hashTable(_ title: String, _ files: [EvidenceDocument.FileHash], _ h: inout HTMLWriter) {
        h.raw("<h3>\(esc(title)) (\(files.count))</h3>\n<table class=\"grid hashes\">\n<tr><th>File</th><th>Kind</th><th>Bytes</th><th>SHA-256</th></tr>\n")
        for f in files {
            h.raw("<tr><td class=\"mono\">\(esc(f.path))</td><td>\(esc(f.category))</td><td class=\"n\">\(f.bytes)</td><td class=\"h\">\(f.sha256)</td></tr>\n")
        }
        h.raw("</table>\n")
    }
}

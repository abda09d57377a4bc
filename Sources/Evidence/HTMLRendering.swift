import Foundation
import Verifier

/// `index.html`: the bundle's report for people (issue 7 point 3). One file,
/// self-contained: the style sheet and every picture (SVG) are inline, links
/// to artifacts are relative, there is no script and nothing is fetched, so
/// it reads the same opened from disk, in an archive, or printed.
enum HTMLRendering {
    /// `svg`: figure path → SVG text (read from the bundle).
    static func render(_ d: EvidenceDocument, svg: [String: String]) -> String {
        var h = HTMLWriter(assumptionLabels: Dictionary(uniqueKeysWithValues: d.assumptions.enumerated().map { ($0.element.id, "A\($0.offset + 1)") }),
                           svg: svg)
        h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        h.raw("<title>\(esc(ReportText.title)) — \(esc(ReportText.shortCommit(d.header.commit)))</title>\n")
        h.raw("<style>\n\(HTMLStyle.css)\n</style>\n</head>\n<body>\n")
        cover(d, &h)
        h.raw("<nav class=\"toc\">" + ReportText.sections.map { "<a href=\"#\($0.anchor)\">\(esc($0.title))</a>" }.joined() + "</nav>\n<main>\n")
        HTMLSections.summary(d, &h)
        HTMLSections.methods(d, &h)
        HTMLSections.matrix(d, &h)
        HTMLSections.findings(d, &h)
        HTMLSections.systems(d, &h)
        HTMLSections.assumptions(d, &h)
        HTMLSections.coverage(d, &h)
        HTMLSections.scope(d, &h)
        HTMLSections.integrity(d, &h)
        h.raw("</main>\n<footer>\(esc(ReportText.footer(d)))</footer>\n</body>\n</html>\n")
        return h.text
    }

    static func cover(_ d: EvidenceDocument, _ h: inout HTMLWriter) {
        h.raw("<header class=\"cover\">\n<div class=\"kicker\">Verification evidence bundle</div>\n")
        h.raw("<h1>\(esc(ReportText.title))</h1>\n<p class=\"sub\">\(esc(ReportText.subtitle))</p>\n")
        h.raw("<div class=\"overall \(d.overall.rawValue)\">Overall: \(esc(d.overall.label)) — \(esc(ReportText.overallSentence(d)))</div>\n")
        h.raw("<table class=\"meta\">\n")
        for (name, value) in ReportText.metaRows(d) { h.raw("<tr><th>\(esc(name))</th><td>\(inlineCode(value))</td></tr>\n") }
        h.raw("</table>\n</header>\n")
    }

    /// HTML text and attribute escaping (XML's rules hold for HTML too).
    static func esc(_ s: String) -> String { XMLEscaping.escape(s) }

    /// Escapes `s` and turns `backquoted` spans into <code>.
    static func inlineCode(_ s: String) -> String {
        let parts = s.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts.count % 2 == 1 else { return esc(s) }
        return parts.enumerated().map { i, p in i % 2 == 1 ? "<code>\(esc(String(p)))</code>" : esc(String(p)) }.joined()
    }
}

/// Accumulates the page, with what every section needs to link assumptions and inline figures.
struct HTMLWriter {
    let assumptionLabels: [String: String]
    let svg: [String: String]
    private(set) var text = ""
    private var figureNumber = 0

    init(assumptionLabels: [String: String], svg: [String: String]) {
        self.assumptionLabels = assumptionLabels
        self.svg = svg
    }

    mutating func raw(_ s: String) { text += s }

    /// A verdict badge: the tool's word, coloured by outcome, with the outcome as tooltip.
    func badge(_ verdict: String, _ outcome: Outcome) -> String {
        let word = verdict.uppercased() + (outcome == .expectedViolation ? " (EXPECTED)" : "")
        return "<span class=\"v v-\(outcome.rawValue)\" title=\"\(outcome.label)\">\(HTMLRendering.esc(word))</span>"
    }

    func assumptionLinks(_ ids: [String]) -> String {
        ids.map { id in "<a href=\"#\(ReportText.anchor("assumption-" + id))\" title=\"\(HTMLRendering.esc(id))\">\(assumptionLabels[id] ?? id)</a>" }
            .joined(separator: ", ")
    }

    func links(_ ls: [EvidenceDocument.Link]) -> String {
        ls.map { "<a href=\"\(HTMLRendering.esc(ReportText.href($0.path)))\">\(HTMLRendering.esc($0.label))</a>" }.joined(separator: " · ")
    }

    /// A numbered figure: the inline SVG (ids prefixed, so several figures can share the page), or the DOT source link.
    mutating func figure(_ f: EvidenceDocument.Figure) {
        figureNumber += 1
        let esc = HTMLRendering.esc
        raw("<figure>\n")
        if let path = f.svg, let body = svg[path] {
            raw("<div class=\"svg\">\(SVGInline.prepare(body, prefix: "f\(figureNumber)-"))</div>\n")
            raw("<figcaption>Figure \(figureNumber). \(esc(f.caption)) (<a href=\"\(esc(ReportText.href(path)))\">SVG</a>, <a href=\"\(esc(ReportText.href(f.dot)))\">DOT source</a>)</figcaption>\n")
        } else {
            raw("<div class=\"nosvg\">Figure \(figureNumber) was not rendered: Graphviz (<code>dot</code>) was not available. The DOT source is kept: <a href=\"\(esc(ReportText.href(f.dot)))\">\(esc(f.dot))</a> (render it with <code>dot -Tsvg</code>).</div>\n")
            raw("<figcaption>Figure \(figureNumber). \(esc(f.caption))</figcaption>\n")
        }
        raw("</figure>\n")
    }
}

/// Graphviz SVG made fit for inlining: no XML prolog, doctype or comments,
/// and element ids prefixed so that figures on one page never share an id.
enum SVGInline {
    static func prepare(_ svg: String, prefix: String) -> String {
        var s = svg
        if let start = s.range(of: "<svg") { s = String(s[start.lowerBound...]) }
        while let open = s.range(of: "<!--"), let close = s.range(of: "-->", range: open.upperBound..<s.endIndex) {
            s.removeSubrange(open.lowerBound..<close.upperBound)
        }
        s = s.replacingOccurrences(of: " id=\"", with: " id=\"\(prefix)")
        s = s.replacingOccurrences(of: "url(#", with: "url(#\(prefix)")
        s = s.replacingOccurrences(of: "href=\"#", with: "href=\"#\(prefix)")
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

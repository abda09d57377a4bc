import Foundation
import Refinement

/// A counterexample or divergence as a sequence diagram in DOT (issue 7
/// point 3, "pictures"): one lifeline per thread (a column of points joined
/// by dashed edges), one row per step with the step's text on the left, IPC
/// as an arrow between lifelines, a kernel operation as a filled dot on the
/// acting lifeline, a woken thread as a hollow dot. The model is the one
/// `l4spec show` draws (`SequenceDiagram`, built by replaying the trace on
/// the spec); this layout keeps time flowing downwards, which the
/// `show --format dot` graph (threads as nodes) does not.
public enum SequenceChart {
    /// `highlight`: the step to draw in red (the violating or diverging one).
    public static func dot(_ d: SequenceDiagram, title: String, highlight: Int?) -> String {
        var out = DotWriter(name: "sequence", title: title, rankdir: "TB")
        out.line("    graph [splines=false, nodesep=0.5, ranksep=0.12];")
        out.line("    node [shape=point, width=0.06, color=\"#6b7380\"];")
        out.line("    edge [arrowsize=0.7];")
        let n = d.participants.count
        var header = ["    { rank=same; hstep [shape=plaintext, label=\"step / event → result\", fontsize=10, fontcolor=\"#3b4451\"];"]
        for (i, p) in d.participants.enumerated() {
            header.append("p\(i)_h [shape=box, style=\"rounded,filled\", fillcolor=\"#dfe8f3\", color=\"#2f5d8a\", width=1.2, height=0.3, label=\(DotWriter.quote(p))];")
        }
        out.line(header.joined(separator: " ") + " }")
        out.line("    " + (["hstep"] + (0..<n).map { "p\($0)_h" }).joined(separator: " -> ") + " [style=invis];")
        // One width for every step's text, so its lines start at one left edge (about 0.07 in per character at 9 pt).
        let width = String(format: "%.2f", 0.3 + 0.068 * Double(d.steps.flatMap { stepText($0, d).split(separator: "\n") }.map(\.count).max() ?? 10))
        var previous = "h"    // the row above: the header, then each step
        for s in d.steps {
            let row = "s\(s.index)"
            let red = s.index == highlight
            let color = red ? "#b3261e" : "#1f3b5a"
            let text = stepText(s, d)
            var nodes = ["    { rank=same; t\(row) [shape=plaintext, fontsize=9, width=\(width), fontcolor=\"\(color)\", label=\(DotWriter.leftQuote(text))];"]
            for p in 0..<n { nodes.append("p\(p)_\(row)" + marker(s, participant: p, color: color) + ";") }
            out.line(nodes.joined(separator: " ") + " }")
            out.line("    " + (["t\(row)"] + (0..<n).map { "p\($0)_\(row)" }).joined(separator: " -> ") + " [style=invis];")
            out.line("    \(previous == "h" ? "hstep" : "t" + previous) -> t\(row) [style=invis, weight=50];")
            for p in 0..<n {
                out.line("    p\(p)_\(previous) -> p\(p)_\(row) [arrowhead=none, style=dashed, color=\"#9aa3ae\", weight=100];")
            }
            if case .arrow(let a, let b) = s.mark, a != b {
                let (l, r) = (min(a, b), max(a, b))
                out.line("    p\(l)_\(row) -> p\(r)_\(row) [color=\"\(color)\", penwidth=1.6, constraint=false\(a < b ? "" : ", dir=back")];")
            }
            previous = row
        }
        return out.finish()
    }

    /// A step's line and what it did to other threads (and, for a divergence, both sides' values).
    static func stepText(_ s: SequenceDiagram.Step, _ d: SequenceDiagram) -> String {
        var text = "\(s.index + 1). \(s.text)"
        for w in s.woken { text += "\n     woken: \(d.participants[w.participant]) → \(w.result)" }
        if let r = s.refinement, !r.diffs.isEmpty {
            text += "\n     spec \(r.specResult) | impl \(r.implResult)"
            for x in r.diffs.prefix(4) { text += "\n     \(x.path): spec \(x.spec) | impl \(x.impl)" }
            if r.diffs.count > 4 { text += "\n     (+\(r.diffs.count - 4) more fields)" }
        }
        return text
    }

    /// The point of lifeline `p` in step `s`: filled for the acting thread, hollow for a woken one.
    static func marker(_ s: SequenceDiagram.Step, participant p: Int, color: String) -> String {
        let acting: Bool
        switch s.mark {
        case .arrow(let a, let b): acting = a == p || b == p
        case .note(let a): acting = a == p
        case .system: acting = false
        }
        if acting { return " [shape=circle, style=filled, width=0.14, fillcolor=\"\(color)\", color=\"\(color)\", label=\"\"]" }
        if s.woken.contains(where: { $0.participant == p }) { return " [shape=circle, width=0.14, color=\"\(color)\", label=\"\"]" }
        return ""
    }
}

extension DotWriter {
    /// A DOT string literal whose lines are left-justified (`\l`).
    static func leftQuote(_ s: String) -> String {
        let q = quote(s)
        return String(q.dropLast()).replacingOccurrences(of: "\\n", with: "\\l") + "\\l\""
    }
}

/// Renderings of a `SequenceDiagram`: plain text lifelines, Mermaid
/// `sequenceDiagram`, and Graphviz DOT (threads as nodes, numbered steps as
/// edges). Divergence values from a refine sidecar appear at their step.
public enum SequenceRendering {
    // MARK: - Text

    public static func text(_ d: SequenceDiagram) -> String {
        let width = max(10, (d.participants.map(\.count).max() ?? 0) + 2)
        let margin = 8
        let total = margin + width * max(d.participants.count, 1)
        func column(_ p: Int) -> Int { margin + p * width }
        func blank(_ head: String) -> [Character] {
            var row = Array((head + String(repeating: " ", count: margin)).prefix(margin)) + Array(repeating: " ", count: total - margin)
            for p in d.participants.indices { row[column(p)] = "|" }
            return row
        }
        var lines = [d.title, String(repeating: " ", count: margin) + d.participants.map { $0.padding(width) }.joined()]
        for s in d.steps {
            var row = blank("\(s.index)")
            switch s.mark {
            case .arrow(let a, let b):
                let (lo, hi) = (min(column(a), column(b)), max(column(a), column(b)))
                for x in (lo + 1)..<hi { row[x] = "-" }
                if a < b { row[hi - 1] = ">" } else { row[lo + 1] = "<" }
            case .note(let a): row[column(a)] = "*"
            case .system: break
            }
            lines.append(String(row) + "  " + s.text)
            for w in s.woken {
                var extra = blank("")
                extra[column(w.participant)] = "+"
                lines.append(String(extra) + "  woken: \(d.participants[w.participant]) → \(w.result)")
            }
            lines += refinementLines(s, divergent: s.index == d.divergenceStep).map { String(repeating: " ", count: margin) + $0 }
        }
        return lines.joined(separator: "\n")
    }

    /// Side by side: spec and implementation result, then every differing field.
    static func refinementLines(_ s: SequenceDiagram.Step, divergent: Bool) -> [String] {
        guard let r = s.refinement else { return [] }
        var out: [String] = []
        if divergent || r.specResult != r.implResult || r.specActor != r.implActor {
            out.append("spec: \(r.specActor ?? "-") → \(r.specResult)    impl: \(r.implActor ?? "-") → \(r.implResult)")
        }
        if !r.diffs.isEmpty {
            out.append("DIVERGENCE at step \(s.index):")
            let w = r.diffs.map(\.path.count).max() ?? 0
            out.append("  " + "field".padding(w) + "  spec | impl")
            for x in r.diffs { out.append("  " + x.path.padding(w) + "  \(x.spec) | \(x.impl)") }
        }
        return out
    }

    // MARK: - Mermaid

    public static func mermaid(_ d: SequenceDiagram) -> String {
        var lines = ["sequenceDiagram", "    title \(escape(d.title))"]
        for (i, p) in d.participants.enumerated() { lines.append("    participant p\(i) as \(escape(p))") }
        for s in d.steps {
            let text = escape("\(s.index): \(s.text)")
            switch s.mark {
            case .arrow(let a, let b): lines.append("    p\(a)->>p\(b): \(text)")
            case .note(let a): lines.append("    Note over p\(a): \(text)")
            case .system: lines.append(d.participants.isEmpty ? "    %% \(text)" : "    Note over p0: \(text)")
            }
            for w in s.woken { lines.append("    Note over p\(w.participant): woken → \(escape(w.result))") }
            if let r = s.refinement, !r.diffs.isEmpty || s.index == d.divergenceStep {
                let over = d.participants.isEmpty ? "" : d.participants.count > 1 ? "p0,p\(d.participants.count - 1)" : "p0"
                let body = (["DIVERGENCE step \(s.index): spec \(r.specResult), impl \(r.implResult)"]
                    + r.diffs.map { "\($0.path): spec \($0.spec) / impl \($0.impl)" }).map(escape).joined(separator: "<br/>")
                if !over.isEmpty { lines.append("    Note over \(over): \(body)") }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Mermaid message text: `;` ends a statement and `#` starts an entity code.
    static func escape(_ s: String) -> String {
        s.map { c in c == "#" ? "#35;" : c == ";" ? "#59;" : String(c) }.joined()
    }

    // MARK: - DOT

    public static func dot(_ d: SequenceDiagram) -> String {
        var lines = ["digraph trace {", "    label=\(quote(d.title));", "    node [shape=box];"]
        for (i, p) in d.participants.enumerated() { lines.append("    p\(i) [label=\(quote(p))];") }
        for s in d.steps {
            switch s.mark {
            case .arrow(let a, let b): lines.append("    p\(a) -> p\(b) [label=\(quote("\(s.index): \(s.text)"))];")
            case .note(let a): lines.append("    p\(a) -> p\(a) [label=\(quote("\(s.index): \(s.text)")), style=dotted];")
            case .system: lines.append("    step\(s.index) [shape=plaintext, label=\(quote("\(s.index): \(s.text)"))];")
            }
            if let r = s.refinement, !r.diffs.isEmpty {
                let body = (["DIVERGENCE step \(s.index)", "spec: \(r.specResult)  impl: \(r.implResult)"]
                    + r.diffs.map { "\($0.path): spec \($0.spec) | impl \($0.impl)" }).joined(separator: "\n")
                lines.append("    divergence\(s.index) [shape=note, color=red, label=\(quote(body))];")
                if case .arrow(let a, _) = s.mark { lines.append("    divergence\(s.index) -> p\(a) [color=red, style=dashed];") }
                if case .note(let a) = s.mark { lines.append("    divergence\(s.index) -> p\(a) [color=red, style=dashed];") }
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    static func quote(_ s: String) -> String {
        "\"" + s.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"").replacingAll("\n", with: "\\l") + "\""
    }
}

extension String {
    func padding(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }

    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

import Spec

/// Builds a Graphviz DOT document line by line with the bundle's common
/// look (one font, small sizes); node ids are kept apart from labels, so a
/// scenario's names can never break the syntax.
struct DotWriter {
    private var lines: [String]
    private var declared = Set<String>()

    init(name: String, title: String, rankdir: String) {
        lines = [
            "digraph \(DotWriter.quote(name)) {",
            "    graph [rankdir=\(rankdir), fontname=\"Helvetica\", fontsize=13, labelloc=t, label=\(DotWriter.quote(title)), nodesep=0.35, ranksep=0.6, bgcolor=\"white\"];",
            "    node [fontname=\"Helvetica\", fontsize=10];",
            "    edge [fontname=\"Helvetica\", fontsize=9];",
        ]
    }

    mutating func line(_ text: String) { lines.append(text) }

    /// Records a node id; false when it was declared before.
    mutating func declare(_ id: String) -> Bool { declared.insert(id).inserted }

    func finish() -> String { (lines + ["}"]).joined(separator: "\n") + "\n" }

    /// A DOT string literal: quotes and backslashes escaped, newlines as centred line breaks.
    static func quote(_ s: String) -> String {
        "\"" + s.escaped(["\"": "\\\"", "\\": "\\\\", "\n": "\\n"]) + "\""
    }

    /// A node id for a kernel object: its kind and table index (`task0`, `scheduler`).
    static func id(_ r: ObjectRef) -> String { quote(r.description) }
}

extension String {
    /// Replaces every character that `table` has an entry for (DOT strings, relative links).
    func escaped(_ table: [Character: String]) -> String {
        var out = ""
        for c in self {
            if let r = table[c] { out += r } else { out.append(c) }
        }
        return out
    }
}

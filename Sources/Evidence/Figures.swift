import Foundation

/// Graphviz `dot` (apt package `graphviz`, installed by scripts/ensure-deps).
struct Graphviz: Sendable {
    let tool: ExternalTool?
    /// "2.43.0", from `dot -V`; part of the manifest because the SVG bytes depend on it.
    let version: String?

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        tool = ExternalTool.find("dot", environment: environment)
        version = tool.flatMap { t in
            guard let o = t.run(["-V"]), o.status == 0 else { return nil }
            let words = o.stderr.split(whereSeparator: \.isWhitespace)
            return words.firstIndex(of: "version").flatMap { $0 + 1 < words.count ? String(words[$0 + 1]) : nil }
        }
    }

    var available: Bool { tool != nil && version != nil }

    /// The SVG for a DOT source, or why there is none.
    func svg(_ dot: String) -> Result<String, FigureError> {
        guard let tool, available else { return .failure(FigureError(message: "Graphviz `dot` is not installed")) }
        guard let o = tool.run(["-Tsvg"], input: Data(dot.utf8)), o.status == 0 else {
            return .failure(FigureError(message: "dot failed on this figure"))
        }
        return .success(String(decoding: o.stdout, as: UTF8.self))
    }
}

struct FigureError: Error {
    var message: String
}

/// Writes each figure's DOT source into `figures/` and, when Graphviz is
/// there, its SVG next to it; remembers what could not be rendered.
struct FigureWriter {
    let bundle: URL
    let graphviz: Graphviz
    private(set) var failures: [String] = []

    init(bundle: URL, graphviz: Graphviz) {
        self.bundle = bundle
        self.graphviz = graphviz
    }

    mutating func figure(name: String, caption: String, dot: String) throws -> EvidenceDocument.Figure {
        let base = BundleLayout.figures + "/" + BundleLayout.slug(name)
        try BundleFiles.write(dot, to: base + ".dot", in: bundle)
        switch graphviz.svg(dot) {
        case .success(let svg):
            try BundleFiles.write(svg, to: base + ".svg", in: bundle)
            return EvidenceDocument.Figure(caption: caption, dot: base + ".dot", svg: base + ".svg")
        case .failure(let e):
            if graphviz.available { failures.append("\(base).dot: \(e.message)") }
            return EvidenceDocument.Figure(caption: caption, dot: base + ".dot", svg: nil)
        }
    }
}

/// Writing files below the bundle's (temporary) root.
enum BundleFiles {
    static func write(_ text: String, to relative: String, in root: URL) throws {
        try write(Data(text.utf8), to: relative, in: root)
    }

    static func write(_ data: Data, to relative: String, in root: URL) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }
}

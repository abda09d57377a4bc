import Foundation

/// `manifest.json` (`l4spec-evidence/1`), `SHA256SUMS` and `sources.sha256`:
/// what an assessor checks to know nothing changed (docs/evidence.md).
/// Every list is sorted by path, so the files are byte-identical whenever
/// the hashed files are.
enum Manifest {
    struct File: Encodable {
        var format = "l4spec-evidence/1"
        var tool: [String: String]
        var commit: String
        var modifiedTrackedFiles: Int?
        var generated: String?
        var generatedSource: String
        var command: String
        var z3: String?
        var graphviz: String?
        var sourceRoot: String?
        var overall: String
        var inputs: [EvidenceDocument.FileHash]
        /// Every bundle file but `manifest.json` and `SHA256SUMS` (which lists the manifest).
        var artifacts: [EvidenceDocument.FileHash]
    }

    static func json(_ d: EvidenceDocument, artifacts: [EvidenceDocument.FileHash]) throws -> Data {
        let h = d.header
        let file = File(tool: ["name": "l4spec", "version": h.toolVersion], commit: h.commit, modifiedTrackedFiles: h.modifiedTrackedFiles,
                        generated: h.generated, generatedSource: h.generatedSource, command: h.command, z3: h.z3Version,
                        graphviz: h.graphvizVersion, sourceRoot: h.sourceRoot, overall: d.overall.rawValue,
                        inputs: d.inputs.sorted { $0.path < $1.path }, artifacts: artifacts.sorted { $0.path < $1.path })
        return try ResultFiles.encode(file)
    }

    /// `sha256sum -c` input: "<hash>  <path>" lines, sorted by path.
    static func checksums(_ files: [EvidenceDocument.FileHash]) -> String {
        files.sorted { $0.path < $1.path }.map { "\($0.sha256)  \($0.path)\n" }.joined()
    }

    /// Every regular file below `root`, relative to it, sorted.
    static func files(below root: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var out: [String] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            out.append(BundleLayout.relative(url.path, to: root))
        }
        return out.sorted()
    }

    static func hashAll(_ paths: [String], in root: URL, category: String) throws -> [EvidenceDocument.FileHash] {
        try paths.map { try FileDigest.hash(root.appendingPathComponent($0), as: $0, category: category) }
    }
}

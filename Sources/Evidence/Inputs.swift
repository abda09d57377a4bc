import Foundation
import Scenarios
import Verifier

/// The input files the results depend on, hashed (issue 7 point 3): the
/// package sources (`SourceInventory`), every scenario file read (copied
/// into the bundle under `scenarios/` as well, so the configuration under
/// assessment travels with its evidence) and every conformance trace. Paths
/// inside the package tree are relative to its root; others are absolute.
enum Inputs {
    static func collect(_ r: EvidenceResults, inventory: SourceInventory, bundle: URL) throws -> [EvidenceDocument.FileHash] {
        var out = try inventory.sources(proofs: r.proof != nil || !r.noninterference.isEmpty, refinement: r.verify.refine != nil)
        var seen = Set<String>()
        for s in r.scenarios {
            guard let source = s.sourcePath, seen.insert(s.name).inserted else { continue }
            let url = URL(fileURLWithPath: source)
            let display = ScenarioLoader.builtInNames.contains(s.name) ? "Sources/Scenarios/BuiltIn/\(s.name).yaml" : place(url, inventory)
            out.append(try FileDigest.hash(url, as: display, category: "scenario"))
            try BundleFiles.write(try Data(contentsOf: url), to: BundleLayout.scenarioCopy(s.name), in: bundle)
        }
        for path in FileList.jsonFiles(under: r.options.verify.conformanceDirectory) {
            let url = URL(fileURLWithPath: path)
            out.append(try FileDigest.hash(url, as: place(url, inventory), category: "conformance trace"))
        }
        return out.sorted { $0.path < $1.path }
    }

    /// Relative to the package root when inside it, else the absolute path.
    static func place(_ url: URL, _ inventory: SourceInventory) -> String {
        guard let root = inventory.root else { return url.standardizedFileURL.path }
        return BundleLayout.relative(url.path, to: root).hasPrefix("/") ? url.standardizedFileURL.path : BundleLayout.relative(url.path, to: root)
    }
}

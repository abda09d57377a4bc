import Foundation
import Refinement
import Scenarios
import Spec

/// Paths and scenarios shared by the refinement tests.
enum Fixtures {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static var conformance: String { packageRoot.appendingPathComponent("Conformance").path }

    static func scenario(_ fixture: String) throws -> Scenario {
        try ScenarioLoader.load(path: packageRoot.appendingPathComponent("Conformance/scenarios/\(fixture).yaml").path)
    }

    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-refine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    /// Options that write nothing unless a directory is given.
    static func options(out: String? = nil, perturbation: Perturbation? = nil) -> RefineOptions {
        var o = RefineOptions()
        o.outDirectory = out
        o.perturbation = perturbation
        return o
    }
}

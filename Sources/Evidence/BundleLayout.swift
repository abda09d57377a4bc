import Foundation

/// Where each kind of file lives inside a bundle (documented in docs/evidence.md).
public enum BundleLayout {
    public static let index = "index.html"
    public static let markdown = "report.md"
    public static let manifest = "manifest.json"
    public static let checksums = "SHA256SUMS"
    public static let sourceChecksums = "sources.sha256"
    public static let document = "results/evidence.json"
    /// Counterexample and divergence traces (`verify`'s --out).
    public static let traces = "traces"
    public static let figures = "figures"
    public static let scenarios = "scenarios"

    public static func checkResults(_ scenario: String) -> String { "results/check-\(slug(scenario)).json" }
    public static let refineResults = "results/refine.json"
    /// The `l4spec-output/1` report of the verify run (times zeroed).
    public static let verifyResults = "results/verify.json"
    public static func noninterferenceResults(_ scenario: String) -> String { "results/noninterference-\(slug(scenario)).json" }
    public static let proveResults = "results/prove.json"
    public static let conformanceResults = "results/conformance.json"
    public static func scenarioCopy(_ scenario: String) -> String { "\(scenarios)/\(slug(scenario)).yaml" }

    /// `path` relative to `root` (paths outside it are returned unchanged).
    public static func relative(_ path: String, to root: URL) -> String {
        let base = root.standardizedFileURL.path
        let file = URL(fileURLWithPath: path).standardizedFileURL.path
        return file.hasPrefix(base + "/") ? String(file.dropFirst(base.count + 1)) : path
    }

    /// A file-name-safe form of a name: letters, digits, '.', '_' and '-'.
    public static func slug(_ s: String) -> String {
        let kept = String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_") ? $0 : "-" })
        let joined = kept.split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-")
        return joined.isEmpty ? "unnamed" : joined
    }
}

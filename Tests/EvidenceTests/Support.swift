@testable import Evidence
import Foundation
import Testing

/// Runs the built `l4spec` binary the way a user does (DESIGN §9 exit codes).
enum CLI {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// The binary built with the tests sits next to the test bundle (also with `--scratch-path`).
    static var binary: URL? {
        let sibling = Bundle.main.bundleURL.appendingPathComponent("l4spec")
        if FileManager.default.isExecutableFile(atPath: sibling.path) { return sibling }
        let debug = packageRoot.appendingPathComponent(".build/debug/l4spec")
        return FileManager.default.isExecutableFile(atPath: debug.path) ? debug : nil
    }

    struct Run {
        var code: Int32
        var out: String
        var err: String
    }

    static func run(_ executable: URL, _ args: [String], in dir: URL = packageRoot, environment: [String: String]? = nil) throws -> Run {
        let o = try #require(ExternalTool(url: executable).run(args, directory: dir, environment: environment), "cannot start \(executable.path)")
        return Run(code: o.status, out: String(decoding: o.stdout, as: UTF8.self), err: o.stderr)
    }

    static func l4spec(_ args: [String], environment: [String: String]? = nil) throws -> Run {
        let exe = try #require(binary, "build the l4spec product first (./run-tests does)")
        return try run(exe, args, environment: environment)
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-evidence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Every regular file below `root`, relative, sorted.
    static func files(below root: URL) -> [String] {
        let walker = FileManager.default.enumerator(atPath: root.path)
        var out: [String] = []
        while let item = walker?.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(item).path, isDirectory: &isDir), !isDir.boolValue { out.append(item) }
        }
        return out.sorted()
    }
}

/// One small bundle shared by the tests that only read it: one scenario with
/// two declared violations (so there are counterexample diagrams), one proof
/// family, a small refinement replay.
enum SharedBundle {
    /// The proof budget of 1 ms lets exactly one system-call family start (task.cap_valid, first; the
    /// budget is checked before each family, and the first takes far longer) and leaves the others
    /// "not attempted", so two runs agree; the long Z3 limit keeps the attempted proof from depending
    /// on the machine's load. (A 1 s budget let a second family start when the first was quick.)
    static let arguments = ["insecure-buffer-reuse", "--workers", "1", "--prove-property", "CAP-1", "--prove-timeout-ms", "60000",
                            "--prove-budget", "0.001", "--refine-edges-states", "300", "--refine-walks", "20"]
    static let environment: [String: String] = {
        var env = ProcessInfo.processInfo.environment
        env["SOURCE_DATE_EPOCH"] = "1767225600"   // 2026-01-01T00:00:00Z
        return env
    }()

    /// Writes a bundle into a fresh directory; returns it with the run.
    static func write() throws -> (dir: URL, run: CLI.Run) {
        let dir = try CLI.temporaryDirectory().appendingPathComponent("bundle")
        let r = try CLI.l4spec(["evidence", "--out", dir.path] + arguments, environment: environment)
        return (dir, r)
    }

    /// Written once per test process.
    static let first: Result<URL, Error> = Result {
        let (dir, r) = try write()
        guard r.code == 0 else { throw BundleFailed(message: "exit \(r.code): \(r.out)\(r.err)") }
        return dir
    }

    static func directory() throws -> URL { try first.get() }
}

struct BundleFailed: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

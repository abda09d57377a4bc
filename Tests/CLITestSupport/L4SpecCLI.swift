import Evidence
import Foundation

/// The built `l4spec` binary run the way a user runs it, shared by the test
/// targets that check exit codes and messages (DESIGN §9).
public enum L4SpecCLI {
    public struct Run: Sendable {
        public var code: Int32
        public var out: String
        public var err: String
    }

    public struct NotBuilt: Error, CustomStringConvertible {
        public var description: String { "build the l4spec product first (./run-tests does)" }
    }

    /// The binary built with the tests sits next to the test bundle (also with
    /// `swift test --scratch-path X`); it is preferred to another build's binary.
    public static func binary(packageRoot: URL) -> URL? {
        let candidates = [Bundle.main.bundleURL.appendingPathComponent("l4spec")]
            + ["debug", "release"].map { packageRoot.appendingPathComponent(".build/\($0)/l4spec") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs `l4spec args` in `directory`, with `environment` added to this
    /// process's (through `ExternalTool`, which drains standard error on
    /// another thread, so a command that fills one pipe cannot deadlock).
    public static func run(_ args: [String], packageRoot: URL, directory: URL? = nil,
                           environment: [String: String] = [:]) throws -> Run {
        guard let exe = binary(packageRoot: packageRoot) else { throw NotBuilt() }
        let merged = environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        guard let o = ExternalTool(url: exe).run(args, directory: directory ?? packageRoot, environment: merged) else {
            throw CannotStart(path: exe.path)
        }
        return Run(code: o.status, out: String(decoding: o.stdout, as: UTF8.self), err: o.stderr)
    }

    public struct CannotStart: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "cannot start \(path)" }
    }
}

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
    /// process's. Standard error is drained on another thread, so a command
    /// that fills one pipe while the other is read cannot deadlock the test.
    public static func run(_ args: [String], packageRoot: URL, directory: URL? = nil,
                           environment: [String: String] = [:]) throws -> Run {
        guard let exe = binary(packageRoot: packageRoot) else { throw NotBuilt() }
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        p.currentDirectoryURL = directory ?? packageRoot
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let errData = Drain(err.fileHandleForReading)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(code: p.terminationStatus, out: String(decoding: o, as: UTF8.self),
                   err: String(decoding: errData.wait(), as: UTF8.self))
    }
}

/// Reads a pipe to its end on another thread.
final class Drain: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        DispatchQueue.global().async {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

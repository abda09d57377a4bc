import Foundation

/// A program the bundle uses when it is installed (Graphviz `dot`, `git`),
/// found on PATH like a shell would. Neither is required: without `dot` the
/// bundle keeps the DOT sources and says so; without `git` the commit is
/// "unknown". Also the process runner of the command-line tests
/// (`Tests/CLITestSupport`), so pipes are drained one way everywhere.
public struct ExternalTool: Sendable {
    public let url: URL

    public init(url: URL) { self.url = url }

    /// The first executable `name` on PATH, if any.
    public static func find(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> ExternalTool? {
        let path = environment["PATH"] ?? ""
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return ExternalTool(url: candidate) }
        }
        return nil
    }

    public struct Output: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: String
    }

    /// Runs the tool to completion; `input` is written to its standard input.
    /// Nil when it cannot be started.
    public func run(_ arguments: [String], input: Data? = nil, directory: URL? = nil, environment: [String: String]? = nil) -> Output? {
        let p = Process()
        p.executableURL = url
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = directory }
        if let environment { p.environment = environment }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input == nil ? FileHandle.nullDevice : inp
        do { try p.run() } catch { return nil }
        if let input {
            // Written from another thread so a tool that fills its output pipe first cannot deadlock us.
            let writer = inp.fileHandleForWriting
            DispatchQueue.global().async {
                writer.write(input)
                try? writer.close()
            }
        }
        let errData = ReadAll(err.fileHandleForReading)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: o, stderr: String(decoding: errData.wait(), as: UTF8.self))
    }
}

/// Reads a pipe to its end on another thread (stdout and stderr together
/// would otherwise deadlock when the tool fills the one not being read).
final class ReadAll: @unchecked Sendable {
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

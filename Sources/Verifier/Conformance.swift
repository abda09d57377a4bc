import Scenarios
import Spec

/// The hand-written conformance suite (top-level `Conformance/`): traces with
/// expected results, each naming the reference section it checks.
public struct ConformanceResult: Sendable {
    public var path: String
    public var group: String
    public var reference: String?
    public var run: TraceRun?
    public var inputError: InputError?
    public var passed: Bool { inputError == nil && (run?.passed ?? false) }
}

public enum ConformanceSuite {
    /// Runs every `*.json` under `directory` (sorted, so the order is stable).
    public static func run(directory: String) -> [ConformanceResult] {
        FileList.jsonFiles(under: directory).map { path in
            let relative = String(path.dropFirst(directory.count)).drop { $0 == "/" }
            let group = relative.split(separator: "/").dropLast().first.map(String.init) ?? "."
            do throws(InputError) {
                let (trace, scenario) = try TraceRunner.load(path: path)
                return ConformanceResult(path: path, group: group, reference: trace.reference, run: TraceRunner.run(trace, on: scenario))
            } catch {
                return ConformanceResult(path: path, group: group, reference: nil, run: nil, inputError: error)
            }
        }
    }
}

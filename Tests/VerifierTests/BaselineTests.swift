import Foundation
import Scenarios
import Testing
@testable import Verifier

/// `verify --baseline` / `--write-baseline` (docs/output.md#baselines).
@Suite struct BaselineTests {
    static func record(_ cap: ResultCapability, _ subject: String, _ property: String?, _ verdict: String, _ outcome: ResultOutcome) -> ResultRecord {
        ResultRecord(capability: cap, subject: subject, property: property, method: "m", verdict: verdict, outcome: outcome, seconds: 0, detail: "d")
    }

    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("baseline-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func writtenBaseline_loadsBack_oneVerdictPerLine() throws {
        let report = OutputReport(command: "verify", tool: ToolInfo(version: "1"), results: [
            Self.record(.check, "two-partitions", "CAP-1", "holds", .pass),
            Self.record(.prove, "task.map(object)", "CAP-2", "unknown", .pass),
            Self.record(.refine, "edges realtime", nil, "agree", .pass),
        ], seconds: 0)
        let text = Baseline(report).encoded(toolVersion: "1", settings: [Setting("a", "b")])
        #expect(text.contains("\n    {\"key\": \"check | two-partitions | CAP-1\", \"verdict\": \"holds\"},\n"))
        #expect(try Baseline.load(path: Self.write(text)) == Baseline(report))
    }

    @Test func apply_failsOnlyOnAChange() {
        let baseline = Baseline(verdicts: [
            "check | s | CAP-1": "holds", "check | s | CAP-2": "violated", "check | s | CAP-3": "violated",
            "prove | f | MAP-1": "proved", "prove | f | MAP-2": "unknown", "refine | edges s | -": "agree", "run | gone | -": "pass",
        ])
        var results = [
            Self.record(.check, "s", "CAP-1", "holds", .pass),          // same
            Self.record(.check, "s", "CAP-2", "violated", .fail),       // adopted: a known violation passes
            Self.record(.check, "s", "CAP-3", "holds", .pass),          // violation no longer found: a change
            Self.record(.prove, "f", "MAP-1", "unknown", .pass),        // a limit where there was a proof
            Self.record(.prove, "f", "MAP-2", "proved", .pass),         // an improvement
            Self.record(.refine, "edges s", nil, "diverged", .fail),    // a new divergence
            Self.record(.check, "new", "CAP-1", "violated", .fail),     // not in the baseline: unchanged
        ]
        let notRun = baseline.apply(to: &results)
        #expect(results.map(\.outcome) == [.pass, .pass, .fail, .inconclusive, .pass, .fail, .fail])
        #expect(results[2].detail == "d (baseline: violated)")
        #expect(results[1].expected == "violated")
        #expect(results[6].expected == nil)
        #expect(notRun == ["run | gone | -"])
    }

    @Test func badBaseline_namesFileLineAndField() throws {
        func error(_ text: String) throws -> InputError {
            let path = try Self.write(text)
            do {
                _ = try Baseline.load(path: path)
            } catch {
                #expect(error.file == path)
                return error
            }
            Issue.record("accepted: \(text)")
            return InputError(file: "", line: nil, field: "", message: "")
        }
        let syntax = try error("{\n  \"schema\": \"l4spec-baseline/1\",\n  \"verdicts\": [ oops ]\n}\n")
        #expect(syntax.field == "json")
        let schema = try error("{\n  \"schema\": \"l4spec-baseline/9\",\n  \"verdicts\": []\n}\n")
        #expect((schema.line, schema.field) == (2, "schema"))
        let verdict = try error("{\"schema\": \"l4spec-baseline/1\",\n \"verdicts\": [\n  {\"key\": \"a\", \"verdict\": \"holds\"},\n  {\"key\": \"b\", \"verdict\": \"fine\"}\n]}\n")
        #expect((verdict.line, verdict.field) == (4, "verdicts[1].verdict"))
        #expect(verdict.message.contains("violated"))
        let twice = try error("{\"schema\": \"l4spec-baseline/1\",\n \"verdicts\": [\n  {\"key\": \"a\", \"verdict\": \"holds\"},\n  {\"key\": \"a\", \"verdict\": \"holds\"}\n]}\n")
        #expect((twice.line, twice.field) == (4, "verdicts[1].key"))
        #expect(throws: InputError.self) { try Baseline.load(path: "/nonexistent/baseline.json") }
    }
}

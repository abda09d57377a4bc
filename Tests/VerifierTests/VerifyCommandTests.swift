import Foundation
import Testing
import Verifier

/// `l4spec verify` and `--format json|junit|sarif` of every subcommand
/// through the built binary, on one small scenario with tight bounds, the
/// files validated by jsonschema (output and SARIF schemas) and junitparser.
@Suite(.serialized) struct VerifyCommandTests {
    let cli = CommandLineTests()

    static func temp() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-verify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Small bounds: one scripted scenario, CAP-1 proved for the first family
    /// only (a 1 ms prove budget), 20 walks, a 200-state edge cap.
    static func small(_ dir: URL) -> [String] {
        ["verify", "insecure-buffer-reuse", "--workers", "1", "--prove-property", "CAP-1", "--prove-budget", "0.001",
         "--refine-walks", "20", "--refine-edges-states", "200", "--out", dir.appendingPathComponent("out").path]
    }

    @Test func verify_oneTable_machineFiles_andABaselineRoundTrip() throws {
        let dir = try Self.temp()
        let file = { (name: String) in dir.appendingPathComponent(name).path }
        let r = try cli.l4spec(Self.small(dir) + ["--json-out", file("v.json"), "--junit-out", file("v.xml"), "--sarif-out", file("v.sarif"),
                                                  "--write-baseline", file("baseline.json")])
        #expect(r.code == 0, "\(r.out)\(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("capability") == true)
        for row in ["conformance  ipc", "check        insecure-buffer-reuse", "prove        task.cap_valid", "refine       edges insecure-buffer-reuse",
                    "refine       random walks (seed 1, length 40)", "refine       conformance traces on both sides"] {
            #expect(lines.contains { $0.hasPrefix(row) }, "no row \(row) in\n\(r.out)")
        }
        #expect(lines.contains { $0.hasPrefix("check") && $0.contains("as expected: CAP-2, MAP-3 violated") })
        #expect(lines.contains { $0.hasPrefix("prove        task.map(object)") && $0.contains("not attempted") })
        #expect(r.out.contains("Policy:\n") && r.out.contains("refine.edges.max_states: 200"))
        let total = try #require(lines.last)
        // One obligation (CAP-1 for task.cap_valid) per family; only the first family starts within the budget.
        let families = ProofFamily.allCases.count
        #expect(total.hasPrefix("PASS: conformance ") && total.contains("prove 1/\(families) proved, \(families - 1) not proved") && total.hasSuffix("exit 0"),
                "\(total)")
        #expect(r.err.contains("check insecure-buffer-reuse: ") && r.err.contains("prove task.cap_valid: 1/1 proved"))

        let json = try String(contentsOfFile: file("v.json"), encoding: .utf8)
        try OutputValidation.expectValidOutput(json)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let total_ = try #require((doc["summary"] as? [String: Any])?["total"] as? Int)
        let junit = try OutputValidation.junit(try String(contentsOfFile: file("v.xml"), encoding: .utf8))
        #expect(junit.tests == total_)
        #expect((junit.failures, junit.errors) == (0, 0))
        #expect(junit.skipped == families - 1)  // the unproved obligations: never shown as passed
        try OutputValidation.expectValidSarif(try String(contentsOfFile: file("v.sarif"), encoding: .utf8))

        // The same run against its own baseline passes; a changed expectation fails.
        let fast = Self.small(dir) + ["--no-prove", "--no-refine"]
        let same = try cli.l4spec(fast + ["--baseline", file("baseline.json")])
        #expect(same.code == 0, "\(same.out)\(same.err)")
        #expect(same.out.contains("baseline entries not produced by this run"))
        var text = try String(contentsOfFile: file("baseline.json"), encoding: .utf8)
        let entry = "{\"key\": \"check | insecure-buffer-reuse | CAP-2\", \"verdict\": \"violated\"}"
        #expect(text.contains(entry))
        text = text.replacingOccurrences(of: entry, with: "{\"key\": \"check | insecure-buffer-reuse | CAP-2\", \"verdict\": \"holds\"}")
        try text.write(toFile: file("changed.json"), atomically: true, encoding: .utf8)
        let changed = try cli.l4spec(fast + ["--baseline", file("changed.json")])
        #expect(changed.code == 1, "\(changed.out)\(changed.err)")
        #expect(changed.out.contains("FAIL check insecure-buffer-reuse CAP-2: violated, expected holds"))
    }

    @Test func verify_badInput_exits2_beforeRunning() throws {
        let dir = try Self.temp()
        let bad = dir.appendingPathComponent("bad.json").path
        try "{\n  \"schema\": \"nope\",\n  \"verdicts\": []\n}\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let r = try cli.l4spec(Self.small(dir) + ["--baseline", bad])
        #expect(r.code == 2)
        #expect(r.err.contains("\(bad):2: schema:"))
        let p = try cli.l4spec(["verify", "--prove-property", "NOPE-1"])
        #expect(p.code == 2 && p.err.contains("NOPE-1"))
        let s = try cli.l4spec(["verify", "no-such-scenario", "--no-prove", "--no-refine"])
        #expect(s.code == 2, "\(s.out)\(s.err)")
        let w = try cli.l4spec(Self.small(dir) + ["--junit-out", "/nonexistent-dir/v.xml"])
        #expect(w.code == 2 && w.err.contains("--junit-out"), "\(w.err)")
    }

    /// `run` in the machine formats: a passing and a failing trace.
    @Test func run_formats() throws {
        let dir = try Self.temp()
        let trace = dir.appendingPathComponent("mismatch.json").path
        try """
        {"format": "l4spec-trace/1", "scenario": "realtime",
         "events": [ {"tick": 0}, {"cpu": 0, "op": "ipc.sleep", "timeout": "zero"} ],
         "expect": [ null, {"result": "SECANCELED"} ]}
        """.write(toFile: trace, atomically: true, encoding: .utf8)
        let j = try cli.l4spec(["run", trace, "--format", "json"])
        #expect(j.code == 1, "\(j.out)\(j.err)")
        try OutputValidation.expectValidOutput(j.out)
        let x = try cli.l4spec(["run", trace, "--format", "junit"])
        #expect(x.code == 1)
        let junit = try OutputValidation.junit(x.out)
        #expect((junit.tests, junit.failures) == (1, 1))
        #expect(junit.cases.first?.message?.hasPrefix("step 1:") == true)
        let s = try cli.l4spec(["run", trace, "--format", "sarif"])
        #expect(s.code == 1)
        try OutputValidation.expectValidSarif(s.out)
        #expect(s.out.contains("mismatch.json"))
        let ok = try cli.l4spec(["run", "Conformance/ipc/" + (try FileManager.default.contentsOfDirectory(atPath: CommandLineTests.packageRoot.appendingPathComponent("Conformance/ipc").path).sorted().first ?? ""), "--format", "junit"])
        #expect(ok.code == 0, "\(ok.out)\(ok.err)")
        #expect(try OutputValidation.junit(ok.out).failures == 0)
    }

    /// `check` and `refine` JSON is the shared envelope with their own document inside.
    @Test func checkAndRefine_json_isTheEnvelope() throws {
        let dir = try Self.temp()
        let c = try cli.l4spec(["check", "insecure-mixed-criticality", "--property", "CAP-2", "--workers", "1", "--format", "json",
                                "--out", dir.path])
        #expect(c.code == 1)
        try OutputValidation.expectValidOutput(c.out)
        #expect(c.out.contains("\"format\" : \"l4spec-check/1\"") || c.out.contains("\"format\": \"l4spec-check/1\""))
        let r = try cli.l4spec(["refine", "--edges", "factory-quota", "--max-depth", "1", "--format", "sarif", "--out", dir.path])
        #expect(r.code == 0, "\(r.err)")
        try OutputValidation.expectValidSarif(r.out)
    }
}

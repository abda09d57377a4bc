import Foundation
import Testing

/// End-to-end runs of the built `l4spec` binary: exit codes and messages as a
/// user sees them (DESIGN §9).
@Suite(.serialized) struct CommandLineTests {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static var binary: URL? {
        let fm = FileManager.default
        for config in ["debug", "release"] {
            let candidate = packageRoot.appendingPathComponent(".build/\(config)/l4spec")
            if fm.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        // `swift test --scratch-path X`: the test bundle sits next to the binary.
        let bundleDir = Bundle.main.bundleURL
        let sibling = bundleDir.appendingPathComponent("l4spec")
        return fm.isExecutableFile(atPath: sibling.path) ? sibling : nil
    }

    struct Run {
        var code: Int32
        var out: String
        var err: String
    }

    func l4spec(_ args: [String], in dir: URL? = nil) throws -> Run {
        let exe = try #require(Self.binary, "build the l4spec product first (./run-tests does)")
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        p.currentDirectoryURL = dir ?? Self.packageRoot
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(code: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    func temp(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func verify_passesTheConformanceSuite() throws {
        let r = try l4spec(["verify"])
        #expect(r.code == 0, "\(r.out)\(r.err)")
        #expect(r.out.contains("PASS: conformance"))
    }

    @Test func list_namesEveryBuiltIn() throws {
        let r = try l4spec(["list"])
        #expect(r.code == 0)
        for name in ["two-partitions", "client-server", "revocation-chain", "irq-driver", "realtime", "factory-quota"] {
            #expect(r.out.contains(name))
        }
    }

    @Test func usageError_exits2() throws {
        let r = try l4spec(["run"])
        #expect(r.code == 2)
        let bogus = try l4spec(["no-such-command"])
        #expect(bogus.code == 2)
    }

    @Test func run_missingFile_exits2WithTheFileName() throws {
        let r = try l4spec(["run", "/nonexistent/trace.json"])
        #expect(r.code == 2)
        #expect(r.err.contains("/nonexistent/trace.json"))
    }

    @Test func run_malformedJSON_exits2() throws {
        let path = try temp("bad.json", "{ \"format\": \"l4spec-trace/1\", \n \"events\": [ }")
        let r = try l4spec(["run", path])
        #expect(r.code == 2)
        #expect(r.err.contains("bad.json"))
        #expect(!r.err.contains("Fatal error"))
    }

    @Test func run_unknownOp_exits2NamingTheLine() throws {
        let json = """
        {"format": "l4spec-trace/1", "scenario": "realtime",
         "events": [
           {"cpu": 0, "op": "ipc.teleport", "cap": 1}
         ]}
        """
        let path = try temp("unknown-op.json", json)
        let r = try l4spec(["run", path])
        #expect(r.code == 2)
        #expect(r.err.contains("unknown-op.json:3"))
        #expect(r.err.contains("ipc.teleport"))
    }

    @Test func run_missingScenario_exits2() throws {
        let path = try temp("t.json", #"{"format": "l4spec-trace/1", "scenario": "no-such-system", "events": []}"#)
        let r = try l4spec(["run", path])
        #expect(r.code == 2)
        #expect(r.err.contains("no-such-system"))
    }

    @Test func run_expectationMismatch_exits1NamingTheStep() throws {
        let json = """
        {"format": "l4spec-trace/1", "scenario": "realtime",
         "events": [ {"tick": 0}, {"cpu": 0, "op": "ipc.sleep", "timeout": "zero"} ],
         "expect": [ null, {"result": "SECANCELED"} ]}
        """
        let path = try temp("mismatch.json", json)
        let r = try l4spec(["run", path])
        #expect(r.code == 1, "\(r.out)\(r.err)")
        #expect(r.out.contains("step 1"))
    }

    @Test func run_printsDiffAndFullState() throws {
        let json = """
        {"format": "l4spec-trace/1", "scenario": "realtime",
         "events": [ {"cpu": 0, "op": "ipc.sleep", "timeout": "zero"} ],
         "expect": [ {"result": "RETIMEOUT"} ]}
        """
        let path = try temp("sleep.json", json)
        let diff = try l4spec(["run", path])
        #expect(diff.code == 0, "\(diff.out)\(diff.err)")
        #expect(diff.out.contains("RETIMEOUT"))
        let full = try l4spec(["run", "--state", path])
        #expect(full.code == 0)
        #expect(full.out.contains(".state = "))
    }

    @Test func bench_step_reportsRates() throws {
        let r = try l4spec(["bench", "step", "--events", "2000"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("state size"))
        #expect(r.out.contains("allocs/step"))
        let bad = try l4spec(["bench", "step", "--events", "0"])
        #expect(bad.code == 2)
    }

    /// An explicit `--max-depth` is a limit (inconclusive, exit 3); only the
    /// scenario's own depth bound is a stated bound a verdict may hold within.
    @Test func check_depthLimit_reportsEachProperty_inconclusive() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-check-\(UUID().uuidString)").path
        let r = try l4spec(["check", "revocation-chain", "--property", "CAP-1", "--property", "MEM-1", "--max-depth", "2",
                            "--workers", "1", "--out", out])
        #expect(r.code == 3, "\(r.out)\(r.err)")
        #expect(r.out.contains("CAP-1"))
        #expect(r.out.contains("MEM-1"))
        #expect(r.out.contains("depth: the depth bound 2 was reached"))
    }

    @Test func check_unknownProperty_exits2() throws {
        let r = try l4spec(["check", "revocation-chain", "--property", "CAP-99"])
        #expect(r.code == 2)
        #expect(r.err.contains("CAP-99"))
    }

    @Test func check_stateLimit_isInconclusive_exit3() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-check-\(UUID().uuidString)").path
        let r = try l4spec(["check", "two-partitions", "--property", "CAP-1", "--max-states", "50", "--workers", "1", "--out", out])
        #expect(r.code == 3, "\(r.out)\(r.err)")
        #expect(r.out.contains("inconclusive"))
    }

    /// issue "State explorer", point 4: a violation is written as a trace that
    /// `l4spec run` replays to the same violation. revocation-chain's policy has
    /// no B → A flow, yet its story maps a's page writably into b (CAP-2).
    @Test func check_counterexample_replaysToTheSameViolation() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-cx-\(UUID().uuidString)").path
        let c = try l4spec(["check", "revocation-chain", "--property", "CAP-2", "--workers", "1", "--out", out])
        #expect(c.code == 1, "\(c.out)\(c.err)")
        #expect(c.out.contains("violated"))
        let trace = out + "/revocation-chain-CAP-2.json"
        #expect(FileManager.default.fileExists(atPath: trace))
        let r = try l4spec(["run", trace])
        #expect(r.code == 1, "\(r.out)\(r.err)")
        #expect(r.out.contains("VIOLATION: CAP-2 is violated after step"))
    }
}

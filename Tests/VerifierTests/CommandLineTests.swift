import CLITestSupport
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

    typealias Run = L4SpecCLI.Run

    func l4spec(_ args: [String], in dir: URL? = nil) throws -> Run {
        try L4SpecCLI.run(args, packageRoot: Self.packageRoot, directory: dir)
    }

    func temp(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The whole default `verify` explores every built-in for minutes in a debug
    /// build; one small built-in keeps this test fast.
    @Test func verify_passesTheConformanceSuiteAndChecksAScenario() throws {
        let r = try l4spec(["verify", "insecure-buffer-reuse", "--workers", "1", "--no-prove", "--no-refine"])
        #expect(r.code == 0, "\(r.out)\(r.err)")
        #expect(r.out.split(separator: "\n").contains { $0.hasPrefix("check ") && $0.contains(" insecure-buffer-reuse  as expected: CAP-2, MAP-3 violated") })
        #expect(r.out.contains("PASS: conformance "))
        #expect(r.out.contains(" as expected (2 violations expected) — "))
    }

    /// Issue 5 point 2: `prove --differential` compares every encoded edge of
    /// every explored state, with any number of workers; a state cap that cuts
    /// the run exits 3, bad input 2.
    @Test func proveDifferential_agrees_cutExits3_badInputExits2() throws {
        let yaml = """
            name: tiny-task
            description: One adversarial thread holding its own task and thread.
            bounds: {slots: 3, pages: 1, depth: 2, words: 0, word_values: [0], labels: [0]}
            tasks:
              - name: app
                caps:
                  - {slot: 1, object: app, rights: RWSD}
                  - {slot: 2, object: main, rights: RWSD}
                memory:
                  - {page: 0, frame: 0, rights: RW}
            threads:
              - {name: main, task: app, behaviour: any}
            """
        let path = try temp("tiny-task.yaml", yaml)
        let r = try l4spec(["prove", "--differential", path])
        #expect(r.code == 0, "\(r.out)\(r.err)")
        #expect(r.out.contains("tiny-task  117     2      2021   761       608           761    0       agree "), "\(r.out)")
        // The report does not depend on the number of workers (but the time).
        func rows(_ out: String) -> [String] { out.split(separator: "\n").filter { $0.hasPrefix("tiny-task") }.map { String($0.prefix(70)) } }
        let one = try l4spec(["prove", "--differential", path, "--workers", "1"]), three = try l4spec(["prove", "--differential", path, "--workers", "3"])
        #expect(one.code == 0 && three.code == 0 && rows(one.out) == rows(r.out) && rows(three.out) == rows(r.out), "\(one.out)\(three.out)")
        #expect(one.out.contains("1 worker, ") && three.out.contains("3 workers, "))
        #expect(try l4spec(["prove", "--differential", path, "--workers", "0"]).code == 2)
        let cut = try l4spec(["prove", "--differential", path, "--max-states", "60"])
        #expect(cut.code == 3, "\(cut.out)\(cut.err)")
        #expect(cut.out.contains("agree (cut at 60 states)"))
        #expect(try l4spec(["prove", "--differential", "nosuch"]).code == 2)
        #expect(try l4spec(["prove", "--differential", path, "--max-states", "0"]).code == 2)
        #expect(try l4spec(["prove", "--differential", path, "--bmc", "1"]).code == 2)
    }

    @Test func proveFamily_provesOneFamily_unknownFamilyExits2() throws {
        let r = try l4spec(["prove", "--family", "task.cap_valid", "--property", "CAP-1", "--format", "json"])
        #expect(r.code == 0, "\(r.out)\(r.err)")
        #expect(r.out.contains("task.cap_valid") && !r.out.contains("task.map(object)"), "\(r.out)")
        let bad = try l4spec(["prove", "--family", "task.nosuch"])
        #expect(bad.code == 2)
        #expect(bad.err.contains("unknown family 'task.nosuch'"), "\(bad.err)")
    }

    @Test func verify_expectationMismatch_exits1_unknownProperty_exits2() throws {
        let yaml = """
            name: tiny
            description: One adversarial thread with a capability to itself only.
            bounds: {slots: 2, pages: 0, depth: 3, words: 0, word_values: [0], labels: [0]}
            tasks:
              - {name: app, caps: [{slot: 1, object: main, rights: RWSD}]}
            threads:
              - {name: main, task: app, behaviour: any}
            expect:
              CAP-2: violated
            """
        let path = try temp("tiny.yaml", yaml)
        let r = try l4spec(["verify", path, "--workers", "1", "--no-prove", "--no-refine"])
        #expect(r.code == 1, "\(r.out)\(r.err)")
        #expect(r.out.contains("FAIL: CAP-2 holds, expected violated"))
        let unknown = try temp("tiny.yaml", yaml.replacingOccurrences(of: "CAP-2", with: "CAP-0"))
        let u = try l4spec(["verify", unknown, "--workers", "1", "--no-prove", "--no-refine"])
        #expect(u.code == 2, "\(u.out)\(u.err)")
        #expect(u.out.contains("\(unknown):9: expect.CAP-0: unknown property 'CAP-0'"))
        let c = try l4spec(["check", unknown, "--workers", "1"])
        #expect(c.code == 2)
        #expect(c.err.contains("\(unknown):9: expect.CAP-0: unknown property 'CAP-0'"))
    }

    @Test func list_namesEveryBuiltIn() throws {
        let r = try l4spec(["list"])
        #expect(r.code == 0)
        for name in ["two-partitions", "client-server", "revocation-chain", "irq-driver", "realtime", "factory-quota",
                     "insecure-mixed-criticality", "insecure-buffer-reuse", "insecure-unrevocable-ec", "insecure-revocation-exit"] {
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

    /// Reference counting (issue "Z3 proofs", point 1): 10⁵ push/assert/
    /// check/pop queries on one solver, each over fresh numerals (Z3
    /// hash-conses equal terms), must not grow the resident set between
    /// query 10⁴ and the end. Measured in its own process: the test process
    /// runs other suites in parallel, whose allocations would count. With
    /// the `Z3_dec_ref` in `Expr.deinit` removed, 2·10⁴ queries grow the
    /// resident set by 140 MB.
    @Test func smtQueries_doNotLeak() throws {
        let r = try l4spec(["bench", "smt", "--queries", "100000"])
        #expect(r.code == 0, "\(r.err)")
        let growth = r.out.split(separator: "\n").first { $0.contains("growth: ") }.flatMap { line in
            line.components(separatedBy: "growth: ").last?.split(separator: " ").first.flatMap { Double($0) }
        }
        let mb = try #require(growth, "no growth figure in: \(r.out)")
        #expect(mb < 16, "resident set grew by \(mb) MB over 9·10⁴ queries")
    }

    @Test func bench_smt_and_explore_reportTheirNumbers_andRejectBadBounds() throws {
        let smt = try l4spec(["bench", "smt", "--queries", "200"])
        #expect(smt.code == 0, "\(smt.err)")
        #expect(smt.out.contains("µs/query"))
        #expect(smt.out.contains("growth"))
        let explore = try l4spec(["bench", "explore", "--only", "forest", "--workers", "1", "--max-states", "5000"])
        #expect(explore.code == 0, "\(explore.err)")
        #expect(explore.out.contains("forest 3×2 O=2 R=3"))
        #expect(explore.out.contains("inconclusive: states"))
        #expect(try l4spec(["bench", "smt", "--queries", "3"]).code == 2)
        #expect(try l4spec(["bench", "explore", "--only", "bogus"]).code == 2)
        #expect(try l4spec(["bench", "explore", "--workers", "0"]).code == 2)
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
    /// `l4spec run` replays to the same violation. In insecure-mixed-criticality
    /// the VMM's first step hands compute a capability to the RTOS task (CAP-2).
    @Test func check_counterexample_replaysToTheSameViolation() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-cx-\(UUID().uuidString)").path
        let c = try l4spec(["check", "insecure-mixed-criticality", "--property", "CAP-2", "--workers", "1", "--out", out])
        #expect(c.code == 1, "\(c.out)\(c.err)")
        #expect(c.out.contains("violated"))
        let trace = out + "/insecure-mixed-criticality-CAP-2.json"
        #expect(FileManager.default.fileExists(atPath: trace))
        let r = try l4spec(["run", trace])
        #expect(r.code == 1, "\(r.out)\(r.err)")
        #expect(r.out.contains("VIOLATION: CAP-2 is violated after step"))
    }

    /// `check --symmetry` names the interchangeable tasks, and its counterexample
    /// (found on the reduced system, written from the full one) replays.
    @Test func check_symmetry_namesTheGroups_andItsTraceReplays() throws {
        let file = try temp("symmetric-clients.yaml", SymmetryTests.clientsYAML)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-sym-\(UUID().uuidString)").path
        let c = try l4spec(["check", file, "--symmetry", "--property", "INFO-1", "--workers", "1", "--out", out])
        #expect(c.code == 1, "\(c.out)\(c.err)")
        #expect(c.out.contains("symmetry: interchangeable tasks {client1, client2}"), "\(c.out)")
        let r = try l4spec(["run", out + "/symmetric-clients-INFO-1.json"])
        #expect(r.out.contains("VIOLATION: INFO-1 is violated after step"), "\(r.out)\(r.err)")
        let plain = try l4spec(["check", "two-partitions", "--symmetry", "--property", "CAP-1", "--max-depth", "1", "--workers", "1", "--out", out])
        #expect(plain.out.contains("symmetry: no interchangeable tasks"), "\(plain.out)")
    }
}

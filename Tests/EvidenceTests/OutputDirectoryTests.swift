import Evidence
import Foundation
import Testing

/// `--out` that cannot or must not be written (issue 7 point 5): exit 2, a
/// message naming the path, and nothing written or left behind. The tests
/// run as root in CI, so "unwritable" is a path below a regular file and a
/// directory in /proc, which root cannot write either.
@Suite(.serialized) struct OutputDirectoryTests {
    /// Runs `evidence --out path` on a tiny job; the output checks come before any work.
    func evidence(_ out: String, _ extra: [String] = []) throws -> CLI.Run {
        try CLI.l4spec(["evidence", "--out", out, "insecure-buffer-reuse", "--workers", "1", "--no-prove", "--no-refine"] + extra)
    }

    /// No staging or moved-aside directory is left next to `out`.
    func noLeftovers(_ parent: URL) -> Bool {
        let items = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        return !items.contains { $0.contains(".l4spec-tmp-") || $0.contains(".l4spec-old-") }
    }

    @Test func outIsAFile_exit2_fileUnchanged() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("notes.txt")
        try Data("keep me".utf8).write(to: file)
        let r = try evidence(file.path)
        #expect(r.code == 2, "\(r.out)\(r.err)")
        #expect(r.err.contains(file.path) && r.err.contains("is a file, not a directory"), "\(r.err)")
        #expect(try String(contentsOf: file, encoding: .utf8) == "keep me")
        #expect(noLeftovers(dir))
    }

    @Test func outBelowARegularFile_exit2() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("plain")
        try Data().write(to: file)
        let out = file.appendingPathComponent("sub/bundle").path
        let r = try evidence(out)
        #expect(r.code == 2, "\(r.out)\(r.err)")
        #expect(r.err.contains(out) && r.err.contains("is a file, not a directory"), "\(r.err)")
        #expect(noLeftovers(dir))
    }

    @Test func outInAnUnwritableDirectory_exit2() throws {
        let out = "/proc/l4spec-evidence-\(UUID().uuidString)"
        let r = try evidence(out)
        #expect(r.code == 2, "\(r.out)\(r.err)")
        #expect(r.err.contains(out) && r.err.contains("cannot write in '/proc'"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func missingParent_exit2_nothingCreated() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("no/such/parent/bundle").path
        let r = try evidence(out)
        #expect(r.code == 2, "\(r.out)\(r.err)")
        #expect(r.err.contains(out) && r.err.contains("does not exist"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("no").path))
    }

    @Test func nonEmptyDirectory_needsForce_andForceReplacesOnlyABundle() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("bundle")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: false)
        try Data("mine".utf8).write(to: out.appendingPathComponent("notes.txt"))
        let plain = try evidence(out.path)
        #expect(plain.code == 2, "\(plain.out)\(plain.err)")
        #expect(plain.err.contains(out.path) && plain.err.contains("is not empty") && plain.err.contains("--force"), "\(plain.err)")
        let forced = try evidence(out.path, ["--force"])
        #expect(forced.code == 2, "\(forced.out)\(forced.err)")
        #expect(forced.err.contains("holds no evidence bundle"), "\(forced.err)")
        #expect(CLI.files(below: out) == ["notes.txt"])
        #expect(noLeftovers(dir))

        // A previous bundle is replaced with --force, and only then.
        try FileManager.default.removeItem(at: out.appendingPathComponent("notes.txt"))
        let first = try evidence(out.path)
        #expect(first.code == 0, "\(first.out)\(first.err)")
        let again = try evidence(out.path)
        #expect(again.code == 2, "\(again.out)\(again.err)")
        let replaced = try evidence(out.path, ["--force"])
        #expect(replaced.code == 0, "\(replaced.out)\(replaced.err)")
        #expect(CLI.files(below: out).contains("manifest.json"))
        #expect(noLeftovers(dir))
    }

    /// Bad input is found before the output directory is touched.
    @Test func badScenarioOrEpoch_exit2_nothingWritten() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("bundle").path
        let r = try CLI.l4spec(["evidence", "--out", out, "no-such-scenario"])
        #expect(r.code == 2, "\(r.out)\(r.err)")
        #expect(r.err.contains("no-such-scenario"))
        var env = ProcessInfo.processInfo.environment
        env["SOURCE_DATE_EPOCH"] = "yesterday"
        let e = try CLI.l4spec(["evidence", "--out", out, "insecure-buffer-reuse"], environment: env)
        #expect(e.code == 2, "\(e.out)\(e.err)")
        #expect(e.err.contains("SOURCE_DATE_EPOCH"))
        #expect(CLI.files(below: dir).isEmpty && noLeftovers(dir))
        let property = try CLI.l4spec(["evidence", "--out", out, "--prove-property", "NOPE-1"])
        #expect(property.code == 2 && property.err.contains("NOPE-1"))
    }

    /// Ctrl-C while the jobs run: exit 130, no bundle, no staging directory left.
    @Test func interrupted_leavesNothingBehind() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("bundle")
        let exe = try #require(CLI.binary, "build the l4spec product first")
        let p = Process()
        p.executableURL = exe
        p.arguments = ["evidence", "--out", out.path, "two-partitions", "--workers", "1", "--no-prove", "--no-refine"]
        p.currentDirectoryURL = CLI.packageRoot
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait for the staging directory: the output was accepted and the jobs are running.
        var staged = false
        for _ in 0..<300 where !staged {
            staged = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).contains { $0.contains(".l4spec-tmp-") }
            if !staged { usleep(20_000) }
        }
        #expect(staged)
        usleep(200_000)
        p.interrupt()
        p.waitUntilExit()
        #expect(p.terminationStatus == 130)
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(noLeftovers(dir))
    }
}

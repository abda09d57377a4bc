import Evidence
import Foundation
import Testing

/// `l4spec evidence` as an assessor uses it (issue 7 points 3 and 4): the
/// bundle's files, its determinism, and hashes that check out.
@Suite(.serialized) struct BundleTests {
    @Test func bundleHasTheReportsTheMatrixAndThePictures() throws {
        let dir = try SharedBundle.directory()
        let files = CLI.files(below: dir)
        for f in ["index.html", "report.md", "manifest.json", "SHA256SUMS", "sources.sha256", "results/evidence.json",
                  "results/check-insecure-buffer-reuse.json", "results/prove.json", "results/refine.json", "results/verify.json",
                  "scenarios/insecure-buffer-reuse.yaml", "figures/authority-insecure-buffer-reuse.svg",
                  "figures/trace-insecure-buffer-reuse-CAP-2.svg", "figures/trace-insecure-buffer-reuse-CAP-2.dot",
                  "traces/insecure-buffer-reuse-CAP-2.json"] {
            #expect(files.contains(f), "missing \(f)")
        }
        let md = try String(contentsOf: dir.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(md.contains("### CAP-2 — Authority confinement"))
        #expect(md.contains("**VIOLATED** (expected)"))
        #expect(md.contains("Generated | 2026-01-01T00:00:00Z (from SOURCE_DATE_EPOCH)"))
        #expect(md.contains("| Inductive proof (Z3), per system call | task.cap_valid — ") && md.contains("**PROVED** ✓"))
        #expect(md.contains("not attempted: verify's prove budget of 0.001 s was used up"))
        let html = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("<table class=\"grid matrix\">"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 3, "three inline figures: the authority graph and two counterexamples")
    }

    /// Two runs on the same sources write byte-identical bundles.
    @Test func twoRunsAreByteIdentical() throws {
        let a = try SharedBundle.directory()
        let (b, r) = try SharedBundle.write()
        defer { try? FileManager.default.removeItem(at: b.deletingLastPathComponent()) }
        #expect(r.code == 0, "\(r.out)\(r.err)")
        let files = CLI.files(below: a)
        #expect(files == CLI.files(below: b))
        for f in files {
            let x = try Data(contentsOf: a.appendingPathComponent(f)), y = try Data(contentsOf: b.appendingPathComponent(f))
            #expect(x == y, "\(f) differs between two runs")
        }
    }

    /// Every hash in manifest.json, SHA256SUMS and sources.sha256 matches its file.
    @Test func everyHashMatchesItsFile() throws {
        let dir = try SharedBundle.directory()
        let data = try Data(contentsOf: dir.appendingPathComponent("manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(manifest["format"] as? String == "l4spec-evidence/1")
        #expect(manifest["generated"] as? String == "2026-01-01T00:00:00Z")
        let artifacts = try #require(manifest["artifacts"] as? [[String: Any]])
        let listed = artifacts.compactMap { $0["path"] as? String }
        #expect(listed == listed.sorted())
        #expect(listed == CLI.files(below: dir).filter { $0 != "manifest.json" && $0 != "SHA256SUMS" })
        for a in artifacts {
            let path = try #require(a["path"] as? String)
            let file = try FileDigest.hash(dir.appendingPathComponent(path), as: path, category: "")
            #expect(a["sha256"] as? String == file.sha256, "\(path)")
            #expect(a["bytes"] as? Int == file.bytes, "\(path)")
        }
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        #expect(inputs.contains { $0["path"] as? String == "Sources/Spec/Syscall.swift" && $0["category"] as? String == "spec" })
        #expect(inputs.contains { $0["path"] as? String == "Properties/Catalogue.swift" })
        #expect(inputs.contains { $0["path"] as? String == "Sources/Scenarios/BuiltIn/insecure-buffer-reuse.yaml" })
        for (file, root) in [("SHA256SUMS", dir), ("sources.sha256", CLI.packageRoot)] {
            let lines = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8).split(separator: "\n")
            #expect(lines.count > 10)
            for line in lines {
                let hash = String(line.prefix(64)), path = String(line.dropFirst(66))
                #expect(try FileDigest.hash(root.appendingPathComponent(path), as: path, category: "").sha256 == hash, "\(file): \(path)")
            }
        }
    }

    /// Without Graphviz the bundle says so and keeps the DOT sources; without git the commit is "unknown".
    @Test func withoutGraphvizOrGit_dotSourcesAreKept() throws {
        let dir = try CLI.temporaryDirectory().appendingPathComponent("bundle")
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        var env = SharedBundle.environment
        env["PATH"] = "/nonexistent"
        let r = try CLI.l4spec(["evidence", "--out", dir.path, "insecure-buffer-reuse", "--workers", "1", "--no-prove", "--no-refine"],
                               environment: env)
        #expect(r.code == 0, "\(r.out)\(r.err)")
        let files = CLI.files(below: dir)
        #expect(files.contains("figures/trace-insecure-buffer-reuse-CAP-2.dot"))
        #expect(!files.contains { $0.hasSuffix(".svg") })
        let html = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("Graphviz (<code>dot</code>) was not found on PATH"))
        #expect(html.contains("The DOT source is kept: <a href=\"figures/trace-insecure-buffer-reuse-CAP-2.dot\">"))
        #expect(!html.contains("<svg"))
        let manifest = try JSONSerialization.jsonObject(with: try Data(contentsOf: dir.appendingPathComponent("manifest.json"))) as? [String: Any]
        #expect(manifest?["commit"] as? String == "unknown")
        #expect(manifest?["graphviz"] == nil)
    }

    /// The matrix is `verify`'s records: every check and prove record of
    /// results/verify.json is a row with the same subject and verdict.
    @Test func matrixAgreesWithVerifysRecords() throws {
        let dir = try SharedBundle.directory()
        func json(_ path: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: try Data(contentsOf: dir.appendingPathComponent(path))) as? [String: Any])
        }
        let records = try #require(try json("results/verify.json")["results"] as? [[String: Any]])
        let requirements = try #require(try json("results/evidence.json")["requirements"] as? [[String: Any]])
        var rows = Set<String>()
        for req in requirements {
            for row in req["rows"] as? [[String: Any]] ?? [] {
                rows.insert("\(req["id"] ?? "") | \(row["subject"] ?? "") | \(row["verdict"] ?? "")")
            }
        }
        let checked = records.filter { ["check", "prove"].contains($0["capability"] as? String) }
        #expect(checked.count > 34)
        for r in checked {
            let key = "\(r["property"] ?? "") | \(r["subject"] ?? "") | \(r["verdict"] ?? "")"
            #expect(rows.contains(key), "no matrix row for \(key)")
        }
        #expect(records.allSatisfy { ($0["seconds"] as? Double) == 0 }, "times are left out of the bundle")
    }
}

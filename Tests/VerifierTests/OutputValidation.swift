import Foundation
import Testing

/// Runs the Python validators of `Tests/Schemas/validate.py` (jsonschema,
/// junitparser) with the interpreter `scripts/ensure-test-deps` set up. When
/// they are missing the test fails with what to run: `./run-tests` installs
/// them, so a CI run never skips these checks.
enum OutputValidation {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static var schemas: URL { packageRoot.appendingPathComponent("Tests/Schemas") }
    static var sarifSchema: String { schemas.appendingPathComponent("sarif-schema-2.1.0.json").path }
    static var outputSchema: String { packageRoot.appendingPathComponent("docs/output.schema.json").path }

    /// `L4SPEC_TEST_PYTHON`, else the venv of `scripts/ensure-test-deps`.
    static var python: String? {
        if let p = ProcessInfo.processInfo.environment["L4SPEC_TEST_PYTHON"], !p.isEmpty { return p }
        let venv = packageRoot.appendingPathComponent(".venv-tests/bin/python3").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    struct Run {
        var code: Int32
        var out: String
    }

    static func validate(_ args: [String]) throws -> Run {
        let py = try #require(python, "no .venv-tests: run scripts/ensure-test-deps (./run-tests does) to install jsonschema and junitparser")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: py)
        p.arguments = [schemas.appendingPathComponent("validate.py").path] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let run = Run(code: p.terminationStatus, out: String(decoding: data, as: UTF8.self))
        #expect(run.code != 2, "validator unusable: \(run.out)")
        return run
    }

    static func file(_ text: String, _ ext: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-out-\(UUID().uuidString).\(ext)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Validates SARIF text against the official SARIF 2.1.0 schema.
    static func expectValidSarif(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try validate(["schema", sarifSchema, try file(text, "sarif")])
        #expect(r.code == 0, "SARIF invalid: \(r.out)", sourceLocation: sourceLocation)
    }

    /// Validates JSON text against docs/output.schema.json.
    static func expectValidOutput(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try validate(["schema", outputSchema, try file(text, "json")])
        #expect(r.code == 0, "l4spec-output/1 invalid: \(r.out)", sourceLocation: sourceLocation)
    }

    /// JUnit as junitparser reads it.
    struct JUnit: Decodable {
        struct Case: Decodable {
            var classname: String?
            var name: String?
            var result: String
            var message: String?
            var text: String?
        }
        struct Suite: Decodable {
            var name: String?
            var tests: Int
            var failures: Int
            var errors: Int
            var skipped: Int
            var cases: [Case]
        }
        var tests: Int
        var failures: Int
        var errors: Int
        var skipped: Int
        var suites: [Suite]
        var cases: [Case] { suites.flatMap(\.cases) }
    }

    static func junit(_ xml: String) throws -> JUnit {
        let r = try validate(["junit", try file(xml, "xml")])
        try #require(r.code == 0, "junitparser: \(r.out)")
        return try JSONDecoder().decode(JUnit.self, from: Data(r.out.utf8))
    }
}

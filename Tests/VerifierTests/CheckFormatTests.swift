import CLITestSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Scenarios
import Spec
import Testing
@testable import Verifier

/// `l4spec check --format junit|sarif` (docs/check-formats.md) on two reports
/// of insecure-mixed-criticality: with depth bound 2, CAP-2 is violated after one step
/// and CAP-1 holds within the bound; under the name `insecure-small` (a
/// file scenario, not a built-in) with 50 states, CAP-1 is inconclusive.
@Suite struct CheckFormatTests {
    struct Fixture {
        var reports: [CheckReport]
        var paths: [String: [String: String]]
        var builtInPath: String
    }

    static func fixture(workers: Int = 1) throws -> Fixture {
        var bounded = try ScenarioLoader.builtIn("insecure-mixed-criticality")
        bounded.bounds.depth = 2
        var small = try ScenarioLoader.builtIn("insecure-mixed-criticality")
        small.name = "insecure-small"
        var options = CheckOptions()
        options.workers = workers
        let a = try CheckPipeline.run(bounded, entries: CheckPipeline.entries(["CAP-2", "CAP-1"]), options: options)
        options.maxStates = 50
        let b = try CheckPipeline.run(small, entries: CheckPipeline.entries(["CAP-1"]), options: options)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-formats-\(UUID().uuidString)").path
        var paths: [String: [String: String]] = [:]
        for r in [a, b] { paths[r.scenario.name] = try CheckRendering.writeTraces(r, to: dir) }
        return Fixture(reports: [a, b], paths: paths, builtInPath: try #require(bounded.sourcePath))
    }

    @Test func fixture_hasEachVerdict() throws {
        let f = try Self.fixture()
        #expect(f.reports[0].results.map(\.verdict) == ["violated", "holds"])
        #expect(f.reports[1].results.map(\.verdict) == ["inconclusive"])
    }

    // MARK: - JUnit

    @Test func junit_countsFailuresSkipsAndCases() throws {
        let f = try Self.fixture()
        let xml = JUnitRendering.xml(f.reports, tracePaths: f.paths)
        let doc = try XMLDocument(xmlString: xml)
        let root = try #require(doc.rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "3")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        #expect(root.attribute(forName: "skipped")?.stringValue == "1")
        #expect(root.attribute(forName: "errors")?.stringValue == "0")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.map { $0.attribute(forName: "name")?.stringValue } == ["insecure-mixed-criticality", "insecure-small"])
        #expect(suites[0].attribute(forName: "failures")?.stringValue == "1")
        #expect(suites[0].attribute(forName: "timestamp") == nil)
        let props = try #require(suites[0].elements(forName: "properties").first).elements(forName: "property")
        let states = props.first { $0.attribute(forName: "name")?.stringValue == "states" }
        #expect(states?.attribute(forName: "value")?.stringValue == "\(f.reports[0].statistics.states)")

        let cases = suites[0].elements(forName: "testcase")
        #expect(cases.map { $0.attribute(forName: "name")?.stringValue } == ["CAP-2 Authority confinement", "CAP-1 \(f.reports[0].results[1].title)"])
        #expect(cases[0].attribute(forName: "classname")?.stringValue == "l4spec.check.insecure-mixed-criticality")
        let failure = try #require(cases[0].elements(forName: "failure").first)
        #expect(failure.attribute(forName: "type")?.stringValue == "violated")
        #expect(failure.attribute(forName: "message")?.stringValue == f.reports[0].results[0].detail)
        let body = failure.stringValue ?? ""
        let trace = try #require(f.paths["insecure-mixed-criticality"]?["CAP-2"])
        #expect(body.contains("1. cpu0 task.map cap 5 src 4"))
        #expect(body.contains(trace))
        #expect(cases[1].elements(forName: "failure").isEmpty)
        #expect(cases[1].elements(forName: "system-out").first?.stringValue?.contains("depth bound 2") == true)

        let skipped = try #require(suites[1].elements(forName: "testcase").first?.elements(forName: "skipped").first)
        #expect(skipped.attribute(forName: "message")?.stringValue?.hasPrefix("inconclusive: states:") == true)
    }

    @Test func junit_timestampOnlyFromSourceDateEpoch() throws {
        #expect(try JUnitRendering.sourceDateEpoch([:]) == nil)
        let date = try #require(try JUnitRendering.sourceDateEpoch(["SOURCE_DATE_EPOCH": "1700000000"]))
        let f = try Self.fixture()
        let xml = JUnitRendering.xml(f.reports, tracePaths: f.paths, timestamp: date)
        #expect(xml.contains("timestamp=\"2023-11-14T22:13:20\""))
        #expect(throws: InputError.self) { try JUnitRendering.sourceDateEpoch(["SOURCE_DATE_EPOCH": "yesterday"]) }
    }

    @Test func xmlEscaping_specialAndControlCharacters() throws {
        #expect(XMLEscaping.escape("a<b & \"c\" 'd' >") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos; &gt;")
        #expect(XMLEscaping.escape("x\u{1}y\u{1B}z\u{FFFF}") == "x\u{FFFD}y\u{FFFD}z\u{FFFD}")
        #expect(XMLEscaping.escape("l1\nl2\tx\r") == "l1\nl2\tx&#13;")
        #expect(XMLEscaping.escape("l1\nl2\tx", attribute: true) == "l1&#10;l2&#9;x")
        #expect(XMLEscaping.escape("ü → ✓") == "ü → ✓")

        // A detail with all of them survives a JUnit round trip through a parser.
        let f = try Self.fixture()
        var report = f.reports[0]
        report.results[0].detail = "after 1 step(s): <b> & \"a\" 'c'\u{7}\nsecond line"
        let doc = try XMLDocument(xmlString: JUnitRendering.xml([report], tracePaths: [:]))
        let failure = try #require(doc.rootElement()?.elements(forName: "testsuite").first?
            .elements(forName: "testcase").first?.elements(forName: "failure").first)
        #expect(failure.attribute(forName: "message")?.stringValue == "after 1 step(s): <b> & \"a\" 'c'\u{FFFD}\nsecond line")
        #expect(failure.stringValue?.hasPrefix("after 1 step(s): <b> & \"a\" 'c'\u{FFFD}\nsecond line") == true)
    }

    // MARK: - SARIF

    static func sarif(_ f: Fixture, workingDirectory: String) throws -> [String: Any] {
        let text = SarifRendering.json(f.reports, tracePaths: f.paths, toolVersion: "9.9.9", workingDirectory: workingDirectory)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func line(of prefix: String, in path: String) throws -> Int {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try #require(SpecRuleLocations.firstLine(in: text) { $0.hasPrefix(prefix) })
    }

    @Test func sarif_rulesResultsAndLocations() throws {
        let f = try Self.fixture()
        let scenarioDir = URL(fileURLWithPath: f.builtInPath).deletingLastPathComponent().path
        let doc = try Self.sarif(f, workingDirectory: scenarioDir)
        #expect(doc["version"] as? String == "2.1.0")
        #expect(doc["$schema"] as? String == "https://json.schemastore.org/sarif-2.1.0.json")
        let run = try #require((doc["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "l4spec")
        #expect(driver["version"] as? String == "9.9.9")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == ["CAP-2", "CAP-1"])
        #expect(rules[0]["name"] as? String == "AuthorityConfinement")
        #expect((rules[0]["fullDescription"] as? [String: Any])?["text"] as? String == f.reports[0].results[0].requirement)
        #expect((rules[0]["defaultConfiguration"] as? [String: Any])?["level"] as? String == "error")
        let base = (run["originalUriBaseIds"] as? [String: Any])?["SRCROOT"] as? [String: Any]
        #expect((base?["uri"] as? String)?.hasPrefix("file:///") == true)

        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 2)
        let violated = results[0]
        #expect(violated["ruleId"] as? String == "CAP-2")
        #expect(violated["ruleIndex"] as? Int == 0)
        #expect(violated["level"] as? String == "error")
        let message = (violated["message"] as? [String: Any])?["text"] as? String
        #expect(message?.contains(try #require(f.paths["insecure-mixed-criticality"]?["CAP-2"])) == true)
        let locations = try #require(violated["locations"] as? [[String: Any]])
        #expect(locations.count == 2)
        let scenario = try #require(locations[0]["physicalLocation"] as? [String: Any])
        let scenarioArtifact = scenario["artifactLocation"] as? [String: Any]
        #expect(scenarioArtifact?["uri"] as? String == "Sources/Scenarios/BuiltIn/insecure-mixed-criticality.yaml")
        #expect(scenarioArtifact?["uriBaseId"] as? String == "SRCROOT")
        // CAP-2's requirement is about the policy: the region is the `policy:` key.
        #expect((scenario["region"] as? [String: Any])?["startLine"] as? Int == (try Self.line(of: "policy:", in: f.builtInPath)))
        let spec = try #require(locations[1]["physicalLocation"] as? [String: Any])
        #expect((spec["artifactLocation"] as? [String: Any])?["uri"] as? String == "Sources/Spec/MappingTree.swift")
        let specFile = SpecRuleLocations.compiledPackageRoot.appendingPathComponent("Sources/Spec/MappingTree.swift").path
        let declared = try Self.line(of: "    mutating func performTaskMap(", in: specFile)
        #expect((spec["region"] as? [String: Any])?["startLine"] as? Int == declared)
        let logical = (locations[1]["logicalLocations"] as? [[String: Any]])?.first
        #expect(logical?["name"] as? String == "performTaskMap")
        let flows = (violated["codeFlows"] as? [[String: Any]])?.first?["threadFlows"] as? [[String: Any]]
        let steps = try #require(flows?.first?["locations"] as? [[String: Any]])
        #expect(steps.count == f.reports[0].results[0].counterexample?.events.count)

        let inconclusive = results[1]
        #expect(inconclusive["ruleId"] as? String == "CAP-1")
        #expect(inconclusive["ruleIndex"] as? Int == 1)
        #expect(inconclusive["kind"] as? String == "review")
        #expect(inconclusive["level"] as? String == "none")
        // Not a built-in name: the scenario file, relative to the working directory.
        let file = ((inconclusive["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any]
        #expect(file?["uri"] as? String == "insecure-mixed-criticality.yaml")
        #expect(file?["uriBaseId"] == nil)
    }

    @Test func sarif_isDeterministicAcrossWorkerCounts() throws {
        let one = try Self.fixture(workers: 1), two = try Self.fixture(workers: 2)
        // Each fixture writes its traces into its own directory: render both with the same paths.
        let a = SarifRendering.json(one.reports, tracePaths: one.paths, toolVersion: "1", workingDirectory: "/")
        let b = SarifRendering.json(two.reports, tracePaths: one.paths, toolVersion: "1", workingDirectory: "/")
        #expect(a == b)
    }

    /// The table cannot rot: every operation has a row, every row a Spec file
    /// that exists and declares the named function.
    @Test func specRuleTable_namesExistingFunctions() throws {
        let ops = SpecRuleLocations.all.map(\.operation)
        #expect(Set(ops).count == ops.count)
        #expect(Set(ops) == Set(CoverageKey.operations))
        let root = SpecRuleLocations.compiledPackageRoot
        for rule in SpecRuleLocations.all {
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(rule.file).path), "\(rule.file)")
            #expect(SpecRuleLocations.declarationLine(of: rule.function, inFile: rule.file, root: root) != nil,
                    "\(rule.file) declares no func \(rule.function)")
        }
        #expect(SpecRuleLocations.rule(for: .tick(cpu: CPU(0)))?.function == "timerTick")
        #expect(SpecRuleLocations.rule(for: .irqLine(3))?.function == "hitLine")
    }
}

/// The formats through the built binary: exit codes and parseable stdout.
@Suite(.serialized) struct CheckFormatCommandLineTests {
    func l4spec(_ args: [String], environment: [String: String] = [:]) throws -> L4SpecCLI.Run {
        try L4SpecCLI.run(args, packageRoot: SpecRuleLocations.compiledPackageRoot, environment: environment)
    }

    static func outDir() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("l4spec-fmt-\(UUID().uuidString)").path
    }

    @Test func junit_violationExits1WithParseableXML() throws {
        let r = try l4spec(["check", "insecure-mixed-criticality", "--property", "CAP-2", "--workers", "1", "--format", "junit", "--out", Self.outDir()])
        #expect(r.code == 1, "\(r.out)\(r.err)")
        let doc = try XMLDocument(xmlString: r.out)
        #expect(doc.rootElement()?.attribute(forName: "failures")?.stringValue == "1")
        #expect(r.out.contains("type=\"violated\""))
    }

    @Test func sarif_violationExits1WithParseableJSON() throws {
        let r = try l4spec(["check", "insecure-mixed-criticality", "--property", "CAP-2", "--workers", "1", "--format", "sarif", "--out", Self.outDir()])
        #expect(r.code == 1, "\(r.out)\(r.err)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect(doc["version"] as? String == "2.1.0")
        let run = (doc["runs"] as? [[String: Any]])?.first
        #expect(((run?["tool"] as? [String: Any])?["driver"] as? [String: Any])?["version"] as? String == "0.1.0")
        #expect((run?["results"] as? [[String: Any]])?.first?["ruleId"] as? String == "CAP-2")
    }

    @Test func unknownFormat_exits2() throws {
        let r = try l4spec(["check", "insecure-mixed-criticality", "--format", "bogus"])
        #expect(r.code == 2)
        #expect(r.err.contains("bogus"))
    }

    @Test func sourceDateEpoch_stampsSuites_andMalformedExits2() throws {
        let args = ["check", "insecure-mixed-criticality", "--property", "CAP-2", "--workers", "1", "--format", "junit", "--out", Self.outDir()]
        let stamped = try l4spec(args, environment: ["SOURCE_DATE_EPOCH": "0"])
        #expect(stamped.code == 1, "\(stamped.out)\(stamped.err)")
        #expect(stamped.out.contains("timestamp=\"1970-01-01T00:00:00\""))
        let bad = try l4spec(args, environment: ["SOURCE_DATE_EPOCH": "soon"])
        #expect(bad.code == 2, "\(bad.out)\(bad.err)")
        #expect(bad.err.contains("SOURCE_DATE_EPOCH"))
    }
}

import Foundation
import Testing
@testable import Scenarios

/// Hostile inputs: they must be refused quickly, without reading or
/// expanding them.
@Suite("Scenario input limits")
struct ScenarioLimitTests {
    static let billionLaughs = """
    a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
    """

    @Test(.timeLimit(.minutes(1)))
    func aliasBombStopsAtTheNodeLimit() throws {
        let start = ContinuousClock.now
        let e = try #require(inputError { try ScenarioLoader.load(yaml: Self.billionLaughs, file: "bomb.yaml") })
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(e.file == "bomb.yaml")
        #expect(e.message == "the document expands to more than 100000 nodes (aliases are expanded)")
        // The limit is hit inside the expansion of `f` (9^5 = 59049 nodes), whose
        // elements are aliases of `a` declared on line 1.
        #expect(e.line == 1)
        #expect(e.field.hasPrefix("f["))
    }

    @Test(.timeLimit(.minutes(1)))
    func aliasBombInKeyPositionIsRefusedBeforeComposing() throws {
        let yaml = Self.billionLaughs + "\nj: {? *i : x}\nk: {[*i, *i]: y}\n"
        let e = try #require(inputError { try ScenarioLoader.load(yaml: yaml, file: "keys.yaml") })
        #expect(e.line == 10 && e.field == "yaml")
        #expect(e.message.contains("mapping keys"))
    }

    @Test func aliasKeyRightAfterABlockScalarIsStillSeen() throws {
        let yaml = Self.billionLaughs + "\nlist:\n  - text: |\n      block\n    ? *i\n    : x\n"
        let e = try #require(inputError { try ScenarioLoader.load(yaml: yaml, file: "keys.yaml") })
        #expect(e.line == 13 && e.field == "yaml", "\(e)")
    }

    @Test func anchorsAndAliasesInValuesAreFine() throws {
        let yaml = minimalScenario.replacingOccurrences(of: "priority: 10", with: "priority: &p 10\n    cpu: 0")
            + "\n  - {name: second, task: app, priority: *p}"
        let s = try ScenarioLoader.load(yaml: yaml, file: "alias.yaml")
        #expect(s.threads.count == 2)
    }

    @Test func anchorsDoNotMisreadTextThatLooksLikeKeys() throws {
        let yaml = """
        name: reuse
        description: |
          *Note:* a literal block may contain [x]: y and ? marks.
            *indented: too*
        tasks:
          - name: a
            caps: &common
              - {slot: 2, object: root, rights: "RWSD"}   # '*quoted*: text' in a comment
          - name: b
            caps: *common
        """
        let s = try ScenarioLoader.load(yaml: yaml, file: "reuse.yaml")
        #expect(s.description.hasPrefix("*Note:*"))
        #expect(s.initial.slot(.init(1), .init(2)).ref == s.names.resolve("root"))
    }

    @Test func nestingDeeperThan64Levels() throws {
        var yaml = ""
        for depth in 0..<200 { yaml += String(repeating: "  ", count: depth) + "k:\n" }
        yaml += String(repeating: "  ", count: 200) + "v\n"
        let e = try #require(inputError { try ScenarioLoader.load(yaml: yaml, file: "deep.yaml") })
        #expect(e.line == 65)
        #expect(e.field == Array(repeating: "k", count: 64).joined(separator: "."))
        #expect(e.message == "nesting deeper than 64 levels")
    }

    @Test func veryDeepFlowNestingDoesNotOverflowTheStack() throws {
        let yaml = "a: " + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)
        let e = try #require(inputError { try ScenarioLoader.load(yaml: yaml, file: "flow.yaml") })
        #expect(e.line == 1 && e.field == "yaml")
    }

    @Test(.timeLimit(.minutes(1)))
    func oversizedFileIsRefusedWithoutReadingIt() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("huge.yaml").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 300_000_000)     // sparse: no disk blocks
        try handle.close()
        let start = ContinuousClock.now
        let e = try #require(inputError { try ScenarioLoader.load(path: path) })
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(e == InputError(file: path, line: nil, field: "file", message: "file too large (300000000 bytes; limit 1 MiB)"))
    }

    @Test func oversizedTextIsRefused() throws {
        let text = "description: " + String(repeating: "x", count: 1 << 20)
        let e = try #require(inputError { try ScenarioLoader.load(yaml: text, file: "big.yaml") })
        #expect(e.field == "file" && e.message.hasPrefix("file too large"))
    }

    @Test func directoryIsNotAFile() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = try #require(inputError { try ScenarioLoader.load(path: dir.path) })
        #expect(e.field == "file" && e.message == "is a directory, not a file")
    }
}

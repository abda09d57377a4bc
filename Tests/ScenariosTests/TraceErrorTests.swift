import Foundation
import Testing
@testable import Scenarios

/// Bad trace JSON: every error names file, line and field.
@Suite("Trace input errors")
struct TraceErrorTests {
    func parse(_ json: String) -> InputError? {
        inputError { try TraceLoader.parse(json: json, file: "bad.json") }
    }

    /// A trace with the given event lines (events start on line 5).
    func trace(_ events: String, extra: String = "") -> String {
        """
        {
          "format": "l4spec-trace/1",
          "scenario": "two-partitions",\(extra)
          "events": [
        \(events)
          ]
        }
        """
    }

    @Test func malformedJSON() throws {
        let e = try #require(parse("""
        {
          "format": "l4spec-trace/1",
          "scenario": "two-partitions"
          "events": []
        }
        """))
        #expect(e == InputError(file: "bad.json", line: 4, field: "json", message: "expected ',' or '}' in an object"))
        let s = try #require(parse("{\"format\": \"l4spec\n"))
        #expect(s.line == 1 && s.message == "control character in a string")
        let t = try #require(parse("{} x"))
        #expect(t.message == "unexpected text after the top-level value")
    }

    @Test func unknownOp() throws {
        let e = try #require(parse(trace("""
            {"cpu": 0, "op": "ipc.wait"},
            {"cpu": 0, "op": "ipc.frobnicate", "cap": 4}
        """)))
        #expect(e.line == 6)
        #expect(e.field == "events[1].op")
        #expect(e.message.hasPrefix("unknown op 'ipc.frobnicate' (known: ipc.send, ipc.call,"))
    }

    @Test func unknownAndMissingArguments() throws {
        let unknown = try #require(parse(trace(#"    {"cpu": 0, "op": "ipc.send", "cap": 4, "wrods": [1]}"#)))
        #expect(unknown.line == 5 && unknown.field == "events[0].wrods")
        #expect(unknown.message == "unknown key 'wrods' (expected one of: op, cpu, cap, words, label, item, timeout)")
        let missing = try #require(parse(trace(#"    {"cpu": 0, "op": "ipc.send"}"#)))
        #expect(missing == InputError(file: "bad.json", line: 5, field: "events[0].cap", message: "missing required key 'cap'"))
        let tickExtra = try #require(parse(trace(#"    {"tick": 0, "op": "ipc.wait"}"#)))
        #expect(tickExtra.field == "events[0].op")
    }

    @Test func wrongFormatString() throws {
        let e = try #require(parse(trace("").replacingOccurrences(of: "l4spec-trace/1", with: "l4spec-trace/2")))
        #expect(e == InputError(file: "bad.json", line: 2, field: "format",
                                message: "unsupported format 'l4spec-trace/2' (expected 'l4spec-trace/1')"))
    }

    @Test func tooManyWords() throws {
        let e = try #require(parse(trace(#"    {"cpu": 0, "op": "ipc.send", "cap": 4, "words": [1, 2, 3]}"#)))
        #expect(e == InputError(file: "bad.json", line: 5, field: "events[0].words",
                                message: "3 words given; a message carries at most 2 (Capacity.words)"))
    }

    @Test func outOfRangeValues() throws {
        let slot = try #require(parse(trace(#"    {"cpu": 0, "op": "ipc.send", "cap": 256}"#)))
        #expect(slot.field == "events[0].cap" && slot.message == "256 is out of range 0...255")
        let word = try #require(parse(trace(#"    {"op": "ipc.reply", "words": [65536]}"#)))
        #expect(word.field == "events[0].words[0]")
        let prio = try #require(parse(trace(#"    {"op": "scheduler.run_thread", "cap": 7, "thread": 3, "prio": 300}"#)))
        #expect(prio.field == "events[0].prio")
        let big = try #require(parse(trace(#"    {"tick": 100000000000000000000000}"#)))
        #expect(big.field == "events[0].tick" && big.message.contains("out of range"))
        let cap = try #require(parse(trace(#"    {"op": "ipc.send", "cap": "me"}"#)))
        #expect(cap.message == "expected a slot number (0...255) or \"self\", got a string")
    }

    @Test func expectationShapes() throws {
        let count = try #require(parse(trace(#"    {"tick": 0}"#, extra: "\n  \"expect\": [null, null],")))
        #expect(count.line == 4 && count.field == "expect")
        let result = try #require(parse(trace(#"    {"tick": 0}"#, extra: "\n  \"expect\": [{\"result\": \"EPRM\"}],")))
        #expect(result.field == "expect[0].result" && result.message.hasPrefix("unknown result 'EPRM'"))
        let key = try #require(parse(trace(#"    {"tick": 0}"#, extra: "\n  \"expect\": [{\"slots\": {\"rtos\": null}}],")))
        #expect(key.field == "expect[0].slots.rtos")
        let state = try #require(parse(trace(#"    {"tick": 0}"#, extra: "\n  \"expect\": [{\"threads\": {\"t\": {\"state\": \"asleep\"}}}],")))
        #expect(state.field == "expect[0].threads.t.state")
    }

    @Test func unknownTopLevelKey() throws {
        let e = try #require(parse(trace("", extra: "\n  \"comment\": \"x\",")))
        #expect(e.line == 4 && e.field == "comment")
    }

    @Test func deepNesting() throws {
        let e = try #require(parse(String(repeating: "[", count: 200) + String(repeating: "]", count: 200)))
        #expect(e.line == 1 && e.field == "json" && e.message == "nesting deeper than 64 levels")
    }

    @Test func missingScenario() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.json").path
        let json = trace(#"    {"tick": 0}"#).replacingOccurrences(of: "two-partitions", with: "no-such-scenario")
        #expect(FileManager.default.createFile(atPath: path, contents: Data(json.utf8)))
        let e = try #require(inputError { try TraceLoader.loadBound(path: path) })
        #expect(e.file == path && e.line == 3 && e.field == "scenario")
        #expect(e.message.hasPrefix("no built-in scenario or file named 'no-such-scenario'"))
    }

    @Test func scenarioPathIsRelativeToTheTraceFile() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(FileManager.default.createFile(atPath: dir.appendingPathComponent("mine.yaml").path, contents: Data(minimalScenario.utf8)))
        let path = dir.appendingPathComponent("t.json").path
        let json = trace(#"    {"tick": 0}"#).replacingOccurrences(of: "two-partitions", with: "mine.yaml")
        #expect(FileManager.default.createFile(atPath: path, contents: Data(json.utf8)))
        let bound = try TraceLoader.loadBound(path: path)
        #expect(bound.scenario.name == "minimal")
        #expect(bound.events.count == 1)
    }

    @Test func danglingNameInAnExpectation() throws {
        let t = try TraceLoader.parse(json: trace(#"    {"tick": 0}"#, extra: "\n  \"expect\": [{\"threads\": {\"rtos_mian\": {\"state\": \"ready\"}}}],"),
                                      file: "names.json")
        let s = try ScenarioLoader.builtIn("two-partitions")
        let e = try #require(inputError { try TraceLoader.bind(t, to: s) })
        #expect(e.file == "trace" || e.file == "names.json")
        #expect(e.line == 4 && e.field == "expect[0].threads.rtos_mian")
        #expect(e.message.hasPrefix("unknown name 'rtos_mian' in scenario two-partitions"))
        let kind = try TraceLoader.parse(json: trace(#"    {"tick": 0}"#, extra: "\n  \"expect\": [{\"actor\": \"channel\"}],"), file: "k.json")
        let k = try #require(inputError { try TraceLoader.bind(kind, to: s) })
        #expect(k.field == "expect[0].actor" && k.message == "'channel' is a gate, expected a thread")
    }

    @Test func oversizedTraceIsRefusedWithoutReadingIt() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("huge.json").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 300_000_000)
        try handle.close()
        let e = try #require(inputError { try TraceLoader.load(path: path) })
        #expect(e == InputError(file: path, line: nil, field: "file", message: "file too large (300000000 bytes; limit 16 MiB)"))
    }
}

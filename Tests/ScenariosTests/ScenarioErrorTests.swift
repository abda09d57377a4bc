import Foundation
import Testing
@testable import Scenarios

/// Bad scenario YAML: each error names file, line and field, and nothing traps.
@Suite("Scenario input errors")
struct ScenarioErrorTests {
    func load(_ yaml: String) -> InputError? {
        inputError { try ScenarioLoader.load(yaml: yaml, file: "bad.yaml") }
    }

    func replacing(_ old: String, _ new: String) -> String {
        minimalScenario.replacingOccurrences(of: old, with: new)
    }

    @Test func minimalScenarioLoads() throws {
        let s = try ScenarioLoader.load(yaml: minimalScenario, file: "ok.yaml")
        #expect(s.names.resolve("main") == .thread(.init(0)))
        #expect(s.names.name(.factory(.init(0))) == "root")
        #expect(s.sourceLines["app"] == 4 && s.sourceLines["main"] == 9)
        #expect(s.policy.domains.map(\.name) == ["app"])
    }

    @Test func malformedYAML() throws {
        let e = try #require(load(replacing("    task: app", "    task: [app")))
        #expect(e.file == "bad.yaml")
        #expect(e.field == "yaml")
        #expect(e.line == 11)
        #expect(!e.description.contains("\n"))
    }

    @Test func unknownKey() throws {
        let e = try #require(load(replacing("    priority: 10", "    priority: 10\n    stack: 4096")))
        #expect(e == InputError(file: "bad.yaml", line: 12, field: "threads[0].stack",
                                message: "unknown key 'stack' (expected one of: name, task, quota, cpu, priority, pager, started, behaviour, script)"))
        #expect(e.description.hasPrefix("bad.yaml:12: threads[0].stack: unknown key 'stack'"))
    }

    @Test func unknownTopLevelKey() throws {
        let e = try #require(load(minimalScenario + "\nscheduler: fifo"))
        #expect(e.line == 13 && e.field == "scheduler")
    }

    @Test func danglingName() throws {
        let e = try #require(load(replacing("object: main", "object: mian")))
        #expect(e.line == 7)
        #expect(e.field == "tasks[0].caps[1].object")
        #expect(e.message.contains("unknown name 'mian'"))
    }

    @Test func wrongKindOfName() throws {
        let e = try #require(load(replacing("    task: app", "    task: main")))
        #expect(e.line == 10 && e.field == "threads[0].task")
        #expect(e.message == "'main' is a thread, expected a task")
    }

    @Test func duplicateName() throws {
        let e = try #require(load(replacing("  - name: main", "  - name: app")))
        #expect(e.line == 9)
        #expect(e.field == "threads[0].name")
        #expect(e.message == "duplicate name 'app' (already declared as a task at line 4)")
    }

    @Test func schedulerIsReserved() throws {
        let e = try #require(load(replacing("  - name: main", "  - name: scheduler")))
        #expect(e.line == 9 && e.field == "threads[0].name")
    }

    @Test func slotOutOfRange() throws {
        let e = try #require(load(replacing("{slot: 3,", "{slot: 8,")))
        #expect(e.line == 7)
        #expect(e.field == "tasks[0].caps[1].slot")
        #expect(e.message == "8 is out of range 0...7 (bounds.slots is 8)")
        let tight = try #require(load(minimalScenario + "\nbounds: {slots: 3}"))
        #expect(tight.line == 7 && tight.field == "tasks[0].caps[1].slot")
    }

    @Test func slotAlreadyUsed() throws {
        let e = try #require(load(replacing("{slot: 3,", "{slot: 1,")))
        #expect(e.line == 7 && e.field == "tasks[0].caps[1].slot")
        #expect(e.message == "slot 1 of task app is already used")
    }

    @Test(arguments: [0, 256])
    func priorityOutOfRange(priority: Int) throws {
        let e = try #require(load(replacing("priority: 10", "priority: \(priority)")))
        #expect(e == InputError(file: "bad.yaml", line: 11, field: "threads[0].priority", message: "\(priority) is out of range 1...255"))
    }

    @Test func wrongType() throws {
        let e = try #require(load(replacing("priority: 10", "priority: high")))
        #expect(e.line == 11 && e.field == "threads[0].priority")
        #expect(e.message == "expected an integer, got a string")
        let huge = try #require(load(replacing("priority: 10", "priority: 99999999999999999999999")))
        #expect(huge.line == 11 && huge.message.contains("out of range"))
    }

    @Test func missingRequiredKey() throws {
        let e = try #require(load(replacing("description: One task with one thread.\n", "")))
        #expect(e.line == 1 && e.field == "description" && e.message == "missing required key 'description'")
    }

    @Test func invalidRights() throws {
        let e = try #require(load(replacing("object: app, rights: RWSD", "object: app, rights: RWQ")))
        #expect(e.line == 6 && e.field == "tasks[0].caps[0].rights")
    }

    @Test func capacityExceeded() throws {
        var yaml = minimalScenario
        for i in 0..<6 { yaml += "\n  - {name: extra\(i), task: app}" }
        let e = try #require(load(yaml))
        #expect(e.line == 18 && e.field == "threads[6]")
        #expect(e.message == "capacity of 6 threads exceeded (Capacity)")
    }

    @Test func quotaExhausted() throws {
        let yaml = minimalScenario + """

        factories:
          - {name: root}
          - {name: small, parent: root, limit: 2}
        gates:
          - {name: g1, quota: small}
          - {name: g2, quota: small}
          - {name: g3, quota: small}
        """
        let e = try #require(load(yaml))
        #expect(e.line == 19 && e.field == "gates[2]")
        #expect(e.message == "factory 'small' cannot pay 1 units for gate 'g3' (used 2, limit 2)")
    }

    @Test func rootFactoryHasNoLimit() throws {
        let e = try #require(load(minimalScenario + "\nfactories:\n  - {name: root, limit: 5}"))
        #expect(e.line == 14 && e.field == "factories[0].limit")
    }

    @Test func gateLabelLowBits() throws {
        let e = try #require(load(minimalScenario + "\ngates:\n  - {name: g, label: 5}"))
        #expect(e.line == 14 && e.field == "gates[0].label")
    }

    @Test func derivedMappingNeedsItsParent() throws {
        let yaml = replacing("    caps:\n", """
            memory:
              - {page: 1, frame: 2, rights: R, from: {task: app, page: 0}}
              - {page: 0, frame: 2, rights: RW}
            caps:

        """)
        let e = try #require(load(yaml))
        #expect(e.line == 6 && e.field == "tasks[0].memory[0].from")
        #expect(e.message.contains("not mapped"))
        let widened = replacing("    caps:\n", """
            memory:
              - {page: 0, frame: 2, rights: R}
              - {page: 1, frame: 2, rights: RW, from: {task: app, page: 0}}
            caps:

        """)
        let w = try #require(load(widened))
        #expect(w.line == 7 && w.message == "rights RW exceed the parent's rights R")
    }

    @Test func scriptStepsUseTheTraceSyntax() throws {
        let ok = replacing("behaviour: any", "behaviour: script\n    script: {loop: true, steps: [{op: ipc.wait}, {op: ipc.reply, words: [1]}]}")
        let s = try ScenarioLoader.load(yaml: ok, file: "ok.yaml")
        #expect(s.threads[0].behaviour == .script(steps: [.ipcWait(timeout: .never, buffer: .none), .ipcReply(.init(words: [1]))], loop: true))
        let e = try #require(load(replacing("behaviour: any", "behaviour: script\n    script: {steps: [{op: ipc.wait, cpu: 0}]}")))
        #expect(e.line == 13 && e.field == "threads[0].script.steps[0].cpu")
        let missing = try #require(load(replacing("behaviour: any", "behaviour: script")))
        #expect(missing.field == "threads[0].script")
    }

    @Test func policyEveryTaskInOneDomain() throws {
        let twice = try #require(load(minimalScenario + "\npolicy:\n  domains: [{name: A, tasks: [app]}, {name: B, tasks: [app]}]"))
        #expect(twice.line == 14 && twice.field == "policy.domains[1].tasks[0]")
        let none = try #require(load(minimalScenario.replacingOccurrences(of: "threads:", with: "  - name: other\nthreads:")
            + "\npolicy:\n  domains: [{name: A, tasks: [app]}]"))
        #expect(none.field == "policy.domains" && none.message.contains("'other' is in no domain"))
        let flow = try #require(load(minimalScenario + "\npolicy:\n  domains: [{name: A, tasks: [app]}]\n  flows: [{from: A, to: Z}]"))
        #expect(flow.line == 15 && flow.field == "policy.flows[0].to")
    }

    @Test func emptyAndNonMappingDocuments() throws {
        #expect(load("")?.message == "the document is empty")
        let list = try #require(load("- a\n- b\n"))
        #expect(list.line == 1 && list.field == "(document)" && list.message == "expected a mapping, got a list")
    }

    @Test func missingFile() throws {
        let e = try #require(inputError { try ScenarioLoader.load(path: "/nonexistent/l4spec/none.yaml") })
        #expect(e == InputError(file: "/nonexistent/l4spec/none.yaml", line: nil, field: "file", message: "no such file"))
        #expect(e.description == "/nonexistent/l4spec/none.yaml: file: no such file")
    }

    @Test func invalidUTF8IsReportedWithItsLine() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("latin1.yaml").path
        var data = Data("name: x\ndescription: caf".utf8)
        data.append(0xE9)
        #expect(FileManager.default.createFile(atPath: path, contents: data))
        let e = try #require(inputError { try ScenarioLoader.load(path: path) })
        #expect(e.line == 2 && e.field == "file" && e.message == "not valid UTF-8 text")
    }
}

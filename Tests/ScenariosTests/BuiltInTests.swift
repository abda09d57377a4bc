import Foundation
import Spec
import Testing
@testable import Scenarios

@Suite("Built-in scenarios")
struct BuiltInTests {
    /// The secure built-ins: every property holds in them.
    static let secure = ["client-server", "factory-quota", "irq-driver", "realtime", "revocation-chain", "two-partitions"]
    /// Insecure on purpose: each declares under `expect:` what the checker must find.
    static let insecure = ["insecure-buffer-reuse", "insecure-mixed-criticality", "insecure-revocation-exit", "insecure-unrevocable-ec"]
    static let expected = (secure + insecure).sorted()

    @Test func namesAreTheTenBuiltIns() {
        #expect(ScenarioLoader.builtInNames == Self.expected)
    }

    @Test(arguments: insecure)
    func insecureBuiltInsDeclareTheirViolations(name: String) throws {
        let s = try ScenarioLoader.builtIn(name)
        #expect(s.description.hasPrefix("INSECURE ON PURPOSE."))
        #expect(s.expectations.contains { $0.verdict == .violated })
        for e in s.expectations { #expect(e.line > 1, "\(e.property) has its line") }
    }

    @Test(arguments: expected)
    func loadsWellFormedAndDescribed(name: String) throws {
        let s = try ScenarioLoader.builtIn(name)
        #expect(s.name == name)
        #expect(s.description.count > 80, "a real description")
        #expect(s.initial.wellFormed().isEmpty)
        #expect(s.sourcePath?.hasSuffix("\(name).yaml") == true)
        // Small enough to enumerate.
        let tasks = s.names.entries.filter { $0.ref.kind == .task }
        #expect(tasks.count <= 3)
        #expect(s.threads.count <= 4)
        if Self.secure.contains(name) {
            #expect(s.threads.contains { $0.behaviour == .any }, "each secure built-in has an adversary")
            #expect(s.expectations.isEmpty, "every property holds")
        }
        // Every task is in exactly one domain; every flow names domains.
        let domainTasks = s.policy.domains.flatMap(\.tasks)
        #expect(Set(domainTasks).count == domainTasks.count)
        #expect(Set(domainTasks) == Set(tasks.map { TaskID(Int($0.ref.index)) }))
        for f in s.policy.flows {
            #expect(s.policy.domains.contains { $0.name == f.from } && s.policy.domains.contains { $0.name == f.to })
        }
        // Every named object has a source line.
        for e in s.names.entries where e.name != "root" || s.sourceLines["root"] != nil {
            #expect(s.sourceLines[e.name] != nil, "\(e.name) has a line")
        }
    }

    @Test func resolveAcceptsNamesAndPaths() throws {
        let byName = try ScenarioLoader.resolve("realtime", relativeTo: nil)
        let path = try #require(byName.sourcePath)
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let byPath = try ScenarioLoader.resolve("realtime.yaml", relativeTo: dir)
        #expect(byPath.initial == byName.initial)
        #expect(byPath.names == byName.names)
    }

    @Test func unknownBuiltInNamesTheChoices() throws {
        let e = try #require(inputError { try ScenarioLoader.builtIn("three-partitions") })
        #expect(e.field == "scenario")
        #expect(e.message.contains("two-partitions"))
    }

    @Test func twoPartitionsMatchesItsStory() throws {
        let s = try ScenarioLoader.builtIn("two-partitions")
        let rtos = try #require(s.names.resolve("rtos_main"))
        let compute = try #require(s.names.resolve("compute_main"))
        #expect(s.behaviour(of: ThreadID(Int(compute.index))) == .any)
        guard case .script(let steps, true)? = s.behaviour(of: ThreadID(Int(rtos.index))) else {
            Issue.record("the RTOS side is a looping script")
            return
        }
        #expect(steps.first == .ipcWait(timeout: .never, buffer: .none))
        // The compute partition holds the channel with W only, without the server view.
        let computeTask = TaskID(Int(try #require(s.names.resolve("compute")).index))
        let slot = s.initial.slot(computeTask, SlotIndex(4))
        #expect(slot.ref == s.names.resolve("channel"))
        #expect(slot.rights == [.r, .w])
        #expect(!slot.server)
        #expect(s.policy.allows(from: "Compute", to: "RTOS"))
        #expect(s.bounds.slots == 6 && s.bounds.pages == 2 && s.bounds.depth == 6)
    }
}

import Spec
import Testing
@testable import Scenarios

/// Each built-in's description tells a story; these traces replay it on the
/// spec (scheduling decides who acts) and check it happens as told.
@Suite("Built-in stories")
struct BuiltInStoryTests {
    static func run(_ scenario: String, _ steps: [(event: String, expect: String)]) throws -> [String] {
        let json = """
        {"format": "l4spec-trace/1", "scenario": "\(scenario)",
         "events": [\(steps.map(\.event).joined(separator: ",\n"))],
         "expect": [\(steps.map(\.expect).joined(separator: ",\n"))]}
        """
        let trace = try TraceLoader.parse(json: json, file: "\(scenario).json")
        let bound = try TraceLoader.bind(trace, to: TraceLoader.scenario(for: trace))
        return ExpectationTests.replay(bound).enumerated().flatMap { i, m in m.map { "step \(i): \($0)" } }
    }

    @Test func twoPartitionsServesOneRequest() throws {
        #expect(try Self.run("two-partitions", [
            (#"{"op": "ipc.wait"}"#, #"{"actor": "rtos_main", "result": "blocked", "running": {"0": "compute_main"}}"#),
            (#"{"op": "ipc.call", "cap": 4, "words": [5]}"#,
             #"{"actor": "compute_main", "result": "blocked", "threads": {"rtos_main": {"words": [5], "label": 65}}, "running": {"0": "rtos_main"}}"#),
            (#"{"op": "ipc.reply", "words": [1]}"#, #"{"result": "ok", "threads": {"compute_main": {"state": "ready", "result": "ok", "words": [1]}}}"#),
            (#"{"op": "ipc.wait"}"#, #"{"result": "blocked", "running": {"0": "compute_main"}}"#),
        ]) == [])
    }

    @Test func revocationChainRevokesEveryDescendant() throws {
        #expect(try Self.run("revocation-chain", [
            (#"{"op": "task.map", "cap": 5, "src": 1, "fpage": {"space": "mem", "base": 0, "rights": "RW"}}"#,
             #"{"actor": "a_main", "result": "ok", "pages": {"b:0": {"frame": 0, "rights": "RW"}}}"#),
            (#"{"op": "task.map", "cap": 5, "src": 1, "fpage": {"space": "obj", "base": 4, "rights": "RW"}}"#,
             #"{"result": "ok", "slots": {"b:4": {"object": "token", "rights": "RW"}}}"#),
            (#"{"tick": 0}"#, #"{"running": {"0": "b_main"}}"#),
            (#"{"op": "task.map", "cap": 5, "src": 1, "fpage": {"space": "mem", "base": 0, "rights": "R"}}"#,
             #"{"result": "ok", "pages": {"c:0": {"frame": 0, "rights": "R"}}}"#),
            (#"{"op": "task.map", "cap": 5, "src": 1, "fpage": {"space": "obj", "base": 4, "rights": "RW"}}"#,
             #"{"result": "ok", "slots": {"c:4": {"object": "token", "rights": "RW"}}}"#),
            (#"{"tick": 0}"#, #"{"running": {"0": "c_main"}}"#),
            (#"{"tick": 0}"#, #"{"running": {"0": "a_main"}}"#),
            (#"{"op": "task.unmap", "cap": 1, "fpage": {"space": "mem", "base": 0, "rights": "RWX"}, "mask": "other"}"#,
             #"{"result": "ok", "pages": {"a:0": {"frame": 0, "rights": "RW"}, "b:0": null, "c:0": null}}"#),
            (#"{"op": "task.delete_obj", "cap": 1, "sel": 4}"#,
             #"{"result": "ok", "slots": {"a:4": null, "b:4": null, "c:4": null}, "live": {"token": false}}"#),
        ]) == [])
    }

    @Test func irqDriverReceivesCoalescesAndNotifies() throws {
        #expect(try Self.run("irq-driver", [
            (#"{"op": "irq.receive", "cap": 4}"#, #"{"actor": "driver_main", "result": "blocked", "running": {"0": "client_main"}}"#),
            (#"{"irq": 3}"#, #"{"irqs": {"uart": "idle"}, "running": {"0": "driver_main"}, "threads": {"driver_main": {"result": "ok", "label": 4}}}"#),
            (#"{"op": "ipc.send", "cap": 5, "words": [1], "timeout": "zero"}"#, #"{"result": "SETIMEOUT"}"#),
            (#"{"op": "irq.receive", "cap": 4}"#, #"{"result": "blocked", "running": {"0": "client_main"}}"#),
            (#"{"op": "ipc.wait"}"#, #"{"actor": "client_main", "result": "blocked", "running": {"0": null}}"#),
            (#"{"irq": 3}"#, #"{"running": {"0": "driver_main"}}"#),
            (#"{"op": "ipc.send", "cap": 5, "words": [1], "timeout": "zero"}"#,
             #"{"result": "ok", "threads": {"client_main": {"state": "ready", "words": [1], "label": 9}}}"#),
            (#"{"irq": 3}"#, #"{"irqs": {"uart": "queued"}, "queue": {"driver_main": ["uart"]}}"#),
            (#"{"irq": 3}"#, #"{"irqs": {"uart": "queued"}, "queue": {"driver_main": ["uart"]}}"#),
            (#"{"op": "irq.receive", "cap": 4}"#, #"{"result": "ok", "irqs": {"uart": "idle"}, "queue": {"driver_main": []}}"#),
        ]) == [])
    }

    @Test func realtimeRunsTheHighestPriority() throws {
        #expect(try Self.run("realtime", [
            (#"{"op": "irq.receive", "cap": 4}"#, #"{"actor": "sensor", "result": "blocked", "running": {"0": "control"}}"#),
            (#"{"op": "ipc.wait"}"#, #"{"actor": "control", "result": "blocked", "running": {"0": "worker"}}"#),
            (#"{"op": "mem.access", "page": 0, "write": true}"#, #"{"actor": "worker", "result": "ok"}"#),
            (#"{"tick": 0}"#, #"{"running": {"0": "intruder"}}"#),
            (#"{"tick": 0}"#, #"{"running": {"0": "worker"}}"#),
            (#"{"irq": 0}"#, #"{"running": {"0": "sensor"}}"#),
            (#"{"op": "ipc.call", "cap": 5, "words": [1]}"#,
             #"{"result": "blocked", "running": {"0": "control"}, "threads": {"control": {"words": [1], "label": 17}}}"#),
            (#"{"op": "ipc.reply"}"#, #"{"actor": "control", "result": "ok", "running": {"0": "sensor"}}"#),
            (#"{"tick": 0}"#, #"{"actor": "sensor", "running": {"0": "sensor"}}"#),
        ]) == [])
    }

    @Test func factoryQuotaExhaustionStaysWithItsTenant() throws {
        #expect(try Self.run("factory-quota", [
            (#"{"op": "factory.create_thread", "cap": 2, "slot": 4}"#, #"{"actor": "greedy_main", "result": "ok", "quota": {"greedy_quota": 2}}"#),
            (#"{"op": "factory.create_gate", "cap": 2, "slot": 5}"#, #"{"result": "ok", "quota": {"greedy_quota": 3}}"#),
            (#"{"op": "factory.create_irq", "cap": 2, "slot": 4}"#,
             #"{"result": "ENOMEM", "slots": {"greedy:4": {"object": "thread#2"}}, "quota": {"greedy_quota": 3}}"#),
            (#"{"tick": 0}"#, #"{"running": {"0": "steady_main"}}"#),
            (#"{"op": "factory.create_gate", "cap": 2, "slot": 4}"#, #"{"actor": "steady_main", "result": "ok", "quota": {"steady_quota": 1}}"#),
            (#"{"op": "factory.create_thread", "cap": 2, "slot": 5}"#,
             #"{"result": "ok", "quota": {"steady_quota": 3, "root": 18}, "live": {"thread#3": true}}"#),
        ]) == [])
    }
}

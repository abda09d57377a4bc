import Spec
import Testing
@testable import Scenarios

/// Replaying a hand-written trace on a built-in and checking every
/// expectation key against the spec.
@Suite("Expectations")
struct ExpectationTests {
    /// The session handshake of the client-server built-in (also the full
    /// example of docs/traces.md).
    static let delegation = """
    {
      "format": "l4spec-trace/1",
      "scenario": "client-server",
      "reference": "kernel-api §3.4, §4.3, §6.4",
      "description": "The server creates a session gate and delegates it to the client in its reply.",
      "events": [
        {"cpu": 0, "op": "factory.create_gate", "cap": 2, "slot": 5, "label": 16, "thread": 3},
        {"cpu": 0, "op": "ipc.wait"},
        {"cpu": 0, "op": "ipc.call", "cap": 4, "buffer": {"obj": 5}},
        {"cpu": 0, "op": "ipc.reply", "item": {"space": "obj", "index": 5, "rights": "RW"}},
        {"cpu": 0, "op": "ipc.wait"},
        {"cpu": 0, "op": "ipc.call", "cap": 5, "words": [7]},
        {"cpu": 0, "op": "ipc.reply", "words": [1]},
        {"cpu": 0, "op": "task.cap_valid", "cap": 1, "sel": 5},
        {"tick": 0}
      ],
      "expect": [
        {"result": "ok", "actor": "server_main", "quota": {"server_quota": 1},
         "slots": {"server:5": {"object": "gate#1", "rights": "RWSD", "server": true, "counted": true}}},
        {"result": "blocked", "threads": {"server_main": {"state": "receiving"}}, "running": {"0": "client_main"}},
        {"result": "blocked", "actor": "client_main", "running": {"0": "server_main"},
         "threads": {"server_main": {"state": "ready", "result": "ok", "words": [], "label": 9, "reply_to": "client_main"},
                     "client_main": {"state": "receiving", "result": null}}},
        {"result": "ok", "slots": {"client:5": {"object": "gate#1", "rights": "RW", "server": false, "counted": true}},
         "threads": {"client_main": {"state": "ready", "result": "ok"}, "server_main": {"reply_to": null}}},
        {"result": "blocked", "running": {"0": "client_main"}},
        {"result": "blocked", "threads": {"server_main": {"words": [7], "label": 17}}, "queue": {"server_main": []}},
        {"result": "ok", "threads": {"client_main": {"state": "ready", "result": "ok", "words": [1]}}},
        {"result": "ok", "value": 1},
        {"result": "ok", "actor": "server_main", "running": {"0": "server_main"},
         "live": {"service": true, "gate#1": true, "other_main": true}}
      ]
    }
    """

    static func replay(_ bound: BoundTrace) -> [[String]] {
        var state = bound.scenario.initial
        return bound.events.map { e in
            let result = state.apply(e.event)
            return e.expect?.check(state: state, result: result, names: bound.scenario.names) ?? []
        }
    }

    @Test func delegationTracePasses() throws {
        let trace = try TraceLoader.parse(json: Self.delegation, file: "delegation.json")
        let bound = try TraceLoader.bind(trace, to: TraceLoader.scenario(for: trace))
        for (i, mismatches) in Self.replay(bound).enumerated() {
            #expect(mismatches.isEmpty, "step \(i): \(mismatches)")
        }
    }

    @Test func mismatchesAreSpelledOut() throws {
        let s = try ScenarioLoader.builtIn("client-server")
        var state = s.initial
        let result = state.apply(.invoke(cpu: CPU(0), .factoryCreate(factory: .slot(.init(2)), kind: .gate(label: 16, thread: .init(3)), slot: .init(5))))
        var e = Expectation(result: "EPERM", value: 3, actor: "client_main")
        var t = Expectation.ThreadCheck(thread: "server_main")
        t.state = "dead"
        t.replyTo = .some("client_main")
        t.prio = 1
        e.threads = [t]
        e.slots = [.init(task: "server", slot: 5, expected: nil), .init(task: "client", slot: 5, expected: .init(object: "service")),
                   .init(task: "server", slot: 4, expected: .init(object: "service", rights: "W", server: false))]
        e.pages = [.init(task: "server", page: 0, expected: .init(frame: 1))]
        e.quota = [.init(factory: "server_quota", used: 3)]
        e.running = [.init(cpu: 0, thread: nil)]
        e.queue = [.init(thread: "server_main", senders: ["client_main"])]
        e.live = [.init(object: "gate#1", live: false), .init(object: "nobody", live: true)]
        e.irqs = [.init(irq: "service", delivery: "idle")]
        #expect(e.check(state: state, result: result, names: s.names) == [
            "result: expected EPERM, got ok",
            "value: expected 3, got ok",
            "actor: expected client_main, got server_main",
            "threads.server_main.state: expected dead, got ready",
            "threads.server_main.reply_to: expected client_main, got none",
            "threads.server_main.prio: expected 1, got 20",
            "slots.server:5: expected empty, got gate#1 RWSD",
            "slots.client:5: expected a capability, got empty",
            "slots.server:4.rights: expected RW, got RWSD",
            "slots.server:4.server: expected false, got true",
            "pages.server:0: expected a mapping, got unmapped",
            "quota.server_quota: expected 3, got 1",
            "running.0: expected none, got server_main",
            "queue.server_main: expected [client_main], got []",
            "irqs.service: 'service' is a gate, expected an irq",
            "live.gate#1: expected false, got true",
            "live.nobody: unknown name 'nobody'",
        ])
    }

    @Test func resultNamesCoverEveryOutcome() {
        let outcomes: [Outcome] = [.ok(value: nil), .ok(value: 4), .blocked, .idle, .tornDown, .killed]
            + IpcError.allCases.map { .ipc($0) } + L4Error.allCases.map { .error($0) }
        for o in outcomes { #expect(Expectation.resultNames.contains(Expectation.resultName(o)), "\(o)") }
        #expect(Expectation.resultName(.ok(value: 1)) == "ok")
        #expect(Expectation.resultName(.tornDown) == "torn_down")
        #expect(Expectation.resultName(.ipc(.enotExistent)) == "ENOT_EXISTENT")
    }
}

@Suite("Names")
struct NameTableTests {
    @Test func scenarioNamesAndCanonicalNames() throws {
        let s = try ScenarioLoader.builtIn("two-partitions")
        let rtos = try #require(s.names.resolve("rtos_main"))
        #expect(s.names.name(rtos) == "rtos_main")
        #expect(s.names.resolve("thread#0") == rtos)
        #expect(s.names.name(.thread(ThreadID(4))) == "thread#4")
        #expect(s.names.resolve("thread#4") == .thread(ThreadID(4)))
        #expect(s.names.resolve("gate#1") == .gate(GateID(1)))
        #expect(s.names.resolve("scheduler") == .scheduler)
        #expect(s.names.name(.scheduler) == "scheduler")
        #expect(s.names.name(.factory(FactoryID(0))) == "root")
        for bad in ["thread#6", "thread#-1", "thread#01", "scheduler#0", "gadget#1", "thread#", "#1", "nobody"] {
            #expect(s.names.resolve(bad) == nil, "\(bad)")
        }
    }

    @Test func inputErrorDescription() {
        #expect(InputError(file: "a.yaml", line: 3, field: "tasks[0].name", message: "bad\nname").description
                == "a.yaml:3: tasks[0].name: bad name")
        #expect(InputError(file: "a.yaml", line: nil, field: "file", message: "no such file").description == "a.yaml: file: no such file")
    }
}

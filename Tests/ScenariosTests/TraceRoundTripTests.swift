import Spec
import Testing
@testable import Scenarios

@Suite("Trace encoding")
struct TraceRoundTripTests {
    /// One invocation of every op, with non-default arguments where possible.
    static let invocations: [Invocation] = [
        .ipcSend(cap: .slot(.init(4)), Message(words: [1, 65535], label: 8,
                                               item: SendItem(space: .object, index: 3, rights: 0x5, grant: true, server: true, weak: true)), timeout: .zero),
        .ipcSend(cap: .slot(.init(255)), Message(), timeout: .never),
        .ipcCall(cap: .this, Message(), send: .never, receive: .zero, buffer: .object(.init(5))),
        .ipcCall(cap: .slot(.init(2)), Message(words: [7]), send: .zero, receive: .zero, buffer: .memory(.init(1))),
        .ipcReceive(cap: .slot(.init(1)), timeout: .zero, buffer: .memory(.init(0))),
        .ipcWait(timeout: .never, buffer: .none),
        .ipcReply(Message(words: [3], label: 0, item: SendItem(space: .memory, index: 1, rights: 0x6))),
        .ipcReplyAndWait(Message(label: 4), timeout: .zero, buffer: .object(.init(2))),
        .ipcSleep(timeout: .zero),
        .taskMap(dst: .slot(.init(5)), src: .slot(.init(1)), item: SendItem(space: .memory, index: 2, rights: 0x4, grant: true), order: 1, sndBase: 0),
        .taskMap(dst: .slot(.init(5)), src: .this, item: SendItem(space: .object, index: 4, rights: 0xF, server: true, weak: true), order: 0, sndBase: 4),
        .taskUnmap(task: .slot(.init(1)), space: .memory, index: 0, order: 2, rights: 0x2, scope: .otherSpaces, delete: false),
        .taskUnmap(task: .slot(.init(1)), space: .object, index: 3, order: 0, rights: 0xF, scope: .allSpaces, delete: true),
        .taskUnmap(task: .slot(.init(1)), space: .object, index: 3, order: 0, rights: 0xF, scope: .allSpaces, delete: false),
        .taskUnmap(task: .slot(.init(1)), space: .object, index: 3, order: 0, rights: 0x1F, scope: .otherSpaces, delete: true),
        .taskUnmap(task: .this, space: .object, index: 6, order: 0, rights: 0, scope: .allSpaces, delete: false),
        .taskCapValid(task: .slot(.init(1)), cap: .this),
        .taskCapEqual(task: .slot(.init(1)), a: .slot(.init(2)), b: .this),
        .factoryCreate(factory: .slot(.init(2)), kind: .task, slot: .init(5)),
        .factoryCreate(factory: .slot(.init(2)), kind: .thread, slot: nil),
        .factoryCreate(factory: .slot(.init(2)), kind: .gate(label: 16, thread: .init(3)), slot: .init(5)),
        .factoryCreate(factory: .slot(.init(2)), kind: .gate(label: 0, thread: nil), slot: .init(5)),
        .factoryCreate(factory: .slot(.init(2)), kind: .irq, slot: .init(5)),
        .factoryCreate(factory: .slot(.init(2)), kind: .factory(limit: 0), slot: .init(5)),
        .threadControl(thread: .slot(.init(3)), pager: .init(4), excHandler: nil, bindTask: .init(1)),
        .threadControl(thread: .this, pager: nil, excHandler: .init(2), bindTask: nil),
        .threadExRegs(thread: .slot(.init(3)), cancel: true),
        .threadExRegs(thread: .slot(.init(3)), cancel: false),
        .schedulerRunThread(scheduler: .slot(.init(7)), thread: .init(3), prio: 0, cpu: 1),
        .schedulerRunThread(scheduler: .slot(.init(7)), thread: nil, prio: 255, cpu: 0),
        .gateBindThread(gate: .slot(.init(4)), thread: .init(3), label: 5),
        .gateBindThread(gate: .slot(.init(4)), thread: nil, label: 0),
        .irqBind(irq: .slot(.init(4)), thread: nil, label: 0),
        .irqBind(irq: .slot(.init(4)), thread: .init(3), label: 9),
        .irqDetach(irq: .slot(.init(4))),
        .irqTrigger(irq: .slot(.init(4))),
        .irqUnmask(irq: .this),
        .irqReceive(irq: .slot(.init(4)), timeout: .zero),
        .memAccess(page: .init(2), write: true),
        .memAccess(page: .init(0), write: false),
    ]

    static func sampleTrace() -> Trace {
        var events = invocations.enumerated().map { i, inv in TraceEvent(event: .invoke(cpu: CPU(i % 2), inv)) }
        events.append(TraceEvent(event: .tick(cpu: CPU(1))))
        events.append(TraceEvent(event: .irqLine(3), changes: ["rtos.page[0]: frame0 RW from sigma0 → unmapped"]))
        var e = Expectation(result: "ok", value: 1, actor: "rtos_main")
        var t = Expectation.ThreadCheck(thread: "compute_main")
        t.state = "blocked_on_gate"
        t.result = .some(nil)
        t.words = [1, 2]
        t.label = 64
        t.replyTo = .some("rtos_main")
        t.live = true
        t.dying = false
        t.prio = 10
        e.threads = [t, Expectation.ThreadCheck(thread: "rtos_main")]
        e.slots = [.init(task: "compute", slot: 4, expected: .init(object: "channel", rights: "W", server: false, counted: true)),
                   .init(task: "rtos", slot: 2, expected: nil)]
        e.pages = [.init(task: "rtos", page: 0, expected: .init(frame: 0, rights: "RW")), .init(task: "compute", page: 1, expected: nil)]
        e.quota = [.init(factory: "root", used: 12)]
        e.running = [.init(cpu: 0, thread: "rtos_main"), .init(cpu: 1, thread: nil)]
        e.queue = [.init(thread: "rtos_main", senders: ["compute_main", "irq#0"])]
        e.irqs = [.init(irq: "irq#1", delivery: "pending")]
        e.live = [.init(object: "channel", live: true), .init(object: "task#3", live: false)]
        events[0].expect = e
        events[2].expect = Expectation(result: "ENOT_EXISTENT")
        return Trace(scenario: "two-partitions", reference: "kernel-api §6.2", description: "all ops, \"quoted\"\nand a newline",
                     property: "CAP-1", events: events)
    }

    @Test func encodeThenParseGivesTheSameEvents() throws {
        let names = try ScenarioLoader.builtIn("two-partitions").names
        let trace = Self.sampleTrace()
        let text = TraceLoader.encode(trace, names: names)
        let back = try TraceLoader.parse(json: text, file: "rt.json")
        #expect(back.events.map(\.event) == trace.events.map(\.event))
        #expect(back.scenario == trace.scenario && back.reference == trace.reference)
        #expect(back.description == trace.description && back.property == trace.property)
        #expect(back.events.map(\.changes) == trace.events.map(\.changes))
        #expect(back.events.map { $0.expect != nil } == trace.events.map { $0.expect != nil })
        // Stable: encoding the parsed trace gives the same text.
        #expect(TraceLoader.encode(back, names: names) == text)
        // One event per line, lines recorded from the opening brace.
        #expect(back.events[0].line == 8)
        #expect(back.events[1].line == 9)
    }

    @Test func everyOpHasAnEncodingThatDecodesToItself() throws {
        for inv in Self.invocations {
            let json = JSONOut.object([("cpu", .int(0))] + OpEncoding.encode(inv)).compact
            let value = try JSONReader.parse(json, file: "op.json")
            let event = try TraceLoader.decodeEvent(Field(value: value, path: "events[0]", file: "op.json"))
            #expect(event == .invoke(cpu: CPU(0), inv), "\(json)")
        }
        let covered = Set(Self.invocations.compactMap { OpEncoding.encode($0).first?.1.compact })
        #expect(covered.count == OpSyntax.names.count, "every op is exercised")
    }

    @Test func defaultsAreLeftOutAndFilledIn() throws {
        let send = OpEncoding.encode(.ipcSend(cap: .slot(.init(4)), Message(), timeout: .never))
        #expect(JSONOut.object(send).compact == #"{"op": "ipc.send", "cap": 4}"#)
        let text = """
        {"format": "l4spec-trace/1", "scenario": "two-partitions", "events": [
          {"op": "task.map", "cap": 5, "src": 1, "fpage": {"space": "mem", "base": 2}},
          {"cpu": 1, "op": "ipc.call", "cap": "self", "timeout": {"receive": "zero"}}
        ]}
        """
        let t = try TraceLoader.parse(json: text, file: "d.json")
        #expect(t.events[0].event == .invoke(cpu: CPU(0), .taskMap(dst: .slot(.init(5)), src: .slot(.init(1)),
                                                                   item: SendItem(space: .memory, index: 2, rights: 0x7), order: 0, sndBase: 2)))
        #expect(t.events[1].event == .invoke(cpu: CPU(1), .ipcCall(cap: .this, Message(), send: .never, receive: .zero, buffer: .none)))
        #expect(t.events[1].line == 3)
    }

    @Test func encodedTraceLooksLikeTheDesignExample() throws {
        let trace = Trace(scenario: "two-partitions", events: [
            TraceEvent(event: .invoke(cpu: CPU(0), .ipcCall(cap: .slot(.init(4)), Message(words: [7]), send: .never, receive: .never, buffer: .none)),
                       expect: Expectation(result: "ok")),
            TraceEvent(event: .tick(cpu: CPU(1))),
            TraceEvent(event: .irqLine(3)),
        ])
        let text = TraceLoader.encode(trace, names: NameTable())
        #expect(text == """
        {
          "format": "l4spec-trace/1",
          "scenario": "two-partitions",
          "events": [
            {"cpu": 0, "op": "ipc.call", "cap": 4, "words": [7]},
            {"tick": 1},
            {"irq": 3}
          ],
          "expect": [
            {"result": "ok"},
            null,
            null
          ]
        }

        """)
    }
}

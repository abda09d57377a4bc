import Properties
import Scenarios
import Spec
import Testing

enum InformationFlowCases {
    /// a sends through g to the waiting b, under the given policy flows.
    static func gateSend(flows: [Policy.Flow]) -> (KernelState, Event, StepResult, KernelState, CheckContext) {
        var w = World()
        w.flows = flows
        let before = IpcCases.receiverWaiting(w)
        var after = before
        let ev = Event.invoke(cpu: cpu0, IpcCases.sendThroughGate)
        let r = after.apply(ev)
        return (before, ev, r, after, w.context())
    }

    /// b calls a (B holds a thread capability to a); the step returned is a's reply.
    static func replyToCaller(flows: [Policy.Flow]) -> (KernelState, Event, StepResult, KernelState, CheckContext) {
        var w = World(gateInA: false)
        w.flows = flows
        w.cap(.thread(w.a), in: w.B, at: 5, rights: [.w])
        let ctx = w.context()
        var s = w.state
        _ = s.invoke(.ipcWait(timeout: .never, buffer: .none))                  // a waits; b runs
        _ = s.invoke(.ipcCall(cap: .slot(SlotIndex(5)), Message(words: [3]), send: .never, receive: .never, buffer: .none))
        #expect(s.current(on: cpu0) == w.a)
        #expect(s.thread(w.a).replyTo == w.b.raw)
        let before = s
        let ev = Event.invoke(cpu: cpu0, .ipcReply(Message(words: [4])))
        let r = s.apply(ev)
        #expect(s.receivedWords(w.b) == [4])
        return (before, ev, r, s, ctx)
    }

    static let onlyBtoA = [Policy.Flow(from: "DB", to: "DA")]
    static let both = [Policy.Flow(from: "DA", to: "DB"), Policy.Flow(from: "DB", to: "DA")]

    static let negative: [PropertyCase] = [
        PropertyCase("INFO-1", "A's message changes b although DA may not flow to DB") {
            let (b, e, r, a, ctx) = gateSend(flows: [])
            return Check.edge("INFO-1", b, e, r, a, ctx)
        },
        PropertyCase("INFO-1", "a step of A rewrites a slot of B") {
            let w = World()
            var after = w.state
            after.slots[KernelState.slotIndex(w.B, 3)].rights = [.r]
            var ctxWorld = w
            ctxWorld.flows = []
            return Check.edge("INFO-1", w.state, .invoke(cpu: cpu0, .ipcSleep(timeout: .zero)), StepResult(.ipc(.retimeout), actor: w.a), after,
                              ctxWorld.context())
        },
        PropertyCase("INFO-2", "a reply to a caller is a flow DA → DB the policy lacks") {
            let (b, e, r, a, ctx) = replyToCaller(flows: onlyBtoA)
            return Check.edge("INFO-2", b, e, r, a, ctx)
        },
        PropertyCase("INFO-2", "A's message changes b although DA may not flow to DB") {
            let (b, e, r, a, ctx) = gateSend(flows: [])
            return Check.edge("INFO-2", b, e, r, a, ctx)
        },
    ]

    static let positive: [PropertyCase] = [
        PropertyCase("INFO-1", "allowed flow, and a reply to a consenting caller without DA → DB") {
            let (b1, e1, r1, a1, c1) = gateSend(flows: both)
            let (b2, e2, r2, a2, c2) = replyToCaller(flows: onlyBtoA)
            return Check.edge("INFO-1", b1, e1, r1, a1, c1) + Check.edge("INFO-1", b2, e2, r2, a2, c2)
        },
        PropertyCase("INFO-2", "allowed flows: send and reply") {
            let (b1, e1, r1, a1, c1) = gateSend(flows: both)
            let (b2, e2, r2, a2, c2) = replyToCaller(flows: both)
            return Check.edge("INFO-2", b1, e1, r1, a1, c1) + Check.edge("INFO-2", b2, e2, r2, a2, c2)
        },
    ]
}

@Suite("Information-flow properties")
struct InformationFlowTests {
    @Test(arguments: InformationFlowCases.negative)
    func rejects(_ c: PropertyCase) {
        #expect(!c.run().isEmpty, "\(c.id) accepted a violating input: \(c.note)")
    }

    @Test(arguments: InformationFlowCases.positive)
    func holds(_ c: PropertyCase) {
        let v = c.run()
        #expect(v.isEmpty, "\(c.id): \(v)")
    }

    @Test func localRespectIsStricterThanIntegrity() {
        // The consenting caller may be woken by the reply (INFO-1), but the reply
        // still changes DB's view, which local respect forbids without a flow.
        let (b, e, r, a, ctx) = InformationFlowCases.replyToCaller(flows: InformationFlowCases.onlyBtoA)
        #expect(Check.edge("INFO-1", b, e, r, a, ctx).isEmpty)
        let v = Check.edge("INFO-2", b, e, r, a, ctx)
        #expect(v.contains { $0.contains("changed b of DB") })
    }

    @Test func ticksAndIrqLinesAreNotJudged() {
        let w = World()
        var after = w.state
        after.threads[w.b.index].mr[0] = 1
        var ctxWorld = w
        ctxWorld.flows = []
        for id in ["INFO-1", "INFO-2"] {
            #expect(Check.edge(id, w.state, .tick(cpu: cpu0), StepResult(.success, actor: w.a), after, ctxWorld.context()).isEmpty)
            #expect(Check.edge(id, w.state, .irqLine(1), StepResult(.success, actor: nil), after, ctxWorld.context()).isEmpty)
        }
    }
}

import Properties
import Scenarios
import Spec
import Testing

enum IpcCases {
    /// b waits openly (after a tick made it current); a is current again.
    static func receiverWaiting(_ w: World) -> KernelState {
        var s = w.state
        _ = s.apply(.tick(cpu: cpu0))
        _ = s.invoke(.ipcWait(timeout: .never, buffer: .none))
        return s
    }

    static let sendThroughGate = Invocation.ipcSend(cap: .slot(SlotIndex(4)), Message(words: [5], label: 3), timeout: .never)
    static let callThroughGate = Invocation.ipcCall(cap: .slot(SlotIndex(4)), Message(words: [1]), send: .never, receive: .never, buffer: .none)

    /// A real step: a sends [5] through g to the waiting b.
    static func gateSend() -> (before: KernelState, event: Event, result: StepResult, after: KernelState, ctx: CheckContext, w: World) {
        let w = World()
        let before = receiverWaiting(w)
        var after = before
        let ev = Event.invoke(cpu: cpu0, sendThroughGate)
        let r = after.apply(ev)
        return (before, ev, r, after, w.context(), w)
    }

    /// Lasso for IPC-8: b accepts a's call, then sleeps forever; a spinner keeps ticking.
    static func unansweredCall() -> (World, CheckContext, KernelState) {
        var w = World()
        _ = w.thread(in: w.A, name: "spin")
        let ctx = w.context()
        var s = w.state
        _ = s.apply(.tick(cpu: cpu0))                       // b runs
        _ = s.invoke(.ipcWait(timeout: .never, buffer: .none))
        _ = s.apply(.tick(cpu: cpu0))                       // spin → back of the list; a runs
        _ = s.invoke(callThroughGate)                       // b gets the call, a waits for the reply
        _ = s.invoke(.ipcSleep(timeout: .never))            // b never replies
        return (w, ctx, s)
    }

    static let negative: [PropertyCase] = [
        PropertyCase("IPC-1", "b's registers change though nobody holds a channel to it") {
            let w = World()
            var after = w.state
            after.threads[w.b.index].mr[0] = 42
            after.threads[w.b.index].mrCount = 1
            return Check.edge("IPC-1", w.state, .tick(cpu: cpu0), StepResult(.success, actor: w.a), after, w.context())
        },
        PropertyCase("IPC-1", "a becomes a sender at b without a capability") {
            let w = World(gateInA: false)
            var after = w.state
            after.threads[w.a.index].state = .sending
            after.threads[w.a.index].partner = w.b.raw
            after.threads[w.b.index].queueHead = w.a.raw
            return Check.edge("IPC-1", w.state, .tick(cpu: cpu0), StepResult(.success, actor: w.a), after, w.context())
        },
        PropertyCase("IPC-2", "the receiver sees a label other than gate label | W") {
            var t = gateSend()
            t.after.threads[t.w.b.index].rcvLabel = 77
            return Check.edge("IPC-2", t.before, t.event, t.result, t.after, t.ctx)
        },
        PropertyCase("IPC-2", "a gate's label changes without bind_thread") {
            let w = World()
            var after = w.state
            after.gates[w.g.index].label = 12
            return Check.edge("IPC-2", w.state, .tick(cpu: cpu0), StepResult(.success, actor: w.a), after, w.context())
        },
        PropertyCase("IPC-3", "a thread is sending but not queued") {
            let w = World()
            var s = w.state
            s.threads[w.a.index].state = .sending
            s.threads[w.a.index].partner = w.b.raw
            return Check.state("IPC-3", s, w.context())
        },
        PropertyCase("IPC-4", "a reply right names a caller that is not waiting") {
            let w = World()
            var s = w.state
            s.threads[w.b.index].replyTo = w.a.raw
            return Check.state("IPC-4", s, w.context())
        },
        PropertyCase("IPC-4", "two reply rights name the same caller") {
            let w = World()
            var s = w.state
            _ = s.apply(.tick(cpu: cpu0))
            _ = s.invoke(.ipcWait(timeout: .never, buffer: .none))
            _ = s.invoke(callThroughGate)
            s.threads[w.a.index].replyTo = w.a.raw
            return Check.state("IPC-4", s, w.context())
        },
        PropertyCase("IPC-5", "an open-waiting receiver with a queued sender") {
            let w = World()
            var s = w.state
            s.threads[w.b.index].state = .receiving
            s.threads[w.b.index].partner = 0xFF
            s.threads[w.b.index].queueHead = w.a.raw
            s.threads[w.a.index].state = .sending
            s.threads[w.a.index].partner = w.b.raw
            return Check.state("IPC-5", s, w.context())
        },
        PropertyCase("IPC-5", "a sender blocked on a bound gate") {
            let w = World()
            var s = w.state
            s.threads[w.a.index].state = .onGate
            s.threads[w.a.index].partner = w.g.raw
            s.gates[w.g.index].waitHead = w.a.raw
            return Check.state("IPC-5", s, w.context())
        },
        PropertyCase("IPC-6", "the receiver gets other words than were sent") {
            var t = gateSend()
            t.after.threads[t.w.b.index].mr[0] = 99
            return Check.edge("IPC-6", t.before, t.event, t.result, t.after, t.ctx)
        },
        PropertyCase("IPC-6", "an IPC puts a capability outside the receive window") {
            var t = gateSend()
            t.after.slots[KernelState.slotIndex(t.w.B, 6)] = Slot(.thread(t.w.a), rights: [.r])
            return Check.edge("IPC-6", t.before, t.event, t.result, t.after, t.ctx)
        },
        PropertyCase("IPC-7", "an ex_regs cancel reports success instead of RECANCELED") {
            var w = World()
            w.cap(.thread(w.b), in: w.A, at: 5)
            let ctx = w.context()
            let before = receiverWaiting(w)
            var after = before
            let inv = Invocation.threadExRegs(thread: .slot(SlotIndex(5)), cancel: true)
            let r = after.invoke(inv)
            after.threads[w.b.index].resultKind = 1
            after.threads[w.b.index].resultCode = 0
            return Check.edge("IPC-7", before, .invoke(cpu: cpu0, inv), r, after, ctx)
        },
        PropertyCase("IPC-7", "a thread stays blocked on a deleted gate") {
            let w = World()
            var after = w.state
            after.gates[w.g.index] = GateRecord()
            after.threads[w.a.index].state = .onGate
            after.threads[w.a.index].partner = w.g.raw
            return Check.edge("IPC-7", w.state, .tick(cpu: cpu0), StepResult(.success, actor: w.a), after, w.context())
        },
        PropertyCase("IPC-8", "a call never answered while a spinner ticks (fair lasso)") {
            let (_, ctx, s) = unansweredCall()
            guard let inst = Check.instance("IPC-8", "a", ctx) else { Issue.record("no instance"); return ["no instance"] }
            var next = s
            let r = next.apply(.tick(cpu: cpu0))
            #expect(r.outcome == .success)
            return Check.lassoViolates(when: inst.when, goal: inst.goal, start: s, cycle: [(.tick(cpu: cpu0), next)]) ? ["fair lasso never answers a"] : []
        },
        PropertyCase("IPC-8", "a send-phase call cycle: a deadlock state (no thread can run)") {
            let (_, ctx, s) = callCycle()
            guard let inst = Check.instance("IPC-8", "a", ctx) else { Issue.record("no instance"); return ["no instance"] }
            #expect(s.current(on: cpu0) == nil)
            return inst.when(s) && !inst.goal(s) && s.current(on: cpu0) == nil ? ["a and b wait for each other forever"] : []
        },
    ]

    /// Send-phase deadlock: a calls b while b runs, then b calls a; nobody can run.
    static func callCycle() -> (World, CheckContext, KernelState) {
        var w = World()
        w.cap(.thread(w.a), in: w.B, at: 5, rights: [.w])
        let ctx = w.context()
        var s = w.state
        _ = s.invoke(callThroughGate)
        _ = s.invoke(.ipcCall(cap: .slot(SlotIndex(5)), Message(words: [1]), send: .never, receive: .never, buffer: .none))
        return (w, ctx, s)
    }

    static let positive: [PropertyCase] = [
        PropertyCase("IPC-1", "gate send, call and reply") {
            let w = World()
            let ctx = w.context()
            let s = receiverWaiting(w)
            let (end, results, _) = Check.run(s, [.invoke(cpu: cpu0, callThroughGate), .invoke(cpu: cpu0, .ipcReply(Message(words: [2])))], ctx)
            #expect(results.map(\.outcome) == [.blocked, .success])
            #expect(end.receivedWords(w.a) == [2])
            var out: [String] = []
            var st = s
            for ev in [Event.invoke(cpu: cpu0, callThroughGate), .invoke(cpu: cpu0, .ipcReply(Message(words: [2])))] {
                let before = st
                let r = st.apply(ev)
                out += Check.edge("IPC-1", before, ev, r, st, ctx)
            }
            return out
        },
        PropertyCase("IPC-2", "label through the gate, delivered and queued") {
            let t = gateSend()
            #expect(t.after.thread(t.w.b).rcvLabel == 9)
            var queued = t.w.state
            let ev = Event.invoke(cpu: cpu0, sendThroughGate)
            let r = queued.apply(ev)
            #expect(r.outcome == .blocked)
            return Check.edge("IPC-2", t.before, t.event, t.result, t.after, t.ctx) + Check.edge("IPC-2", t.w.state, ev, r, queued, t.ctx)
        },
        PropertyCase("IPC-3", "a sender queued at a busy receiver") {
            let w = World()
            var s = w.state
            _ = s.invoke(sendThroughGate)
            #expect(s.senderQueue(w.b) == [.thread(w.a)])
            return Check.state("IPC-3", w.state, w.context()) + Check.state("IPC-3", s, w.context())
        },
        PropertyCase("IPC-4", "the callee holds the reply right while the caller waits") {
            let w = World()
            var s = receiverWaiting(w)
            _ = s.invoke(callThroughGate)
            #expect(s.thread(w.b).replyTo == w.a.raw)
            return Check.state("IPC-4", s, w.context())
        },
        PropertyCase("IPC-5", "waiting and queued states") {
            let w = World()
            var s = receiverWaiting(w)
            var queued = w.state
            _ = queued.invoke(sendThroughGate)
            let out = Check.state("IPC-5", s, w.context()) + Check.state("IPC-5", queued, w.context())
            _ = s.invoke(callThroughGate)
            return out + Check.state("IPC-5", s, w.context())
        },
        PropertyCase("IPC-6", "words arrive exactly") {
            let t = gateSend()
            #expect(t.after.receivedWords(t.w.b) == [5])
            return Check.edge("IPC-6", t.before, t.event, t.result, t.after, t.ctx)
        },
        PropertyCase("IPC-7", "ex_regs cancel and deletion of an unbound gate") {
            var w = World()
            w.cap(.thread(w.b), in: w.A, at: 5)
            w.cap(.task(w.B), in: w.A, at: 7, rights: [.w])
            let ctx = w.context()
            var out: [String] = []
            var s = receiverWaiting(w)
            func step(_ ev: Event) -> StepResult {
                let before = s
                let r = s.apply(ev)
                out += Check.edge("IPC-7", before, ev, r, s, ctx)
                return r
            }
            _ = step(.invoke(cpu: cpu0, .threadExRegs(thread: .slot(SlotIndex(5)), cancel: true)))
            #expect(s.lastResult(w.b) == .ipc(.recanceled))
            // b now runs (woken at the front); let a run again.
            _ = step(.tick(cpu: cpu0))
            _ = step(.invoke(cpu: cpu0, .factoryCreate(factory: .slot(SlotIndex(2)), kind: .gate(label: 0, thread: nil), slot: SlotIndex(6))))
            _ = step(.invoke(cpu: cpu0, .taskMap(dst: .slot(SlotIndex(7)), src: .slot(SlotIndex(1)),
                                                 item: SendItem(space: .object, index: 6, rights: CapRights.all.rawValue), order: 0, sndBase: 6)))
            _ = step(.tick(cpu: cpu0))
            #expect(s.current(on: cpu0) == w.b)
            _ = step(.invoke(cpu: cpu0, .ipcSend(cap: .slot(SlotIndex(6)), Message(words: [1]), timeout: .never)))
            #expect(s.thread(w.b).state == .onGate)
            _ = step(.invoke(cpu: cpu0, .taskUnmap(task: .slot(SlotIndex(1)), space: .object, index: 6, order: 0, rights: CapRights.all.rawValue,
                                                   scope: .allSpaces, delete: true)))
            #expect(s.lastResult(w.b) == .ipc(.enotExistent))
            return out
        },
        PropertyCase("IPC-8", "the callee runs, then answers") {
            var w = World()
            _ = w.thread(in: w.A, name: "spin")
            let ctx = w.context()
            guard let inst = Check.instance("IPC-8", "a", ctx) else { Issue.record("no instance"); return ["no instance"] }
            var s = w.state
            _ = s.apply(.tick(cpu: cpu0))                       // b runs
            _ = s.invoke(.ipcWait(timeout: .never, buffer: .none))
            _ = s.apply(.tick(cpu: cpu0))                       // a runs
            _ = s.invoke(callThroughGate)                       // b gets the call and the CPU
            _ = s.apply(.tick(cpu: cpu0))                       // spin runs: b is ready but not running
            var out: [String] = []
            if !inst.when(s) { out.append("the waiting caller does not satisfy 'when'") }
            if inst.goal(s) { out.append("the goal holds while the callee does not run") }
            _ = s.apply(.tick(cpu: cpu0))                       // the fair tick gives b the CPU
            if !inst.goal(s) { out.append("the goal does not hold when the callee runs") }
            _ = s.invoke(.ipcReply(Message(words: [2])))
            if !inst.goal(s) || inst.when(s) { out.append("the answered caller still waits") }
            return out
        },
    ]
}

@Suite("IPC properties")
struct IpcTests {
    @Test(arguments: IpcCases.negative)
    func rejects(_ c: PropertyCase) {
        #expect(!c.run().isEmpty, "\(c.id) accepted a violating input: \(c.note)")
    }

    @Test(arguments: IpcCases.positive)
    func holds(_ c: PropertyCase) {
        let v = c.run()
        #expect(v.isEmpty, "\(c.id): \(v)")
    }

    @Test func ipc1DetectsTheMissingAuthority() {
        let w = World()
        var after = w.state
        after.threads[w.b.index].rcvLabel = 5
        let v = Check.edge("IPC-1", w.state, .tick(cpu: cpu0), StepResult(.success, actor: w.a), after, w.context())
        #expect(v.count == 1)
        #expect(v.first?.hasPrefix("b received a message") == true)
    }
}

import Properties
import Scenarios
import Spec
import Testing

enum SchedulingCases {
    static let negative: [PropertyCase] = [
        PropertyCase("SCHED-1", "a ready thread is missing from its CPU's list") {
            let w = World()
            var s = w.state
            s.ready[0].entries[1] = 0xFF
            s.ready[0].count = 1
            return Check.state("SCHED-1", s, w.context())
        },
        PropertyCase("SCHED-1", "a blocked thread stays listed") {
            let w = World()
            var s = w.state
            s.threads[w.b.index].state = .receiving
            return Check.state("SCHED-1", s, w.context())
        },
        PropertyCase("SCHED-2", "a lower priority runs while a higher one is ready") {
            let w = World()
            var s = w.state
            s.threads[w.b.index].prio = 50
            return Check.state("SCHED-2", s, w.context())
        },
        PropertyCase("SCHED-2", "the CPU idles while threads are ready") {
            let w = World()
            var s = w.state
            s.ready[0] = ReadyList()
            return Check.state("SCHED-2", s, w.context())
        },
        PropertyCase("SCHED-3", "a woken thread is put behind its equal-priority peer") {
            var t = IpcCases.gateSend()
            #expect(t.after.readyThreads(cpu0) == [t.w.b, t.w.a])
            t.after.ready[0].entries[0] = t.w.a.raw
            t.after.ready[0].entries[1] = t.w.b.raw
            return Check.edge("SCHED-3", t.before, t.event, t.result, t.after, t.ctx)
        },
        PropertyCase("SCHED-3", "a tick does not rotate the running thread") {
            let w = World()
            return Check.edge("SCHED-3", w.state, .tick(cpu: cpu0), StepResult(.success, actor: w.a), w.state, w.context())
        },
        PropertyCase("SCHED-4", "a priority changes in a tick") {
            let w = World()
            var after = w.state
            after.threads[w.b.index].prio = 30
            return Check.edge("SCHED-4", w.state, .tick(cpu: cpu0), StepResult(.success, actor: w.a), after, w.context())
        },
        PropertyCase("SCHED-4", "run_thread sets another priority than requested") {
            var w = World()
            w.cap(.scheduler, in: w.A, at: 5)
            w.cap(.thread(w.b), in: w.A, at: 6)
            let ctx = w.context()
            var after = w.state
            let inv = Invocation.schedulerRunThread(scheduler: .slot(SlotIndex(5)), thread: SlotIndex(6), prio: 20, cpu: 0)
            let r = after.invoke(inv)
            after.threads[w.b.index].prio = 21
            return Check.edge("SCHED-4", w.state, .invoke(cpu: cpu0, inv), r, after, ctx)
        },
        PropertyCase("SCHED-5", "a tick that never rotates starves an equal peer (fair lasso)") {
            let w = World()
            guard let inst = Check.instance("SCHED-5", "b", w.context()) else { Issue.record("no instance"); return ["no instance"] }
            return Check.lassoViolates(when: inst.when, goal: inst.goal, start: w.state, cycle: [(.tick(cpu: cpu0), w.state)])
                ? ["b waits forever"] : []
        },
        PropertyCase("SCHED-6", "a tick leaves the waiting thread where it was") {
            let w = World()
            return Check.edge("SCHED-6", w.state, .tick(cpu: cpu0), StepResult(.success, actor: w.a), w.state, w.context())
        },
        PropertyCase("SCHED-6", "a peer that was behind overtakes without being made ready") {
            var w = World()
            let c = w.thread(in: w.A, name: "c")
            var after = w.state
            after.ready[0].entries[1] = c.raw
            after.ready[0].entries[2] = w.b.raw
            return Check.edge("SCHED-6", w.state, .invoke(cpu: cpu0, .ipcSleep(timeout: .zero)), StepResult(.success, actor: w.a), after, w.context())
        },
    ]

    static let positive: [PropertyCase] = [
        PropertyCase("SCHED-1", "boot, block and wake") {
            let t = IpcCases.gateSend()
            return Check.state("SCHED-1", t.w.state, t.ctx) + Check.state("SCHED-1", t.before, t.ctx) + Check.state("SCHED-1", t.after, t.ctx)
        },
        PropertyCase("SCHED-2", "boot, block and wake") {
            let t = IpcCases.gateSend()
            #expect(t.after.current(on: cpu0) == t.w.b)
            return Check.state("SCHED-2", t.w.state, t.ctx) + Check.state("SCHED-2", t.before, t.ctx) + Check.state("SCHED-2", t.after, t.ctx)
        },
        PropertyCase("SCHED-3", "wake-up to the front, tick to the back") {
            let t = IpcCases.gateSend()
            var ticked = t.w.state
            let r = ticked.apply(.tick(cpu: cpu0))
            #expect(ticked.readyThreads(cpu0) == [t.w.b, t.w.a])
            return Check.edge("SCHED-3", t.before, t.event, t.result, t.after, t.ctx)
                + Check.edge("SCHED-3", t.w.state, .tick(cpu: cpu0), r, ticked, t.ctx)
        },
        PropertyCase("SCHED-4", "run_thread with a scheduler and a thread capability") {
            var w = World()
            w.cap(.scheduler, in: w.A, at: 5)
            w.cap(.thread(w.b), in: w.A, at: 6)
            let ctx = w.context()
            var after = w.state
            let inv = Invocation.schedulerRunThread(scheduler: .slot(SlotIndex(5)), thread: SlotIndex(6), prio: 20, cpu: 0)
            let r = after.invoke(inv)
            #expect(after.thread(w.b).prio == 20)
            return Check.edge("SCHED-4", w.state, .invoke(cpu: cpu0, inv), r, after, ctx)
        },
        PropertyCase("SCHED-5", "a tick lets the waiting peer run") {
            let w = World()
            guard let inst = Check.instance("SCHED-5", "b", w.context()) else { Issue.record("no instance"); return ["no instance"] }
            var s = w.state
            var out: [String] = []
            if !inst.when(s) { out.append("b waiting does not satisfy 'when'") }
            if inst.goal(s) { out.append("b waiting already satisfies the goal") }
            _ = s.apply(.tick(cpu: cpu0))
            if !inst.goal(s) { out.append("b does not run after the tick") }
            return out
        },
        PropertyCase("SCHED-6", "ticks move the waiting thread forward; a woken peer may overtake") {
            var w = World()
            _ = w.thread(in: w.A, name: "c")
            let ctx = w.context()
            var s = w.state
            var out: [String] = []
            let events: [Event] = [
                .tick(cpu: cpu0),                                                    // [b, c, a]
                .invoke(cpu: cpu0, .ipcWait(timeout: .never, buffer: .none)),       // b waits: [c, a]
                .tick(cpu: cpu0),                                                    // [a, c]
                .invoke(cpu: cpu0, IpcCases.sendThroughGate),                        // b woken ahead: [b, a, c]
            ]
            for e in events {
                let before = s
                let r = s.apply(e)
                out += Check.edge("SCHED-6", before, e, r, s, ctx)
            }
            #expect(s.readyThreads(cpu0).count == 3)
            return out
        },
    ]
}

@Suite("Scheduling properties")
struct SchedulingTests {
    @Test(arguments: SchedulingCases.negative)
    func rejects(_ c: PropertyCase) {
        #expect(!c.run().isEmpty, "\(c.id) accepted a violating input: \(c.note)")
    }

    @Test(arguments: SchedulingCases.positive)
    func holds(_ c: PropertyCase) {
        let v = c.run()
        #expect(v.isEmpty, "\(c.id): \(v)")
    }

    @Test func corruptReadyListsAreReportedNotTrapped() {
        let w = World()
        var s = w.state
        s.ready[0].entries[0] = 0xFF
        for id in ["SCHED-1", "SCHED-2"] {
            #expect(!Check.state(id, s, w.context()).isEmpty)
        }
        #expect(Check.edge("SCHED-3", s, .tick(cpu: cpu0), StepResult(.success, actor: nil), s, w.context()).isEmpty)
    }
}

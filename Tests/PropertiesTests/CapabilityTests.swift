import Properties
import Scenarios
import Spec
import Testing

enum CapabilityCases {
    static let negative: [PropertyCase] = [
        PropertyCase("CAP-1", "a slot names a freed gate") {
            let w = World()
            var s = w.state
            s.slots[KernelState.slotIndex(w.B, 6)] = Slot(.gate(GateID(3)), rights: .all)
            return Check.state("CAP-1", s, w.context())
        },
        PropertyCase("CAP-1", "a thread is blocked sending to a freed thread") {
            let w = World()
            var s = w.state
            s.threads[w.a.index].state = .sending
            s.threads[w.a.index].partner = 5
            return Check.state("CAP-1", s, w.context())
        },
        PropertyCase("CAP-2", "A holds B's gate but the policy has no flow A → B") {
            var w = World()
            w.flows = []
            return Check.state("CAP-2", w.state, w.context())
        },
        PropertyCase("CAP-2", "a frame writable in A is mapped in B without a flow A → B") {
            var w = World(gateInA: false)
            w.flows = []
            w.page(w.B, 1, frame: 0, rights: [.r], from: (w.A, 0))
            return Check.state("CAP-2", w.state, w.context())
        },
        PropertyCase("CAP-3", "a slot gains a factory capability in a tick") {
            let w = World()
            var after = w.state
            after.slots[KernelState.slotIndex(w.B, 5)] = Slot(.factory(w.fa), rights: .all)
            return Check.edge("CAP-3", w.state, .tick(cpu: cpu0), StepResult(.success, actor: w.a), after, w.context())
        },
        PropertyCase("CAP-3", "a task.map yields more rights than the source holds") {
            var w = World()
            w.cap(.task(w.B), in: w.A, at: 5, rights: [.w])
            let ctx = w.context()
            var after = w.state
            let inv = Invocation.taskMap(dst: .slot(SlotIndex(5)), src: .slot(SlotIndex(1)),
                                         item: SendItem(space: .object, index: 4, rights: CapRights.all.rawValue), order: 0, sndBase: 6)
            let r = after.invoke(inv)
            #expect(after.slot(w.B, SlotIndex(6)).ref == .gate(w.g))
            after.slots[KernelState.slotIndex(w.B, 6)].rights = .all   // the source (A slot 4) has W only
            return Check.edge("CAP-3", w.state, .invoke(cpu: cpu0, inv), r, after, ctx)
        },
        PropertyCase("CAP-4", "a task of one island holds a thread capability of another island") {
            let w = World(gateInA: false)
            let ctx = w.context()
            var s = w.state
            s.slots[KernelState.slotIndex(w.A, 5)] = Slot(.thread(w.b), rights: .all)
            s.threads[w.b.index].counted += 1
            return Check.state("CAP-4", s, ctx)
        },
        PropertyCase("CAP-4", "a task maps a frame of another island") {
            let w = World(gateInA: false)
            let ctx = w.context()
            var s = w.state
            s.pages[KernelState.pageIndex(w.A, 1)] = PageEntry(frame: FrameID(1), rights: [.r], parent: KernelState.pageIndex(w.B, 0))
            return Check.state("CAP-4", s, ctx)
        },
        PropertyCase("CAP-5", "a counter disagrees with the counted slots") {
            let w = World()
            var s = w.state
            s.tasks[w.B.index].counted = 5
            return Check.state("CAP-5", s, w.context())
        },
        PropertyCase("CAP-5", "a live object created at run time has no counted capability") {
            let w = World()
            let ctx = w.context()
            var s = w.state
            _ = s.invoke(.factoryCreate(factory: .slot(SlotIndex(2)), kind: .gate(label: 0, thread: nil), slot: SlotIndex(5)))
            guard let ref = s.slot(w.A, SlotIndex(5)).ref, ref.kind == .gate else { Issue.record("setup failed"); return ["setup failed"] }
            s.slots[KernelState.slotIndex(w.A, 5)] = Slot()
            s.gates[Int(ref.index)].counted = 0
            return Check.state("CAP-5", s, ctx)
        },
        PropertyCase("CAP-5", "a deleted object is still named by a slot") {
            let w = World()
            var s = w.state
            s.gates[w.g.index].life = .zombie
            return Check.state("CAP-5", s, w.context())
        },
        PropertyCase("CAP-6", "a deleted task still holds capabilities") {
            let w = World()
            var s = w.state
            s.tasks[w.B.index].life = .zombie
            return Check.state("CAP-6", s, w.context())
        },
        PropertyCase("CAP-6", "a torn-down thread is still in a ready list") {
            let w = World()
            var s = w.state
            s.threads[w.b.index].life = .zombie
            s.threads[w.b.index].state = .dead
            return Check.state("CAP-6", s, w.context())
        },
    ]

    /// A session that deletes task B: B's thread is killed, torn down on its next event, and B is freed.
    static func deleteB() -> (World, CheckContext, [Event]) {
        var w = World()
        w.cap(.task(w.B), in: w.A, at: 5)
        // Without D on B's gate capability the gate survives B's deletion and keeps b allocated.
        w.state.slots[KernelState.slotIndex(w.B, 4)].rights = [.r, .w, .s]
        let ctx = w.context()
        let events: [Event] = [
            .invoke(cpu: cpu0, .taskUnmap(task: .slot(SlotIndex(1)), space: .object, index: 5, order: 0, rights: CapRights.all.rawValue,
                                          scope: .allSpaces, delete: true)),
            .tick(cpu: cpu0),
        ]
        return (w, ctx, events)
    }

    static let positive: [PropertyCase] = [
        PropertyCase("CAP-1", "boot state and after deleting task B") {
            let (w, ctx, events) = deleteB()
            let (s, _, _) = Check.run(w.state, events, ctx)
            return Check.state("CAP-1", w.state, ctx) + Check.state("CAP-1", s, ctx)
        },
        PropertyCase("CAP-2", "policy allows both flows; after A calls B through the gate") {
            let w = World()
            let ctx = w.context()
            var s = w.state
            _ = s.invoke(.ipcCall(cap: .slot(SlotIndex(4)), Message(words: [1]), send: .never, receive: .never, buffer: .none))
            return Check.state("CAP-2", w.state, ctx) + Check.state("CAP-2", s, ctx)
        },
        PropertyCase("CAP-3", "factory.create, task.map and an IPC transfer into a window") {
            var w = World()
            w.cap(.task(w.B), in: w.A, at: 5, rights: [.w])
            let ctx = w.context()
            let events: [Event] = [
                .invoke(cpu: cpu0, .factoryCreate(factory: .slot(SlotIndex(2)), kind: .gate(label: 0, thread: nil), slot: SlotIndex(6))),
                .invoke(cpu: cpu0, .taskMap(dst: .slot(SlotIndex(5)), src: .slot(SlotIndex(1)),
                                            item: SendItem(space: .object, index: 6, rights: CapRights.all.rawValue), order: 0, sndBase: 6)),
                .tick(cpu: cpu0),
                .invoke(cpu: cpu0, .ipcWait(timeout: .never, buffer: .object(SlotIndex(7)))),
                .invoke(cpu: cpu0, .ipcSend(cap: .slot(SlotIndex(4)), Message(item: SendItem(space: .object, index: 3, rights: CapRights([.r, .w]).rawValue)),
                                            timeout: .never)),
            ]
            var s = w.state
            var out: [String] = []
            for e in events {
                let before = s
                let r = s.apply(e)
                out += Check.edge("CAP-3", before, e, r, s, ctx)
            }
            #expect(s.slot(w.B, SlotIndex(6)).ref?.kind == .gate)
            #expect(s.slot(w.B, SlotIndex(7)).ref == .thread(w.a))
            return out
        },
        PropertyCase("CAP-4", "separate islands stay separate while each side acts") {
            let w = World(gateInA: false)
            let ctx = w.context()
            var s = w.state
            _ = s.invoke(.factoryCreate(factory: .slot(SlotIndex(2)), kind: .thread, slot: SlotIndex(5)))
            return Check.state("CAP-4", w.state, ctx) + Check.state("CAP-4", s, ctx)
        },
        PropertyCase("CAP-5", "counts exact through creation and deletion") {
            let (w, ctx, events) = deleteB()
            let (s, _, _) = Check.run(w.state, events, ctx)
            return Check.state("CAP-5", w.state, ctx) + Check.state("CAP-5", s, ctx)
        },
        PropertyCase("CAP-6", "deleting task B: B empty, b torn down, B freed") {
            let (w, ctx, events) = deleteB()
            var s = w.state
            var out: [String] = []
            for e in events {
                _ = s.apply(e)
                out += Check.state("CAP-6", s, ctx)
            }
            #expect(s.task(w.B).life == .free)
            #expect(s.thread(w.b).life == .zombie)   // still named by gate g's binding
            return out
        },
    ]
}

@Suite("Capability properties")
struct CapabilityTests {
    @Test(arguments: CapabilityCases.negative)
    func rejects(_ c: PropertyCase) {
        let v = c.run()
        #expect(!v.isEmpty, "\(c.id) accepted a violating input: \(c.note)")
    }

    @Test(arguments: CapabilityCases.positive)
    func holds(_ c: PropertyCase) {
        let v = c.run()
        #expect(v.isEmpty, "\(c.id): \(v)")
    }

    @Test func islandsOfTheWorld() {
        let ctx = World(gateInA: false).context()
        // Without the gate capability A and B are separate islands, so a task-map of
        // B's thread into A would be reported; with it they are one island.
        var w = World(gateInA: false)
        w.cap(.thread(w.b), in: w.A, at: 5)
        #expect(Check.state("CAP-4", w.state, ctx).count == 1)
        #expect(Check.state("CAP-4", w.state, w.context()).isEmpty)
    }

    @Test func authorityMessagesNameTheEdge() {
        var w = World()
        w.flows = [Policy.Flow(from: "DB", to: "DA")]
        let v = Check.state("CAP-2", w.state, w.context())
        #expect(v.count == 1)
        #expect(v.first?.contains("A slot 4 holds a capability to g") == true)
        #expect(v.first?.contains("DA → DB") == true)
    }
}

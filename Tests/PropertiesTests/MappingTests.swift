import Properties
import Scenarios
import Spec
import Testing

enum MappingCases {
    /// A world in which A holds a task capability to B (W) in slot 5.
    static func mapper() -> (World, CheckContext) {
        var w = World()
        w.cap(.task(w.B), in: w.A, at: 5, rights: [.w])
        return (w, w.context())
    }

    /// a maps its page 0 to B's page 1 with `rights`.
    static func mapToB(_ rights: MemRights) -> Invocation {
        .taskMap(dst: .slot(SlotIndex(5)), src: .slot(SlotIndex(1)), item: SendItem(space: .memory, index: 0, rights: rights.rawValue),
                 order: 0, sndBase: 1)
    }

    /// a unmaps its page 0 from every other space with `rights`.
    static func unmapOwn(_ rights: MemRights, scope: UnmapScope = .otherSpaces) -> Invocation {
        .taskUnmap(task: .slot(SlotIndex(1)), space: .memory, index: 0, order: 0, rights: rights.rawValue, scope: scope, delete: false)
    }

    static let negative: [PropertyCase] = [
        PropertyCase("MAP-1", "a mapping derives from an unmapped node") {
            let w = World()
            var s = w.state
            s.pages[KernelState.pageIndex(w.B, 1)] = PageEntry(frame: FrameID(0), rights: [.r], parent: KernelState.pageIndex(w.A, 3))
            return Check.state("MAP-1", s, w.context())
        },
        PropertyCase("MAP-1", "two nodes form a cycle") {
            let w = World()
            var s = w.state
            s.pages[KernelState.pageIndex(w.A, 1)] = PageEntry(frame: FrameID(5), rights: [.r], parent: KernelState.pageIndex(w.B, 1))
            s.pages[KernelState.pageIndex(w.B, 1)] = PageEntry(frame: FrameID(5), rights: [.r], parent: KernelState.pageIndex(w.A, 1))
            return Check.state("MAP-1", s, w.context())
        },
        PropertyCase("MAP-2", "a child maps another frame than its parent") {
            var w = World()
            w.page(w.B, 1, frame: 0, rights: [.r], from: (w.A, 0))
            var s = w.state
            s.pages[KernelState.pageIndex(w.B, 1)].frame = 1
            return Check.state("MAP-2", s, w.context())
        },
        PropertyCase("MAP-3", "a frame writable in A is mapped in B without a flow A → B") {
            var w = World(gateInA: false)
            w.flows = []
            w.page(w.B, 1, frame: 0, rights: [.r], from: (w.A, 0))
            return Check.state("MAP-3", w.state, w.context())
        },
        PropertyCase("MAP-3", "a node lies in a deleted task") {
            let w = World()
            var s = w.state
            s.tasks[w.B.index].life = .zombie
            return Check.state("MAP-3", s, w.context())
        },
        PropertyCase("MAP-4", "an unmap leaves the child mapping in B") {
            let (w, ctx) = mapper()
            var s = w.state
            _ = s.invoke(mapToB([.r, .w]))
            let ev = Event.invoke(cpu: cpu0, unmapOwn(.all))
            return Check.edge("MAP-4", s, ev, StepResult(.success, actor: w.a), s, ctx)
        },
        PropertyCase("MAP-4", "a downgrade leaves W in the child") {
            let (w, ctx) = mapper()
            var s = w.state
            _ = s.invoke(mapToB([.r, .w]))
            let ev = Event.invoke(cpu: cpu0, unmapOwn([.w]))
            return Check.edge("MAP-4", s, ev, StepResult(.success, actor: w.a), s, ctx)
        },
        PropertyCase("MAP-5", "a mapping names a frame outside user memory") {
            let w = World()
            var s = w.state
            s.pages[KernelState.pageIndex(w.B, 1)] = PageEntry(frame: FrameID(200), rights: [.r], parent: nil)
            return Check.state("MAP-5", s, w.context())
        },
        PropertyCase("MAP-5", "a capability names an object beyond the model's tables") {
            let w = World()
            var s = w.state
            s.slots[KernelState.slotIndex(w.B, 6)] = Slot(.gate(GateID(9)), rights: .all)
            return Check.state("MAP-5", s, w.context())
        },
    ]

    static let positive: [PropertyCase] = [
        PropertyCase("MAP-1", "after a map into B") {
            let (w, ctx) = mapper()
            var s = w.state
            _ = s.invoke(mapToB([.r]))
            #expect(s.page(w.B, PageIndex(1)).isMapped)
            return Check.state("MAP-1", w.state, ctx) + Check.state("MAP-1", s, ctx)
        },
        PropertyCase("MAP-2", "after a map and a W downgrade") {
            let (w, ctx) = mapper()
            var s = w.state
            _ = s.invoke(mapToB([.r, .w]))
            let out = Check.state("MAP-2", s, ctx)
            _ = s.invoke(unmapOwn([.w]))
            #expect(s.page(w.B, PageIndex(1)).rights == [.r])
            return out + Check.state("MAP-2", s, ctx)
        },
        PropertyCase("MAP-2", "below a grant with a narrower mask (kernel-api §4.7)") {
            // A:2 (RWX) has the child B:1 (RW). Granting A:2 to B:2 with mask X moves the
            // node with X only; B:1 keeps RW, and a re-map of X from B:2 ORs X into it.
            var (w, _) = mapper()
            w.page(w.A, 2, frame: 2, rights: .all)
            w.page(w.B, 1, frame: 2, rights: [.r, .w], from: (w.A, 2))
            let ctx = w.context()
            var s = w.state
            let grant = Invocation.taskMap(dst: .slot(SlotIndex(5)), src: .slot(SlotIndex(1)),
                                           item: SendItem(space: .memory, index: 2, rights: MemRights.x.rawValue, grant: true),
                                           order: 0, sndBase: 2)
            let remap = Invocation.taskMap(dst: .slot(SlotIndex(5)), src: .slot(SlotIndex(5)),
                                           item: SendItem(space: .memory, index: 2, rights: MemRights.x.rawValue), order: 0, sndBase: 1)
            var out: [String] = []
            for inv in [grant, remap] {
                let before = s
                let r = s.invoke(inv)
                #expect(r.outcome == .success)
                out += Check.state("MAP-2", s, ctx) + Check.edge("CAP-3", before, .invoke(cpu: cpu0, inv), r, s, ctx)
            }
            #expect(!s.page(w.A, PageIndex(2)).isMapped)
            #expect(s.page(w.B, PageIndex(2)).rights == [.x])
            #expect(s.page(w.B, PageIndex(1)).rights == .all)
            return out
        },
        PropertyCase("MAP-3", "shared frame with the flow allowed") {
            let (w, ctx) = mapper()
            var s = w.state
            _ = s.invoke(mapToB([.r, .w]))
            return Check.state("MAP-3", s, ctx)
        },
        PropertyCase("MAP-4", "unmap, downgrade and task deletion") {
            var (w, _) = mapper()
            w.cap(.task(w.B), in: w.A, at: 6)   // D on B for the deletion
            let ctx = w.context()
            var s = w.state
            var out: [String] = []
            let events: [Invocation] = [
                mapToB([.r, .w]), unmapOwn([.w]), unmapOwn(.all), mapToB([.r]),
                .taskUnmap(task: .slot(SlotIndex(1)), space: .object, index: 6, order: 0, rights: CapRights.all.rawValue, scope: .allSpaces, delete: true),
            ]
            for inv in events {
                let before = s
                let r = s.invoke(inv)
                out += Check.edge("MAP-4", before, .invoke(cpu: cpu0, inv), r, s, ctx)
                if case .taskUnmap(_, .memory, _, _, let rights, _, _) = inv, rights & MemRights.r.rawValue != 0 {
                    #expect(!s.page(w.B, PageIndex(1)).isMapped)
                }
            }
            #expect(s.task(w.B).life != .live)
            return out
        },
        PropertyCase("MAP-5", "boot state and after a map") {
            let (w, ctx) = mapper()
            var s = w.state
            _ = s.invoke(mapToB([.r]))
            return Check.state("MAP-5", w.state, ctx) + Check.state("MAP-5", s, ctx)
        },
    ]
}

@Suite("Mapping properties")
struct MappingTests {
    @Test(arguments: MappingCases.negative)
    func rejects(_ c: PropertyCase) {
        #expect(!c.run().isEmpty, "\(c.id) accepted a violating input: \(c.note)")
    }

    @Test(arguments: MappingCases.positive)
    func holds(_ c: PropertyCase) {
        let v = c.run()
        #expect(v.isEmpty, "\(c.id): \(v)")
    }

    @Test func revocationReportsTheSurvivor() {
        let (w, ctx) = MappingCases.mapper()
        var s = w.state
        _ = s.invoke(MappingCases.mapToB([.r]))
        let v = Check.edge("MAP-4", s, .invoke(cpu: cpu0, MappingCases.unmapOwn(.all)), StepResult(.success, actor: w.a), s, ctx)
        #expect(v == ["B page 1 survives the unmap of A page 0"])
    }
}

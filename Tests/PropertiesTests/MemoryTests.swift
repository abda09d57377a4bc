import Properties
import Scenarios
import Spec
import Testing

enum MemoryCases {
    static let createGate = Invocation.factoryCreate(factory: .slot(SlotIndex(2)), kind: .gate(label: 0, thread: nil), slot: SlotIndex(5))
    static let deleteSlot5 = Invocation.taskUnmap(task: .slot(SlotIndex(1)), space: .object, index: 5, order: 0, rights: CapRights.all.rawValue,
                                                  scope: .allSpaces, delete: true)
    static let createBigFactory = Invocation.factoryCreate(factory: .slot(SlotIndex(2)), kind: .factory(limit: 100), slot: SlotIndex(5))

    /// A real step of a: `inv` from the world's boot state.
    static func step(_ inv: Invocation) -> (World, CheckContext, KernelState, StepResult, KernelState) {
        let w = World()
        var after = w.state
        let r = after.invoke(inv)
        return (w, w.context(), w.state, r, after)
    }

    static let negative: [PropertyCase] = [
        PropertyCase("MEM-1", "an account uses more than its limit") {
            let w = World()
            var s = w.state
            s.factories[w.fa.index].used = 25
            return Check.state("MEM-1", s, w.context())
        },
        PropertyCase("MEM-1", "a child factory is unlimited") {
            let w = World()
            var s = w.state
            s.factories[w.fa.index].unlimited = 1
            return Check.state("MEM-1", s, w.context())
        },
        PropertyCase("MEM-2", "an account's used amount disagrees with its objects") {
            let w = World()
            var s = w.state
            s.factories[w.fa.index].used += 1
            return Check.state("MEM-2", s, w.context())
        },
        PropertyCase("MEM-3", "a creation is not charged") {
            let (w, ctx, before, r, stepped) = step(createGate)
            var after = stepped
            after.factories[w.fa.index].used = before.factories[w.fa.index].used
            return Check.edge("MEM-3", before, .invoke(cpu: cpu0, createGate), r, after, ctx)
        },
        PropertyCase("MEM-3", "a deletion does not refund") {
            let w = World()
            let ctx = w.context()
            var before = w.state
            _ = before.invoke(createGate)
            var after = before
            let r = after.invoke(deleteSlot5)
            after.factories[w.fa.index].used = before.factories[w.fa.index].used
            return Check.edge("MEM-3", before, .invoke(cpu: cpu0, deleteSlot5), r, after, ctx)
        },
        PropertyCase("MEM-4", "an account changes in a step that allocates nothing from it") {
            let w = World()
            var after = w.state
            after.factories[w.root.index].used += 3
            return Check.edge("MEM-4", w.state, .tick(cpu: cpu0), StepResult(.success, actor: w.a), after, w.context())
        },
        PropertyCase("MEM-4", "factory.create charges another account") {
            let (w, ctx, before, r, stepped) = step(createGate)
            var after = stepped
            guard let ref = after.slot(w.A, SlotIndex(5)).ref else { Issue.record("setup failed"); return ["setup failed"] }
            after.gates[Int(ref.index)].quota = w.root.raw
            after.factories[w.fa.index].used -= 1
            after.factories[w.root.index].used += 1
            return Check.edge("MEM-4", before, .invoke(cpu: cpu0, createGate), r, after, ctx)
        },
        PropertyCase("MEM-5", "an out-of-quota create changes an account") {
            let (w, ctx, before, r, stepped) = step(createBigFactory)
            var after = stepped
            #expect(r.outcome == .error(.enomem))
            after.factories[w.fa.index].used += 5
            return Check.edge("MEM-5", before, .invoke(cpu: cpu0, createBigFactory), r, after, ctx)
        },
    ]

    static let positive: [PropertyCase] = [
        PropertyCase("MEM-1", "boot and after creations") {
            let (_, ctx, before, _, after) = step(createGate)
            return Check.state("MEM-1", before, ctx) + Check.state("MEM-1", after, ctx)
        },
        PropertyCase("MEM-2", "create, then delete") {
            let (_, ctx, before, _, after) = step(createGate)
            var deleted = after
            _ = deleted.invoke(deleteSlot5)
            return Check.state("MEM-2", before, ctx) + Check.state("MEM-2", after, ctx) + Check.state("MEM-2", deleted, ctx)
        },
        PropertyCase("MEM-3", "create charges, delete refunds") {
            let (w, ctx, before, r, after) = step(createGate)
            var deleted = after
            let r2 = deleted.invoke(deleteSlot5)
            #expect(deleted.factory(w.fa).used == before.factory(w.fa).used)
            return Check.edge("MEM-3", before, .invoke(cpu: cpu0, createGate), r, after, ctx)
                + Check.edge("MEM-3", after, .invoke(cpu: cpu0, deleteSlot5), r2, deleted, ctx)
        },
        PropertyCase("MEM-4", "a child factory's creation charges its parent only") {
            let big = Invocation.factoryCreate(factory: .slot(SlotIndex(2)), kind: .factory(limit: 5), slot: SlotIndex(5))
            let (w, ctx, before, r, after) = step(big)
            #expect(after.factory(w.fa).used == before.factory(w.fa).used + 6)
            #expect(after.factory(w.root).used == before.factory(w.root).used)
            return Check.edge("MEM-4", before, .invoke(cpu: cpu0, big), r, after, ctx)
        },
        PropertyCase("MEM-5", "an out-of-quota create changes nothing but the result") {
            let (_, ctx, before, r, after) = step(createBigFactory)
            #expect(r.outcome == .error(.enomem))
            return Check.edge("MEM-5", before, .invoke(cpu: cpu0, createBigFactory), r, after, ctx)
        },
    ]
}

@Suite("Memory properties")
struct MemoryTests {
    @Test(arguments: MemoryCases.negative)
    func rejects(_ c: PropertyCase) {
        #expect(!c.run().isEmpty, "\(c.id) accepted a violating input: \(c.note)")
    }

    @Test(arguments: MemoryCases.positive)
    func holds(_ c: PropertyCase) {
        let v = c.run()
        #expect(v.isEmpty, "\(c.id): \(v)")
    }
}

import Properties
import Scenarios
import Spec
import Testing

enum IrqCases {
    /// The world plus an unbound Irq on line 3 whose capability A holds in slot 6.
    static func withIrq() -> (World, IrqID) {
        var w = World()
        let i = w.irq(thread: nil, line: 3)
        w.cap(.irq(i), in: w.A, at: 6)
        return (w, i)
    }

    static let bindToA = Invocation.irqBind(irq: .slot(SlotIndex(6)), thread: SlotIndex(3), label: 4)

    static let negative: [PropertyCase] = [
        PropertyCase("IRQ-1", "a pending Irq is not masked") {
            let (w, i) = withIrq()
            var s = w.state
            s.irqs[i.index].delivery = .pending
            s.irqs[i.index].masked = 0
            return Check.state("IRQ-1", s, w.context())
        },
        PropertyCase("IRQ-1", "one line drives two Irqs") {
            var (w, _) = withIrq()
            _ = w.irq(thread: nil, line: 3)
            return Check.state("IRQ-1", w.state, w.context())
        },
        PropertyCase("IRQ-1", "a queued Irq sits in no queue") {
            var w = World()
            let i = w.irq(thread: w.a, line: 1)
            var s = w.state
            s.irqs[i.index].delivery = .queued
            return Check.state("IRQ-1", s, w.context())
        },
        PropertyCase("IRQ-2", "an Irq is rebound in a tick") {
            let (w, i) = withIrq()
            var after = w.state
            after.irqs[i.index].thread = w.b.raw
            return Check.edge("IRQ-2", w.state, .tick(cpu: cpu0), StepResult(.success, actor: w.a), after, w.context())
        },
        PropertyCase("IRQ-2", "a bind through a capability without S takes effect") {
            var w = World()
            let i = w.irq(thread: nil, line: 3)
            w.cap(.irq(i), in: w.A, at: 6, rights: [.w])
            let ctx = w.context()
            var after = w.state
            let r = after.invoke(bindToA)
            #expect(r.outcome == .error(.eperm))
            after.irqs[i.index].thread = w.a.raw
            return Check.edge("IRQ-2", w.state, .invoke(cpu: cpu0, bindToA), StepResult(.success, actor: w.a), after, ctx)
        },
    ]

    static let positive: [PropertyCase] = [
        PropertyCase("IRQ-1", "bind, hit while busy (queued), receive") {
            let (w, i) = withIrq()
            let ctx = w.context()
            var s = w.state
            var out = Check.state("IRQ-1", s, ctx)
            _ = s.invoke(bindToA)
            _ = s.apply(.tick(cpu: cpu0))           // b runs; a is ready, not receiving
            _ = s.apply(.irqLine(3))
            #expect(s.irq(i).delivery == .queued)
            out += Check.state("IRQ-1", s, ctx)
            _ = s.apply(.tick(cpu: cpu0))
            _ = s.invoke(.irqReceive(irq: .slot(SlotIndex(6)), timeout: .never))
            #expect(s.irq(i).delivery == .idle)
            return out + Check.state("IRQ-1", s, ctx)
        },
        PropertyCase("IRQ-2", "bind and detach with S") {
            let (w, i) = withIrq()
            let ctx = w.context()
            var s = w.state
            var out: [String] = []
            for inv in [bindToA, .irqDetach(irq: .slot(SlotIndex(6)))] {
                let before = s
                let r = s.invoke(inv)
                out += Check.edge("IRQ-2", before, .invoke(cpu: cpu0, inv), r, s, ctx)
                if case .irqBind = inv { #expect(s.irq(i).thread == w.a.raw) }
            }
            #expect(s.irq(i).thread == 0xFF)
            return out
        },
    ]
}

@Suite("IRQ properties")
struct IrqTests {
    @Test(arguments: IrqCases.negative)
    func rejects(_ c: PropertyCase) {
        #expect(!c.run().isEmpty, "\(c.id) accepted a violating input: \(c.note)")
    }

    @Test(arguments: IrqCases.positive)
    func holds(_ c: PropertyCase) {
        let v = c.run()
        #expect(v.isEmpty, "\(c.id): \(v)")
    }
}

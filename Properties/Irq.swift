import Scenarios
import Spec

/// IRQ-1, IRQ-2 (properties.md §1.8, §8; kernel-api §3.6, §7).
enum IrqProperties {
    static let all: [CatalogueEntry] = [irq1, irq2]

    // MARK: - IRQ-1

    static let irq1 = CatalogueEntry(
        id: "IRQ-1",
        title: "IRQ binding well formed",
        requirement: """
            A hardware line drives at most one Irq; an Irq is bound to at most one thread, which exists; an Irq is \
            queued exactly when it sits in exactly one sender queue — that of its bound thread, which is not dead; a \
            pending Irq is masked (kernel-api §7; l4v valid_irq_node, valid_irq_handlers, valid_irq_states).
            """,
        kind: .stateInvariant,
        assumptions: [
            "Reuses the spec's clause irqDeliveryConsistent.",
            "Edge-triggered Irqs only. A queued Irq need not be masked: the spec masks on a hit that coalesces, not on queueing.",
            "properties.md §8 third refinement, modelled explicitly: an Irq bound to a thread that dies while the Irq is not queued stays bound to the dead thread; a later hit makes it pending and masked (never queued at a thread that cannot receive), until it is re-bound, detached or deleted.",
        ],
        check: .state { s, ctx in
            var out = Clause.run(["irqDeliveryConsistent"], on: s)
            for i in 0..<Capacity.irqs where s.irqs[i].life != .free && s.irqs[i].line != absent {
                for j in (i + 1)..<Capacity.irqs where s.irqs[j].life != .free && s.irqs[j].line == s.irqs[i].line {
                    out.append("line \(s.irqs[i].line) drives both \(ctx.name(.irq(IrqID(i)))) and \(ctx.name(.irq(IrqID(j))))")
                }
            }
            for i in 0..<Capacity.irqs where s.irqs[i].life != .free {
                let q = s.irqs[i], n = ctx.name(.irq(IrqID(i)))
                if q.thread != absent && !s.exists(.thread, q.thread) { out.append("\(n) is bound to a thread that does not exist") }
                if q.delivery == .queued {
                    if !s.exists(.thread, q.thread) {
                        out.append("\(n) is queued but not bound")
                    } else if s.threads[Int(q.thread)].state == .dead {
                        out.append("\(n) is queued at dead \(ctx.threadName(Int(q.thread)))")
                    }
                }
            }
            return out
        })

    // MARK: - IRQ-2

    static let irq2 = CatalogueEntry(
        id: "IRQ-2",
        title: "IRQ authority",
        requirement: """
            A live Irq's binding (thread and label) changes only through a successful bind or detach invoked on a \
            capability to that Irq with S, because the bound thread is killed or torn down in the step (which \
            unbinds a queued Irq), or because the Irq is deleted, which detaches it (kernel-api §3.6, §7, §5.4; l4v \
            integrity_interrupts).
            """,
        kind: .transition,
        assumptions: [
            "Unmask needs no right in Fiasco (kernel-api §7) and is not an authority change.",
            "Delivery only to the bound thread is part of IPC-1 (a bound Irq is an authorised source).",
        ],
        check: .transition { before, event, result, after, ctx in
            var out: [String] = []
            let act = event.acting(before: before, result: result)
            for i in 0..<Capacity.irqs where before.irqs[i].life != .free && after.irqs[i].life != .free {
                let b = before.irqs[i], a = after.irqs[i]
                guard b.thread != a.thread || b.label != a.label else { continue }
                // Deletion detaches the Irq; it may stay allocated (pinned by a closed waiter).
                var permitted = before.irqs[i].life == .live && after.irqs[i].life != .live
                if !permitted, let act {
                    switch act.invocation {
                    case .irqBind(let cap, _, _), .gateBindThread(let cap, _, _), .irqDetach(let cap):
                        if let c = before.resolve(cap, by: act.thread), c.ref == .irq(IrqID(i)), c.rights.contains(.s) {
                            if case .ok = result.outcome { permitted = true }
                        }
                    default: break
                    }
                }
                if !permitted && b.thread != absent && Int(b.thread) < Capacity.threads && a.thread == absent && b.label == a.label {
                    let x = before.threads[Int(b.thread)], y = after.threads[Int(b.thread)]
                    if (x.state != .dead || x.isDying) && (y.life == .free || (y.state == .dead && !y.isDying)) { permitted = true }
                }
                if !permitted {
                    out.append("\(ctx.name(.irq(IrqID(i)))) changed binding (\(ctx.threadRef(b.thread)) → \(ctx.threadRef(a.thread)), label \(b.label)→\(a.label)) without an invocation with S on it")
                }
            }
            return out
        })
}

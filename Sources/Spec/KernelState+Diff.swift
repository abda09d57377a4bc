/// "What changed" between two states, for traces and counterexamples (DESIGN §4).
public struct Change: Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var old: String
    public var new: String
    public var description: String { "\(path): \(old) → \(new)" }
}

extension KernelState {
    /// The observable differences from `old` to `self`, in a fixed order.
    /// `name` turns object references into the user's names.
    public func changes(since old: KernelState, name: (ObjectRef) -> String) -> [Change] {
        var out: [Change] = []
        func note(_ path: String, _ a: String, _ b: String) { if a != b { out.append(Change(path: path, old: a, new: b)) } }
        for t in 0..<Capacity.tasks where tasks[t].life != .free || old.tasks[t].life != .free {
            let task = TaskID(t)
            let tn = name(.task(task))
            note("\(tn).life", "\(old.tasks[t].life)", "\(tasks[t].life)")
            for s in 0..<Capacity.slotsPerTask {
                note("\(tn).slot[\(s)]", old.describeSlot(task, SlotIndex(s), name), describeSlot(task, SlotIndex(s), name))
            }
            for p in 0..<Capacity.pagesPerTask {
                note("\(tn).page[\(p)]", old.describePage(task, PageIndex(p), name), describePage(task, PageIndex(p), name))
            }
        }
        for i in 0..<Capacity.threads where threads[i].life != .free || old.threads[i].life != .free {
            let t = ThreadID(i)
            let n = name(.thread(t))
            for (field, value) in threadFields(t, name) {
                note("\(n).\(field)", old.threadFields(t, name).first { $0.0 == field }?.1 ?? "", value)
            }
        }
        for g in 0..<Capacity.gates where gates[g].life != .free || old.gates[g].life != .free {
            let n = name(.gate(GateID(g)))
            note("\(n).life", "\(old.gates[g].life)", "\(gates[g].life)")
            note("\(n).thread", old.describeThreadRef(old.gates[g].thread, name), describeThreadRef(gates[g].thread, name))
            note("\(n).label", "\(old.gates[g].label)", "\(gates[g].label)")
        }
        for i in 0..<Capacity.irqs where irqs[i].life != .free || old.irqs[i].life != .free {
            let n = name(.irq(IrqID(i)))
            note("\(n).life", "\(old.irqs[i].life)", "\(irqs[i].life)")
            note("\(n).thread", old.describeThreadRef(old.irqs[i].thread, name), describeThreadRef(irqs[i].thread, name))
            note("\(n).delivery", "\(old.irqs[i].delivery)", "\(irqs[i].delivery)")
            note("\(n).masked", "\(old.irqs[i].masked != 0)", "\(irqs[i].masked != 0)")
        }
        for f in 0..<Capacity.factories where factories[f].life != .free || old.factories[f].life != .free {
            let n = name(.factory(FactoryID(f)))
            note("\(n).life", "\(old.factories[f].life)", "\(factories[f].life)")
            note("\(n).used", "\(old.factories[f].used)", "\(factories[f].used)")
        }
        for c in 0..<Int(config.cpuCount) {
            note("cpu\(c).ready", old.readyThreads(CPU(c)).map { name(.thread($0)) }.description,
                 readyThreads(CPU(c)).map { name(.thread($0)) }.description)
        }
        return out
    }

    func describeSlot(_ t: TaskID, _ s: SlotIndex, _ name: (ObjectRef) -> String) -> String {
        let slot = slots[slotPosition(t, s)]
        guard let ref = slot.ref else { return "empty" }
        return "\(name(ref)) \(slot.rights)\(slot.server ? " server" : "")\(slot.counted ? "" : " weak")"
    }

    func describePage(_ t: TaskID, _ p: PageIndex, _ name: (ObjectRef) -> String) -> String {
        let e = pages[pagePosition(t, p)]
        guard e.isMapped else { return "unmapped" }
        let parent: String
        if e.parent == noID {
            parent = "sigma0"
        } else {
            let (pt, pp) = node(Int(e.parent))
            parent = "\(name(.task(pt))):\(pp.raw)"
        }
        return "frame\(e.frame) \(e.rights) from \(parent)"
    }

    func describeThreadRef(_ raw: UInt8, _ name: (ObjectRef) -> String) -> String {
        raw == noID ? "none" : name(.thread(ThreadID(Int(raw))))
    }

    /// The user-visible fields of a thread record.
    func threadFields(_ t: ThreadID, _ name: (ObjectRef) -> String) -> [(String, String)] {
        let r = threads[t.index]
        let partner: String
        switch r.state {
        case .onGate: partner = name(.gate(GateID(Int(r.partner))))
        case .receiving where r.partner == noID: partner = "any"
        default:
            switch Sender(encoded: r.partner) {
            case .thread(let x)?: partner = name(.thread(x))
            case .irq(let i)?: partner = name(.irq(i))
            case nil: partner = "none"
            }
        }
        return [
            ("life", "\(r.life)"),
            ("state", "\(r.state)\(r.isDying ? " dying" : "")"),
            ("partner", partner),
            ("task", r.task == noID ? "none" : name(.task(TaskID(Int(r.task))))),
            ("prio", "\(r.prio)"),
            ("cpu", r.cpu == noID ? "none" : "\(r.cpu)"),
            ("reply_to", describeThreadRef(r.replyTo, name)),
            ("result", lastResult(t)?.description ?? "none"),
            ("received", "\(receivedWords(t)) label \(r.rcvLabel)"),
            ("senders", senderQueue(t).map(name).description),
        ]
    }
}

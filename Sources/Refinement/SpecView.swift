import Spec

/// The spec's state as an `AbstractState`: a direct reading of its flat
/// tables (`KernelState`), no abstraction needed beyond decoding its bytes.
enum SpecView {
    static let none: UInt8 = 0xFF

    static func make(_ s: KernelState) -> AbstractState {
        var v = AbstractState(cpus: Int(s.config.cpuCount))
        fill(&v, s)
        return v
    }

    /// Rewrites `v` with the view of `s`, reusing its arrays (the per-step path).
    static func fill(_ v: inout AbstractState, _ s: KernelState) {
        for i in 0..<Capacity.tasks { v.tasks[i] = task(s, i) }
        for i in 0..<Capacity.threads { v.threads[i] = thread(s, i) }
        for i in 0..<Capacity.gates { v.gates[i] = gate(s, i) }
        for i in 0..<Capacity.irqs { v.irqs[i] = irq(s, i) }
        for i in 0..<Capacity.factories { v.factories[i] = factory(s, i) }
        v.unmatched.removeAll()
        for c in v.ready.indices {
            v.ready[c].removeAll(keepingCapacity: true)
            guard c < Capacity.cpus else { continue }
            let list = s.ready[c]
            for k in 0..<Int(list.count) { v.ready[c].append(.thread(ThreadID(Int(list.entries[k])))) }
        }
    }

    static func life(_ l: Life) -> AbsLife? {
        switch l {
        case .free: nil
        case .live: .live
        case .zombie: .zombie
        }
    }

    static func factoryRef(_ raw: UInt8) -> ObjectRef? { raw == none ? nil : .factory(FactoryID(Int(raw))) }
    static func threadRef(_ raw: UInt8) -> ObjectRef? { raw == none ? nil : .thread(ThreadID(Int(raw))) }

    static func task(_ s: KernelState, _ i: Int) -> AbsTask? {
        let t = s.task(TaskID(i))
        guard let l = life(t.life) else { return nil }
        var x = AbsTask(life: l, quota: factoryRef(t.quota), counted: Int(t.counted), slots: InlineList(filler: nil), pages: InlineList(filler: nil))
        for n in 0..<Int(s.config.slotBound) {
            let slot = s.slot(TaskID(i), SlotIndex(n))
            x.slots.append(slot.ref.map { AbsSlot(object: $0, rights: slot.rights.rawValue, counted: slot.counted, server: slot.server) })
        }
        for p in 0..<Int(s.config.pageBound) {
            let e = s.page(TaskID(i), PageIndex(p))
            let parent = e.parent == none ? nil : AbsNode(task: Int(e.parent) / Capacity.pagesPerTask, page: Int(e.parent) % Capacity.pagesPerTask)
            x.pages.append(e.isMapped ? AbsPage(frame: UInt64(e.frame), rights: e.rights.rawValue, parent: parent) : nil)
        }
        return x
    }

    static func thread(_ s: KernelState, _ i: Int) -> AbsThread? {
        let t = s.thread(ThreadID(i))
        guard let l = life(t.life) else { return nil }
        return AbsThread(life: l, state: state(t), dying: t.isDying, task: t.task == none ? nil : .task(TaskID(Int(t.task))),
                         pager: t.pager == none ? nil : UInt64(t.pager), excHandler: t.excHandler == none ? nil : UInt64(t.excHandler),
                         prio: Int(t.prio), cpu: t.cpu == none ? nil : Int(t.cpu), replyTo: threadRef(t.replyTo),
                         replyRights: t.replyRights, senders: queue(s, t.queueHead, irqs: true), result: s.lastResult(ThreadID(i)).map(AbsResult.outcome),
                         retry: retry(t), quota: factoryRef(t.quota), counted: Int(t.counted))
    }

    /// `faultAccess` 3/4 = a read/write to retry; the page is kept in the
    /// receive-buffer byte (bit 6 set: a memory page in the low 6 bits).
    static func retry(_ t: ThreadRecord) -> AbsAccess? {
        guard t.faultAccess >= 3, t.rcvBuf != none, t.rcvBuf & 0x40 != 0 else { return nil }
        return AbsAccess(page: Int(t.rcvBuf & 0x3F), write: t.faultAccess == 4)
    }

    /// Queue entries and closed-wait partners: a thread id, or 0x80 | Irq.
    static func sender(_ raw: UInt8) -> ObjectRef? {
        if raw == none { return nil }
        return raw & 0x80 != 0 ? .irq(IrqID(Int(raw & 0x7F))) : .thread(ThreadID(Int(raw)))
    }

    static func state(_ t: ThreadRecord) -> AbsThreadState {
        switch t.state {
        case .dead: .dead
        case .ready: .ready
        case .sending: .sending(to: .thread(ThreadID(Int(t.partner))))
        case .receiving: .receiving(from: sender(t.partner))
        case .onGate: .onGate(.gate(GateID(Int(t.partner))))
        }
    }

    static func gate(_ s: KernelState, _ i: Int) -> AbsGate? {
        let g = s.gate(GateID(i))
        guard let l = life(g.life) else { return nil }
        return AbsGate(life: l, thread: threadRef(g.thread), label: UInt64(g.label), waiters: waiters(s, g.waitHead),
                       quota: factoryRef(g.quota), counted: Int(g.counted))
    }

    /// The wait queue of an unbound gate, linked through the threads' `queueNext`.
    static func waiters(_ s: KernelState, _ head: UInt8) -> RefList { queue(s, head, irqs: false) }

    /// A queue read from its head through the members' `queueNext` links
    /// (the order of `KernelState.senderQueue`, without building arrays):
    /// entries are thread ids, or 0x80 | Irq where `irqs` allows them.
    static func queue(_ s: KernelState, _ head: UInt8, irqs: Bool) -> RefList {
        var out = RefList()
        var cur = head
        while cur != none, out.count <= Capacity.threads + Capacity.irqs {
            if cur & 0x80 == 0 {
                guard Int(cur) < Capacity.threads else { break }
                out.append(.thread(ThreadID(Int(cur))))
                cur = s.thread(ThreadID(Int(cur))).queueNext
            } else {
                guard irqs, Int(cur & 0x7F) < Capacity.irqs else { break }
                out.append(.irq(IrqID(Int(cur & 0x7F))))
                cur = s.irq(IrqID(Int(cur & 0x7F))).queueNext
            }
        }
        return out
    }

    static func irq(_ s: KernelState, _ i: Int) -> AbsIrq? {
        let q = s.irq(IrqID(i))
        guard let l = life(q.life) else { return nil }
        return AbsIrq(life: l, thread: threadRef(q.thread), label: UInt64(q.label), delivery: q.delivery.rawValue, masked: q.masked != 0,
                      line: q.line == none ? nil : Int(q.line), quota: factoryRef(q.quota), counted: Int(q.counted))
    }

    static func factory(_ s: KernelState, _ i: Int) -> AbsFactory? {
        let f = s.factory(FactoryID(i))
        guard let l = life(f.life) else { return nil }
        return AbsFactory(life: l, limit: f.unlimited != 0 ? nil : UInt64(f.limit), used: UInt64(f.used), parent: factoryRef(f.parent),
                          counted: Int(f.counted))
    }
}

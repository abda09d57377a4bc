import Spec

/// The spec's state as an `AbstractState`: a direct reading of its flat
/// tables (`KernelState`), no abstraction needed beyond decoding its bytes.
enum SpecView {
    static let none: UInt8 = 0xFF

    static func make(_ s: KernelState) -> AbstractState {
        var v = AbstractState(cpus: Int(s.config.cpuCount))
        for i in 0..<Capacity.tasks { v.tasks[i] = task(s, i) }
        for i in 0..<Capacity.threads { v.threads[i] = thread(s, i) }
        for i in 0..<Capacity.gates { v.gates[i] = gate(s, i) }
        for i in 0..<Capacity.irqs { v.irqs[i] = irq(s, i) }
        for i in 0..<Capacity.factories { v.factories[i] = factory(s, i) }
        for c in 0..<Int(s.config.cpuCount) { v.ready[c] = s.readyThreads(CPU(c)).map { .thread($0) } }
        return v
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
        let slots = (0..<Int(s.config.slotBound)).map { n -> AbsSlot? in
            let slot = s.slot(TaskID(i), SlotIndex(n))
            return slot.ref.map { AbsSlot(object: $0, rights: slot.rights.rawValue, counted: slot.counted, server: slot.server) }
        }
        let pages = (0..<Int(s.config.pageBound)).map { p -> AbsPage? in
            let e = s.page(TaskID(i), PageIndex(p))
            guard e.isMapped else { return nil }
            let parent = e.parent == none ? nil : AbsNode(task: Int(e.parent) / Capacity.pagesPerTask, page: Int(e.parent) % Capacity.pagesPerTask)
            return AbsPage(frame: UInt64(e.frame), rights: e.rights.rawValue, parent: parent)
        }
        return AbsTask(life: l, quota: factoryRef(t.quota), counted: Int(t.counted), slots: slots, pages: pages)
    }

    static func thread(_ s: KernelState, _ i: Int) -> AbsThread? {
        let t = s.thread(ThreadID(i))
        guard let l = life(t.life) else { return nil }
        return AbsThread(life: l, state: state(t), dying: t.isDying, task: t.task == none ? nil : .task(TaskID(Int(t.task))),
                         pager: t.pager == none ? nil : UInt64(t.pager), excHandler: t.excHandler == none ? nil : UInt64(t.excHandler),
                         prio: Int(t.prio), cpu: t.cpu == none ? nil : Int(t.cpu), replyTo: threadRef(t.replyTo),
                         replyRights: t.replyRights, senders: s.senderQueue(ThreadID(i)), result: s.lastResult(ThreadID(i))?.description,
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
    static func waiters(_ s: KernelState, _ head: UInt8) -> [ObjectRef] {
        var out: [ObjectRef] = []
        var cur = head
        while cur != none, cur & 0x80 == 0, Int(cur) < Capacity.threads, out.count < Capacity.threads {
            out.append(.thread(ThreadID(Int(cur))))
            cur = s.thread(ThreadID(Int(cur))).queueNext
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

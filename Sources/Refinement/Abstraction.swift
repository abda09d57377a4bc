import KernelImpl
import Spec

/// The abstraction function KernelImpl → Spec (DESIGN §8), applied through
/// the implementation's read-only introspection API after every step.
///
/// What is abstracted away, and why:
/// * **Lazy ready-queue removal** (kernel-api §9 "ready-list removal is
///   lazy"): a blocked thread may stay linked in its ready list until the
///   scheduler meets it; only entries that are ready count
///   (`ReadyQueueView.order`). Priority bitmaps and list links are not compared.
/// * **Free lists and node numbers**: mapping-database nodes are compared by
///   the (task, page) they map and their parent's (task, page); the pool's
///   free-list order and node indices are invisible.
/// * **Table indices**: objects are compared through the `Correspondence`.
/// * **Bytes vs units**: the harness boots the implementation with object
///   sizes equal to the spec's quota units (`ImplBoot.units`), so factory
///   `used` is compared as is (§3.4).
/// * **Register frames and UTCBs** are not state here: results and received
///   messages are compared per step (`StepCompare`), the way user code sees
///   them; the page-fault IPC's own frame (§6.6 "saved and restored") and the
///   kernel clock and deadlines (the spec has only zero/never timeouts) are
///   not compared.
/// * **Kernel bookkeeping without a spec counterpart**: the references that
///   keep a zombie thread (`pins`), closed waiters of an Irq, the pending
///   IPC's kind and staging registers (the spec keeps `send` staged during
///   the wait of a `reply_and_wait`), IP/SP. Their effects (when a zombie is
///   freed, what a woken thread does) show up in the compared fields.
/// * **Result values**: the spec records only the kind of a thread's last
///   result (`ResultCode`), so the value of `ok` is dropped from `result`;
///   the acting thread's value is compared per step.
public enum Abstraction {
    public static func make(_ k: Kernel, _ corr: Correspondence, cpus: Int) -> AbstractState {
        var v = AbstractState(cpus: cpus)
        let a = Reader(kernel: k, corr: corr)
        for i in k.objects(.task) { if let j = a.index(.task, i, &v.unmatched) { v.tasks[j] = a.task(i) } }
        for i in k.objects(.thread) { if let j = a.index(.thread, i, &v.unmatched) { v.threads[j] = a.thread(i) } }
        for i in k.objects(.gate) { if let j = a.index(.gate, i, &v.unmatched) { v.gates[j] = a.gate(i) } }
        for i in k.objects(.irq) { if let j = a.index(.irq, i, &v.unmatched) { v.irqs[j] = a.irq(i) } }
        for i in k.objects(.factory) { if let j = a.index(.factory, i, &v.unmatched) { v.factories[j] = a.factory(i) } }
        for c in 0..<cpus { v.ready[c] = k.readyQueue(cpu: c).order.map { a.ref(.thread, $0) } }
        return v
    }
}

/// Reads implementation views and names their objects in spec terms.
private struct Reader {
    let kernel: Kernel
    let corr: Correspondence
    /// Mapping-database node → the (task, page) it maps, in spec task indices.
    let nodes: [Int: AbsNode]

    init(kernel: Kernel, corr: Correspondence) {
        self.kernel = kernel
        self.corr = corr
        var nodes: [Int: AbsNode] = [:]
        for m in kernel.mappings() {
            let task = corr.spec(.task, m.task).map { Int($0.index) } ?? -1 - m.task
            nodes[m.node] = AbsNode(task: task, page: m.page)
        }
        self.nodes = nodes
    }

    /// The spec index of implementation object `i`, or nil after noting it as unmatched.
    func index(_ kind: ImplKind, _ i: Int, _ unmatched: inout [String]) -> Int? {
        if let r = corr.spec(kind, i), Int(r.index) < Vocabulary.specKind(kind).capacity { return Int(r.index) }
        unmatched.append("\(kind)#\(i) (implementation index)")
        return nil
    }

    /// A spec reference for an implementation object; one without a
    /// counterpart gets an index past the spec's capacity, which never matches.
    func ref(_ kind: ImplKind, _ i: Int) -> ObjectRef {
        corr.spec(kind, i) ?? ObjectRef(Vocabulary.specKind(kind), 0x80 | i)
    }

    func optional(_ kind: ImplKind, _ i: Int?) -> ObjectRef? { i.map { ref(kind, $0) } }

    func life(_ l: Lifetime) -> AbsLife { l == .zombie ? .zombie : .live }

    func ref(_ id: ObjectID) -> ObjectRef { ref(id.kind, id.index) }

    func task(_ i: Int) -> AbsTask? {
        guard let t = kernel.taskView(i) else { return nil }
        let slots = (0..<kernel.config.capSlots).map { s -> AbsSlot? in
            kernel.capView(task: i, slot: s).map { AbsSlot(object: ref($0.object), rights: $0.rights, counted: $0.counted, server: $0.server) }
        }
        let pages = (0..<kernel.config.pages).map { p -> AbsPage? in
            kernel.mapping(task: i, page: p).map { m in
                AbsPage(frame: m.frame, rights: m.rights, parent: m.parent.map { nodes[$0] ?? AbsNode(task: -1, page: $0) })
            }
        }
        return AbsTask(life: life(t.life), quota: optional(.factory, t.account), counted: t.countedCaps, slots: slots, pages: pages)
    }

    func thread(_ i: Int) -> AbsThread? {
        guard let t = kernel.threadView(i) else { return nil }
        let result: String? = t.lastOutcome.map { o in
            if case .ok = o { return Outcome.success.description }
            return Vocabulary.describe(o)
        }
        return AbsThread(life: life(t.life), state: state(t.state), dying: t.dying, task: optional(.task, t.task), pager: t.pager,
                         excHandler: t.excHandler, prio: t.priority, cpu: t.cpu, replyTo: optional(.thread, t.replyTo),
                         replyRights: t.replyRights, senders: t.senders.map(sender), result: result,
                         retry: t.retry.map { AbsAccess(page: Int(truncatingIfNeeded: $0.address >> 12), write: $0.write) },
                         quota: optional(.factory, t.account), counted: t.countedCaps)
    }

    func state(_ s: ThreadStateView) -> AbsThreadState {
        switch s {
        case .dead: .dead
        case .ready: .ready
        case .sending(let r): .sending(to: ref(.thread, r))
        case .receiving(nil): .receiving(from: nil)
        case .receiving(.thread(let x)?): .receiving(from: ref(.thread, x))
        case .receiving(.irq(let q)?): .receiving(from: ref(.irq, q))
        case .blockedOnGate(let g): .onGate(ref(.gate, g))
        }
    }

    func sender(_ s: SenderView) -> ObjectRef {
        switch s {
        case .thread(let t): ref(.thread, t)
        case .irq(let q): ref(.irq, q)
        }
    }

    func gate(_ i: Int) -> AbsGate? {
        guard let g = kernel.gateView(i) else { return nil }
        return AbsGate(life: life(g.life), thread: optional(.thread, g.thread), label: g.label, waiters: g.waiters.map { ref(.thread, $0) },
                       quota: optional(.factory, g.account), counted: g.countedCaps)
    }

    func irq(_ i: Int) -> AbsIrq? {
        guard let q = kernel.irqView(i) else { return nil }
        return AbsIrq(life: life(q.life), thread: optional(.thread, q.thread), label: q.label, delivery: q.delivery.rawValue,
                      masked: q.masked, line: q.line, quota: optional(.factory, q.account), counted: q.countedCaps)
    }

    func factory(_ i: Int) -> AbsFactory? {
        guard let f = kernel.factoryView(i) else { return nil }
        return AbsFactory(life: life(f.life), limit: f.limit, used: f.used, parent: optional(.factory, f.parent), counted: f.countedCaps)
    }
}

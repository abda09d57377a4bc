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
/// * **Ready lists** are read through the priority bitmap, as the scheduler
///   reads them: a level whose bit is clear is invisible to both.
/// * **Result values**: the spec records only the kind of a thread's last
///   result (`ResultCode`), so the value of `ok` is dropped from `result`;
///   the acting thread's value is compared per step.
public enum Abstraction {
    public static func make(_ k: Kernel, _ corr: Correspondence, cpus: Int) -> AbstractState {
        var v = AbstractState(cpus: cpus)
        fill(&v, k, corr)
        return v
    }

    static let tables: [ImplKind] = [.task, .thread, .gate, .irq, .factory]

    /// Rewrites `v` with the abstraction of `k`, reusing its arrays: the
    /// per-step path (`bench refine`), the same result as `make`.
    static func fill(_ v: inout AbstractState, _ k: Kernel, _ corr: Correspondence) {
        let a = Reader(kernel: k, corr: corr)
        // Closures, not method references: those would copy the reader (and the kernel in it).
        for j in v.tasks.indices { v.tasks[j] = a.counterpart(.task(TaskID(j))).flatMap { a.task($0) } }
        for j in v.threads.indices { v.threads[j] = a.counterpart(.thread(ThreadID(j))).flatMap { a.thread($0) } }
        for j in v.gates.indices { v.gates[j] = a.counterpart(.gate(GateID(j))).flatMap { a.gate($0) } }
        for j in v.irqs.indices { v.irqs[j] = a.counterpart(.irq(IrqID(j))).flatMap { a.irq($0) } }
        for j in v.factories.indices { v.factories[j] = a.counterpart(.factory(FactoryID(j))).flatMap { a.factory($0) } }
        v.unmatched.removeAll()
        for kind in tables {
            for i in 0..<k.capacity(of: kind) where k.lifetime(of: ObjectID(kind, i)) != .free && corr.spec(kind, i) == nil {
                v.unmatched.append("\(kind)#\(i) (implementation index)")
            }
        }
        for c in v.ready.indices {
            v.ready[c].removeAll(keepingCapacity: true)
            k.forEachReadyThread(cpu: c) { v.ready[c].append(a.ref(.thread, $0)) }
        }
    }
}

/// Reads implementation views and names their objects in spec terms.
private struct Reader {
    let kernel: Kernel
    let corr: Correspondence

    /// The implementation index standing for spec object `r`, nil when there
    /// is none or its entry is free (an object without counterpart is
    /// reported in `unmatched`).
    func counterpart(_ r: ObjectRef) -> Int? {
        guard let id = corr.impl(r), kernel.lifetime(of: id) != .free else { return nil }
        return id.index
    }

    /// A spec reference for an implementation object; one without a
    /// counterpart gets an index past the spec's capacity, which never matches.
    func ref(_ kind: ImplKind, _ i: Int) -> ObjectRef {
        corr.spec(kind, i) ?? ObjectRef(Vocabulary.specKind(kind), 0x80 | i)
    }

    func optional(_ kind: ImplKind, _ i: Int?) -> ObjectRef? { i.map { ref(kind, $0) } }

    func life(_ l: Lifetime) -> AbsLife { l == .zombie ? .zombie : .live }

    func ref(_ id: ObjectID) -> ObjectRef { ref(id.kind, id.index) }

    /// A mapping-database node named by the (task, page) it maps, in spec
    /// task indices; a node not in use by its number (task -1).
    func node(_ n: Int) -> AbsNode {
        guard let m = kernel.mapping(node: n) else { return AbsNode(task: -1, page: n) }
        return AbsNode(task: corr.spec(.task, m.task).map { Int($0.index) } ?? -1 - m.task, page: m.page)
    }

    func task(_ i: Int) -> AbsTask? {
        guard let t = kernel.taskView(i) else { return nil }
        var x = AbsTask(life: life(t.life), quota: optional(.factory, t.account), counted: t.countedCaps,
                        slots: InlineList(filler: nil), pages: InlineList(filler: nil))
        for s in 0..<kernel.config.capSlots {
            x.slots.append(kernel.capView(task: i, slot: s).map { AbsSlot(object: ref($0.object), rights: $0.rights, counted: $0.counted, server: $0.server) })
        }
        for p in 0..<kernel.config.pages {
            x.pages.append(kernel.mapping(task: i, page: p).map { m in AbsPage(frame: m.frame, rights: m.rights, parent: m.parent.map { node($0) }) })
        }
        return x
    }

    func thread(_ i: Int) -> AbsThread? {
        guard let t = kernel.threadCore(i) else { return nil }
        var senders = RefList()
        kernel.forEachSender(of: i) { senders.append(sender($0)) }
        let result: AbsResult? = t.lastOutcome.map { o in
            if case .ok = o { return .outcome(.success) }
            return Vocabulary.outcome(o).map(AbsResult.outcome) ?? .foreign(o)
        }
        return AbsThread(life: life(t.life), state: state(t.state), dying: t.dying, task: optional(.task, t.task), pager: t.pager,
                        excHandler: t.excHandler, prio: t.priority, cpu: t.cpu, replyTo: optional(.thread, t.replyTo),
                        replyRights: t.replyRights, senders: senders, result: result,
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
        return AbsGate(life: life(g.life), thread: optional(.thread, g.thread), label: g.label, waiters: RefList(g.waiters.map { ref(.thread, $0) }),
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

import SMT
import Spec

/// `Spec` states and events as terms (the differential test of issue "Z3
/// proofs", point 2, and the counterexample check of `prove`). Positions map
/// one to one: slot (t, s) ↦ t ‖ s, page node t·4+p ↦ t ‖ p, object
/// (kind, i) ↦ kind ‖ i; every entry beyond `Spec`'s capacities is empty/free.
extension SymbolicState {
    public init(concrete k: KernelState, _ v: Vocabulary) throws(SMTError) {
        let ctx = v.context
        func table(_ index: Sort, _ fill: Expr, _ entries: [(UInt64, Expr)]) throws(SMTError) -> Expr {
            var a = try ctx.constArray(index, fill)
            for (i, value) in entries { a = try a.store(ctx.bv(i, index), value) }
            return a
        }
        func b8(_ x: UInt8) throws(SMTError) -> Expr { try v.b8(x) }
        let slots = ConcreteLayout.slotPositions, nodes = ConcreteLayout.nodePositions
        slotKind = try table(v.bv16, b8(0), slots.map { (p, i) throws(SMTError) in (p, try b8(k.slots[i].kindRaw)) })
        slotObject = try table(v.bv16, b8(0), slots.map { (p, i) throws(SMTError) in (p, try b8(k.slots[i].object)) })
        slotRights = try table(v.bv16, b8(0), slots.map { (p, i) throws(SMTError) in (p, try b8(k.slots[i].rightsRaw)) })
        slotFlags = try table(v.bv16, b8(0), slots.map { (p, i) throws(SMTError) in (p, try b8(k.slots[i].flags)) })
        pageFrame = try table(v.bv16, b8(0xFF), nodes.map { (p, n) throws(SMTError) in (p, try b8(k.pages[n].frame)) })
        pageRights = try table(v.bv16, b8(0), nodes.map { (p, n) throws(SMTError) in (p, try b8(k.pages[n].rightsRaw)) })
        pageParent = try table(v.bv16, v.b16(0), nodes.map { (p, n) throws(SMTError) in
            (p, try v.b16(ConcreteLayout.parentPosition(k.pages[n].parent))) })
        pageRooted = try table(v.bv16, v.truth(true), nodes.map { (p, n) throws(SMTError) in (p, try v.truth(k.pages[n].parent == 0xFF)) })
        var pairs: [(UInt64, Expr)] = []
        for (a, pa) in nodes.map({ ($0.1, $0.0) }) {
            for (n, pn) in nodes.map({ ($0.1, $0.0) }) where ConcreteLayout.isAncestor(k, a, of: n) {
                pairs.append((pa << 16 | pn, try v.truth(true)))
            }
        }
        ancestor = try table(v.bv32, v.truth(false), pairs)
        let objects = ConcreteLayout.objects
        life = try table(v.bv16, b8(0), objects.map { (p, r) throws(SMTError) in (p, try b8(k.life(of: r).rawValue)) })
        counted = try table(v.bv16, b8(0), objects.map { (p, r) throws(SMTError) in (p, try b8(UInt8(k.countedRefs(r)))) })
        quota = try table(v.bv16, b8(0xFF), objects.map { (p, r) throws(SMTError) in (p, try b8(k.quotaAccount(of: r))) })
        let fs = (0..<Capacity.factories).map { (UInt64($0), k.factory(FactoryID($0))) }
        limit = try table(v.bv8, v.b16(0), fs.map { (i, f) throws(SMTError) in (i, try v.b16(f.limit)) })
        used = try table(v.bv8, v.b16(0), fs.map { (i, f) throws(SMTError) in (i, try v.b16(f.used)) })
        unlimited = try table(v.bv8, v.truth(false), fs.map { (i, f) throws(SMTError) in (i, try v.truth(f.unlimited != 0)) })
        threadTask = try table(v.bv8, b8(0xFF), (0..<Capacity.threads).map { (i) throws(SMTError) in
            (UInt64(i), try b8(k.thread(ThreadID(i)).task)) })
        gateThread = try table(v.bv8, b8(0xFF), (0..<Capacity.gates).map { (i) throws(SMTError) in
            (UInt64(i), try b8(k.gate(GateID(i)).thread)) })
        gateWaitHead = try table(v.bv8, b8(0xFF), (0..<Capacity.gates).map { (i) throws(SMTError) in
            (UInt64(i), try b8(k.gate(GateID(i)).waitHead)) })
        owner = try ctx.constArray(v.bv16, b8(0))
        let ts = (0..<Capacity.threads).map { (UInt64($0), k.thread(ThreadID($0))) }
        func threads(_ fill: UInt8, _ f: (ThreadRecord) -> UInt8) throws(SMTError) -> Expr {
            try table(v.bv8, b8(fill), ts.map { (i, r) throws(SMTError) in (i, try b8(f(r))) })
        }
        threadState = try threads(0) { $0.stateRaw }
        partner = try threads(0xFF) { $0.partner }
        pending = try threads(0) { $0.pendingRaw }
        replyTo = try threads(0xFF) { $0.replyTo }
        dying = try threads(0) { $0.dying }
        prio = try threads(1) { $0.prio }
        sendRights = try threads(0) { $0.sendRights }
        receiveZero = try threads(0) { $0.receiveTimeoutZero }
        sendItem = try threads(0) { $0.sendItemKind }
        sendLabel = try table(v.bv8, v.b16(0), ts.map { (i, r) throws(SMTError) in (i, try v.b16(r.sendLabel)) })
        rcvLabel = try table(v.bv8, v.b16(0), ts.map { (i, r) throws(SMTError) in (i, try v.b16(r.rcvLabel)) })
        gateLabel = try table(v.bv8, v.b16(0), (0..<Capacity.gates).map { (i) throws(SMTError) in
            (UInt64(i), try v.b16(k.gate(GateID(i)).label)) })
        let irqs = (0..<Capacity.irqs).map { (UInt64($0), k.irq(IrqID($0))) }
        irqThread = try table(v.bv8, b8(0xFF), irqs.map { (i, r) throws(SMTError) in (i, try b8(r.thread)) })
        irqDelivery = try table(v.bv8, b8(0), irqs.map { (i, r) throws(SMTError) in (i, try b8(r.deliveryRaw)) })
        irqMasked = try table(v.bv8, b8(0), irqs.map { (i, r) throws(SMTError) in (i, try b8(r.masked)) })
        irqLabel = try table(v.bv8, v.b16(0), irqs.map { (i, r) throws(SMTError) in (i, try v.b16(r.label)) })
        queuedAt = try table(v.bv8, v.b16(0), ConcreteLayout.queues(k).map { (sender, q) throws(SMTError) in (UInt64(sender), try v.b16(q)) })
        ledger = try Self.ledger(of: k, v)
        refLedger = try Self.refLedger(of: k, v)
        slotBound = try b8(k.config.slotBound)
        pageBound = try b8(k.config.pageBound)
    }
}

extension SymbolicState {
    /// The ghost ledger of a `Spec` state (SymbolicLedger.swift): position
    /// `_ ‖ q ‖ x` holds the sum of the charges to q of the allocated objects
    /// below x — a λ with one term per allocated object, as a store per
    /// position would need 2^16 per account.
    static func ledger(of k: KernelState, _ v: Vocabulary) throws(SMTError) -> Expr {
        let p = try v.bound("ledger", v.bv32)
        let q = try p.extract(high: 23, low: 16), x = try p.extract(high: 15, low: 0)
        var sum = try v.b16(0)
        for (position, r) in ConcreteLayout.objects where k.life(of: r) != .free {
            var charge = KernelMemory.cost(of: r.kind)
            if r.kind == .factory { charge &+= k.factory(FactoryID(Int(r.index))).limit }
            let below = try q.eq(v.b8(k.quotaAccount(of: r))).and(x.ugt(v.context.bv(position, v.bv16)))
            sum = try sum.bvadd(below.ite(v.b16(charge), v.b16(0)))
        }
        return try v.context.lambda([p], sum)
    }

    /// The ghost ref ledger of a `Spec` state (SymbolicRefLedger.swift):
    /// position `r ‖ p` holds the number of counted slots below p naming r.
    static func refLedger(of k: KernelState, _ v: Vocabulary) throws(SMTError) -> Expr {
        let x = try v.bound("refs", v.bv32)
        let r = try x.extract(high: 31, low: 16), p = try x.extract(high: 15, low: 0)
        var sum = try v.b16(0)
        for (position, i) in ConcreteLayout.slotPositions {
            let slot = k.slots[i]
            guard slot.kindRaw != 0, slot.counted, let ref = slot.ref, ref.kind != .scheduler else { continue }
            let named = try v.context.bv(UInt64(ref.kind.rawValue) << 8 | UInt64(ref.index), v.bv16)
            let below = try r.eq(named).and(p.ugt(v.context.bv(position, v.bv16)))
            sum = try sum.bvadd(below.ite(v.b16(1), v.b16(0)))
        }
        return try v.context.lambda([x], sum)
    }
}

/// Where `Spec`'s flat tables sit in the symbolic arrays.
public enum ConcreteLayout {
    /// (symbolic position t ‖ s, index into `KernelState.slots`).
    public static let slotPositions: [(UInt64, Int)] = (0..<Capacity.tasks).flatMap { t in
        (0..<Capacity.slotsPerTask).map { s in (UInt64(t << 8 | s), t * Capacity.slotsPerTask + s) }
    }
    /// (symbolic node t ‖ p, index into `KernelState.pages`).
    public static let nodePositions: [(UInt64, Int)] = (0..<Capacity.tasks).flatMap { t in
        (0..<Capacity.pagesPerTask).map { p in (UInt64(t << 8 | p), t * Capacity.pagesPerTask + p) }
    }
    /// (symbolic kind ‖ index, object) for every object the flat state can hold.
    public static let objects: [(UInt64, ObjectRef)] = ObjectKind.allCases.filter { $0 != .scheduler }.flatMap { kind in
        (0..<kind.capacity).map { i in (UInt64(kind.rawValue) << 8 | UInt64(i), ObjectRef(kind, i)) }
    }

    /// Spec's sender lists and gate wait queues as the membership function
    /// `SymbolicState.queuedAt`: sender (thread id, 0x80 | Irq) → owner
    /// `kind ‖ index`. Walks are bounded by the number of senders.
    public static func queues(_ k: KernelState) -> [UInt8: UInt16] {
        var at: [UInt8: UInt16] = [:]
        func walk(_ head: UInt8, _ owner: UInt16) {
            var cur = head, steps = 0
            while cur != 0xFF, steps <= Capacity.threads + Capacity.irqs {
                at[cur] = owner
                if cur & 0x80 != 0 {
                    guard Int(cur & 0x7F) < Capacity.irqs else { return }
                    cur = k.irq(IrqID(Int(cur & 0x7F))).queueNext
                } else {
                    guard Int(cur) < Capacity.threads else { return }
                    cur = k.thread(ThreadID(Int(cur))).queueNext
                }
                steps += 1
            }
        }
        for r in 0..<Capacity.threads { walk(k.thread(ThreadID(r)).queueHead, UInt16(ObjectKind.thread.rawValue) << 8 | UInt16(r)) }
        for g in 0..<Capacity.gates { walk(k.gate(GateID(g)).waitHead, UInt16(ObjectKind.gate.rawValue) << 8 | UInt16(g)) }
        return at
    }

    static func parentPosition(_ parent: UInt8) -> UInt16 {
        parent == 0xFF ? 0 : UInt16(Int(parent) / Capacity.pagesPerTask) << 8 | UInt16(Int(parent) % Capacity.pagesPerTask)
    }

    /// `Spec`'s own walk up the parent chain (MappingTree.swift `isAncestor`).
    static func isAncestor(_ k: KernelState, _ a: Int, of n: Int) -> Bool {
        var p = k.pages[n].parent
        var steps = 0
        while p != 0xFF && steps < k.pages.count {
            if Int(p) == a { return true }
            p = k.pages[Int(p)].parent
            steps += 1
        }
        return false
    }
}

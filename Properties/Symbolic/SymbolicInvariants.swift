import SMT
import Symbolic

/// Symbolic forms of the state invariants over the encoded state (issue "Z3
/// proofs", point 3). Each cites the catalogue entry it is a form of; where
/// the form is narrower than the catalogue's check (the encoded state lacks
/// IPC, or a count needs cardinality), `title` says what it covers.
public enum SymbolicInvariants {
    /// The catalogue's invariants with a symbolic form, then the strengthening ones.
    public static let all: [SymbolicInvariant] = [cap1, cap2, cap6, map1, map2, map3, map5, mem1, ipc3, ipc4, irq1] + strengthening

    /// Added to make the catalogue's invariants inductive (Hyperkernel/Serval
    /// style): the mapping tree's ghost closure and where authority may sit.
    public static let strengthening: [SymbolicInvariant] = [ancestorClosure, ancestorsMapped, ancestorTransitive, derivationFlows, accountFlows,
                                                            slotValues, pageValues, lifeValues, freeTasksEmpty, dyingReady, noneIsFree, countedNonZero,
                                                            kindsAllocate, reservationFits]

    static func slotTask(_ p: Expr) throws(SMTError) -> Expr { try p.extract(high: 15, low: 8) }
    static func slotRef(_ s: SymbolicState, _ p: Expr) throws(SMTError) -> Expr { try s.slotKind.select(p).concat(s.slotObject.select(p)) }
    static func ownerOfTask(_ k: SymbolicKernel, _ s: SymbolicState, _ t: Expr) throws(SMTError) -> Expr { try s.owner.select(k.ref(Kind.task, t)) }
    static func nonEmpty(_ s: SymbolicState, _ p: Expr, _ v: Vocabulary) throws(SMTError) -> Expr { try s.slotKind.select(p).ne(v.b8(0)) }

    static let cap1 = SymbolicInvariant(
        id: "CAP-1", title: "every non-empty slot names a live object of a valid kind", strengthening: false, bound: [.slot]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel, v = p.v, kind = try s.slotKind.select(x[0])
        return try nonEmpty(s, x[0], v).implies(kind.ule(v.b8(Kind.scheduler)).and(k.isLive(s, slotRef(s, x[0]))))
    }

    static let cap2 = SymbolicInvariant(
        id: "CAP-2", title: "every capability stays inside the policy: its holder's domain may flow to the object's owner",
        strengthening: false, bound: [.slot]
    ) { (p, s, x) throws(SMTError) in
        let v = p.v
        let notScheduler = try s.slotKind.select(x[0]).ne(v.b8(Kind.scheduler))
        let allowed = try p.flows(ownerOfTask(p.kernel, s, slotTask(x[0])), s.owner.select(slotRef(s, x[0])))
        return try nonEmpty(s, x[0], v).and(notScheduler).implies(allowed)
    }

    /// CAP-5's first half, for the invariants that need no count (the exact
    /// count is CAP-5 itself, in the counting layer: LedgerInvariants.swift).
    static let countedNonZero = SymbolicInvariant(
        id: "AUX-COUNTED", title: "a counted capability's object has a non-zero counter",
        strengthening: true, bound: [.slot]
    ) { (p, s, x) throws(SMTError) in
        let v = p.v
        let counted = try nonEmpty(s, x[0], v).and(p.kernel.has(s.slotFlags.select(x[0]), 0x1), s.slotKind.select(x[0]).ne(v.b8(Kind.scheduler)))
        return try counted.implies(s.counted.select(slotRef(s, x[0])).ne(v.b8(0)))
    }

    static let cap6 = SymbolicInvariant(
        id: "CAP-6", title: "a freed entry keeps no trace: no counter, no account, an empty quota account",
        strengthening: false, bound: [.object]
    ) { (p, s, x) throws(SMTError) in
        let v = p.v, r = x[0], kind = try p.kernel.kindOf(r)
        let free = try kind.ne(v.b8(Kind.scheduler)).and(s.life.select(r).eq(v.b8(LifeValue.free)))
        let index = try p.kernel.indexOf(r)
        let account = try kind.eq(v.b8(Kind.factory)).implies(
            s.used.select(index).eq(v.b16(0)).and(s.limit.select(index).eq(v.b16(0)), s.unlimited.select(index).not()))
        return try free.implies(s.counted.select(r).eq(v.b8(0)).and(s.quota.select(r).eq(v.none), account))
    }

    static let map1 = SymbolicInvariant(
        id: "MAP-1", title: "mapping trees are well formed: parents are mapped nodes of the same frame, no cycles, empty nodes are roots",
        strengthening: false, bound: [.node]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel, n = x[0], parent = try s.pageParent.select(n)
        let mapped = try k.isMapped(s, n), rooted = try s.pageRooted.select(n)
        let parentOk = try mapped.and(rooted.not()).implies(k.isMapped(s, parent).and(s.pageFrame.select(parent).eq(s.pageFrame.select(n))))
        return try mapped.not().implies(rooted).and(parentOk, k.isAncestor(s, n, of: n).not())
    }

    /// Frame containment only: child rights ⊆ parent rights fails after a grant
    /// with a narrower mask (kernel-api §4.7); CAP-3 bounds rights per step.
    static let map2 = SymbolicInvariant(
        id: "MAP-2", title: "a child mapping maps its parent's frame", strengthening: false, bound: [.node]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel, n = x[0]
        let child = try k.isMapped(s, n).and(s.pageRooted.select(n).not())
        return try child.implies(s.pageFrame.select(n).eq(s.pageFrame.select(s.pageParent.select(n))))
    }

    static let map3 = SymbolicInvariant(
        id: "MAP-3", title: "every mapping lies in a live task within the memory bound and is backed by its frame's tree",
        strengthening: false, bound: [.node, .node]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel, n = x[0], a = x[1]
        let placed = try k.isLive(s, k.ref(Kind.task, slotTask(n))).and(k.validPage(s, n.extract(high: 7, low: 0)))
        let backed = try k.isAncestor(s, a, of: n).implies(s.pageFrame.select(a).eq(s.pageFrame.select(n)))
        return try k.isMapped(s, n).implies(placed.and(backed))
    }

    static let map5 = SymbolicInvariant(
        id: "MAP-5", title: "no mapping names a frame outside user memory; no capability lies beyond the object-space bound",
        strengthening: false, bound: [.node, .slot]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel, v = p.v
        let frameOk = try k.isMapped(s, x[0]).implies(s.pageFrame.select(x[0]).ult(p.frameBound))
        let slotOk = try nonEmpty(s, x[1], v).implies(k.validSlot(s, x[1].extract(high: 7, low: 0)))
        return try frameOk.and(slotOk)
    }

    static let mem1 = SymbolicInvariant(
        id: "MEM-1", title: "a limited account uses at most its limit; only a root account is unlimited",
        strengthening: false, bound: [.factory]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel, v = p.v, f = x[0], fref = try k.ref(Kind.factory, f)
        let exists = try s.life.select(fref).ne(v.b8(LifeValue.free))
        let bounded = try s.unlimited.select(f).ite(s.quota.select(fref).eq(v.none), s.used.select(f).ule(s.limit.select(f)))
        return try exists.implies(bounded)
    }

    // MARK: - Strengthening invariants

    static let ancestorClosure = SymbolicInvariant(
        id: "AUX-ANC", title: "the ghost ancestor relation is the closure of the parent links", strengthening: true, bound: [.node, .node]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel, a = x[0], n = x[1], parent = try s.pageParent.select(n)
        let step = try s.pageRooted.select(n).not().and(parent.eq(a).or(k.isAncestor(s, a, of: parent)))
        return try k.isAncestor(s, a, of: n).eq(step)
    }

    static let ancestorsMapped = SymbolicInvariant(
        id: "AUX-MAPPED", title: "only mapped nodes are related by the ghost", strengthening: true, bound: [.node, .node]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel
        return try k.isAncestor(s, x[0], of: x[1]).implies(k.isMapped(s, x[0]).and(k.isMapped(s, x[1])))
    }

    static let ancestorTransitive = SymbolicInvariant(
        id: "AUX-TRANS", title: "the ghost ancestor relation is transitive", strengthening: true, bound: [.node, .node, .node]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel
        return try k.isAncestor(s, x[0], of: x[1]).and(k.isAncestor(s, x[1], of: x[2])).implies(k.isAncestor(s, x[0], of: x[2]))
    }

    static let derivationFlows = SymbolicInvariant(
        id: "AUX-DERIV", title: "a mapping derives only from a task whose domain may flow to the mapping's", strengthening: true, bound: [.node, .node]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel
        let allowed = try p.flows(ownerOfTask(k, s, slotTask(x[0])), ownerOfTask(k, s, slotTask(x[1])))
        return try k.isAncestor(s, x[0], of: x[1]).implies(allowed)
    }

    static func within(_ e: Expr, _ bits: UInt8, _ v: Vocabulary) throws(SMTError) -> Expr { try e.bvand(v.b8(~bits)).eq(v.b8(0)) }

    static let slotValues = SymbolicInvariant(
        id: "AUX-SLOT-WF", title: "slot rights lie within RWSD and flags within counted|server, as Spec's", strengthening: true, bound: [.slot]
    ) { (p, s, x) throws(SMTError) in
        try within(s.slotRights.select(x[0]), 0xF, p.v).and(within(s.slotFlags.select(x[0]), 0x3, p.v))
    }

    static let pageValues = SymbolicInvariant(
        id: "AUX-PAGE-WF", title: "page rights lie within RWX, as Spec's", strengthening: true, bound: [.node]
    ) { (p, s, x) throws(SMTError) in
        try within(s.pageRights.select(x[0]), 0x7, p.v)
    }

    static let lifeValues = SymbolicInvariant(
        id: "AUX-LIFE", title: "an object is free, live or a zombie", strengthening: true, bound: [.object]
    ) { (p, s, x) throws(SMTError) in
        try s.life.select(x[0]).ule(p.v.b8(LifeValue.zombie))
    }

    /// Only the kinds of `Spec`'s tables are ever allocated, so every
    /// allocated object but the scheduler costs its account at least 1.
    static let kindsAllocate = SymbolicInvariant(
        id: "AUX-KIND", title: "an entry of no object kind (0, or above the scheduler's) is free", strengthening: true, bound: [.object]
    ) { (p, s, x) throws(SMTError) in
        let v = p.v, kind = try p.kernel.kindOf(x[0])
        return try kind.eq(v.b8(0)).or(kind.ugt(v.b8(Kind.scheduler))).implies(s.life.select(x[0]).eq(v.b8(LifeValue.free)))
    }

    static let freeTasksEmpty = SymbolicInvariant(
        id: "AUX-FREE", title: "a free task entry holds no capability (a task created there starts empty)", strengthening: true, bound: [.slot]
    ) { (p, s, x) throws(SMTError) in
        let v = p.v, task = try p.kernel.ref(Kind.task, slotTask(x[0]))
        return try s.life.select(task).eq(v.b8(LifeValue.free)).implies(s.slotKind.select(x[0]).eq(v.b8(0)))
    }

    /// A charged factory costs its account 1 + limit (MEM-2's item); that
    /// 16-bit sum never wraps to 0 because `create` refuses a limit it would
    /// overflow (kernel-api §3.4, `limitOverflow`). So every charged object
    /// costs at least 1, and a drained account has nothing charged to it.
    static let reservationFits = SymbolicInvariant(
        id: "AUX-RESERVE", title: "a charged factory's reservation (1 + limit) does not wrap: its limit is below 0xFFFF",
        strengthening: true, bound: [.factory]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel, v = p.v, f = x[0], fref = try k.ref(Kind.factory, f)
        let charged = try s.life.select(fref).ne(v.b8(LifeValue.free)).and(s.quota.select(fref).ne(v.none))
        return try charged.implies(s.limit.select(f).ne(v.b16(0xFFFF)))
    }

    static let accountFlows = SymbolicInvariant(
        id: "AUX-ACCOUNT", title: "an object is charged only to an account its owner may flow to", strengthening: true, bound: [.object]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel, v = p.v, r = x[0], q = try s.quota.select(r)
        let charged = try s.life.select(r).ne(v.b8(LifeValue.free)).and(q.ne(v.none), k.kindOf(r).ne(v.b8(Kind.scheduler)))
        return try charged.implies(p.flows(s.owner.select(r), s.owner.select(k.ref(Kind.factory, q))))
    }
}

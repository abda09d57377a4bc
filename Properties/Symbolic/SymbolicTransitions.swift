import SMT
import Symbolic

/// Symbolic forms of the transition properties (issue "Z3 proofs", point 3).
public enum SymbolicTransitions {
    public static let all: [SymbolicTransitionProperty] = [cap3, map4, mem3, mem4, mem5, info1, info2, ipc1, ipc2]

    static func callerDomain(_ p: ProofSetting, _ t: TransitionView) throws(SMTError) -> Expr {
        try SymbolicInvariants.ownerOfTask(p.kernel, t.pre, t.pre.threadTask.select(t.caller))
    }
    static func sameSlot(_ a: SymbolicState, _ b: SymbolicState, _ p: Expr) throws(SMTError) -> Expr {
        try a.slotKind.select(p).eq(b.slotKind.select(p)).and(a.slotObject.select(p).eq(b.slotObject.select(p)),
            a.slotRights.select(p).eq(b.slotRights.select(p)), a.slotFlags.select(p).eq(b.slotFlags.select(p)))
    }
    static func samePage(_ a: SymbolicState, _ b: SymbolicState, _ n: Expr) throws(SMTError) -> Expr {
        try a.pageFrame.select(n).eq(b.pageFrame.select(n)).and(a.pageRights.select(n).eq(b.pageRights.select(n)),
            a.pageParent.select(n).eq(b.pageParent.select(n)), a.pageRooted.select(n).eq(b.pageRooted.select(n)))
    }
    static func within(_ a: Expr, _ b: Expr, _ v: Vocabulary) throws(SMTError) -> Expr { try a.bvand(b.bvnot()).eq(v.b8(0)) }

    /// The caller's slot that names the invoked object (map destination, factory, ...).
    static func targetObject(_ p: ProofSetting, _ t: TransitionView, _ slot: Expr) throws(SMTError) -> Expr {
        try t.pre.slotObject.select(p.kernel.at(t.pre.threadTask.select(t.caller), slot))
    }

    static let cap3 = SymbolicTransitionProperty(
        id: "CAP-3", title: "no slot or mapping gains authority except from its map source, within source ∧ mask; grant empties the source",
        bound: [.slot, .node]
    ) { (p, t, x) throws(SMTError) in
        let k = p.kernel, v = p.v, pre = t.pre, post = t.post, q = x[0], n = x[1]
        let sameObject = try pre.slotKind.select(q).eq(post.slotKind.select(q)).and(pre.slotObject.select(q).eq(post.slotObject.select(q)))
        let kept = try sameObject.and(within(post.slotRights.select(q), pre.slotRights.select(q), v))
        var fromSource = try v.truth(false), grantEmpties = try v.truth(true)
        var pageFromSource = try v.truth(false)
        let keptPage = try k.isMapped(pre, n).and(pre.pageFrame.select(n).eq(post.pageFrame.select(n)),
                                                  within(post.pageRights.select(n), pre.pageRights.select(n), v))
        switch t.call {
        case .map(let m):
            let st = try targetObject(p, t, m.src), dt = try targetObject(p, t, m.dst)
            if m.space == .object {
                let src = try k.at(st, m.index), dst = try k.at(dt, m.sndBase)
                fromSource = try q.eq(dst).and(post.slotKind.select(q).eq(pre.slotKind.select(src)),
                    post.slotObject.select(q).eq(pre.slotObject.select(src)),
                    within(post.slotRights.select(q), pre.slotRights.select(src), v),
                    within(post.slotRights.select(q), m.mask.bvor(v.b8(0x4)), v))
                let inserted = try t.step.outcome.isOk(v).and(src.ne(dst), pre.slotKind.select(dst).eq(v.b8(0)),
                    post.slotKind.select(dst).ne(v.b8(0)))
                grantEmpties = try m.grant.and(inserted).implies(post.slotKind.select(src).eq(v.b8(0)))
            } else {
                let src = try k.at(st, m.index), dst = try k.at(dt, m.sndBase)
                // Only the gain is bounded by the source and the mask: rule 1 of §4.6 ORs into what the
                // destination had, which may exceed the source below a narrowing grant (§4.7).
                let kept = try k.isMapped(pre, n).and(pre.pageFrame.select(n).eq(pre.pageFrame.select(src)))
                    .ite(pre.pageRights.select(n), v.b8(0))
                let gained = try post.pageRights.select(n).bvand(kept.bvnot())
                pageFromSource = try n.eq(dst).and(post.pageFrame.select(n).eq(pre.pageFrame.select(src)),
                                                   within(gained, pre.pageRights.select(src), v),
                                                   within(gained, m.mask, v))
            }
        case .create(let c):
            let created = try k.at(pre.threadTask.select(t.caller), c.slot)
            fromSource = try q.eq(created).and(post.slotObject.select(q).eq(c.entry), post.slotKind.select(q).eq(v.b8(c.kind.code)))
        default: break
        }
        let slotOk = try post.slotKind.select(q).ne(v.b8(0)).implies(kept.or(fromSource))
        let pageOk = try k.isMapped(post, n).implies(keptPage.or(pageFromSource))
        return try slotOk.and(pageOk, grantEmpties)
    }

    static let map4 = SymbolicTransitionProperty(
        id: "MAP-4", title: "unmap removes every descendant (and the own mapping with ALL_SPACES); a downgrade reaches every descendant",
        bound: [.node]
    ) { (p, t, x) throws(SMTError) in
        let k = p.kernel, v = p.v, m = x[0]
        guard case .unmap(let u) = t.call, u.space == .memory else { return try v.truth(true) }
        let task = try targetObject(p, t, u.task), n = try k.at(task, u.index)
        let applies = try t.step.outcome.isOk(v).and(k.validPage(t.pre, u.index), k.isMapped(t.pre, n))
        let hit = try k.isAncestor(t.pre, n, of: m).or(u.allSpaces.and(m.eq(n)))
        let removed = try k.has(u.rights, 0x4).implies(k.isMapped(t.post, m).not())
        let lowered = try k.has(u.rights, 0x4).not().implies(t.post.pageRights.select(m).bvand(u.rights).bvand(v.b8(0x3)).eq(v.b8(0)))
        return try applies.and(hit).implies(removed.and(lowered))
    }

    static let mem3 = SymbolicTransitionProperty(
        id: "MEM-3", title: "freeing an object returns at least its cost to the account it was charged to", bound: [.object]
    ) { (p, t, x) throws(SMTError) in
        let k = p.kernel, v = p.v, r = x[0]
        if case .create = t.call { return try v.truth(true) }
        let f = try t.pre.quota.select(r), fref = try k.ref(Kind.factory, f)
        let freed = try t.pre.life.select(r).ne(v.b8(LifeValue.free)).and(t.post.life.select(r).eq(v.b8(LifeValue.free)),
            k.kindOf(r).ne(v.b8(Kind.factory)), k.kindOf(r).ne(v.b8(Kind.scheduler)), f.ne(v.none),
            t.pre.life.select(fref).eq(v.b8(LifeValue.live)))
        let cost = try k.cost(k.kindOf(r)), before = try t.pre.used.select(f)
        return try freed.and(cost.ule(before)).implies(t.post.used.select(f).ule(before.bvsub(cost)))
    }

    static let mem4 = SymbolicTransitionProperty(
        id: "MEM-4", title: "an account's use changes only by a create on it or by freeing an object charged to it", bound: [.factory],
        unless: .init(bound: [.object]) { (p, t, x, y) throws(SMTError) in
            let v = p.v, r = y[0]
            return try t.pre.life.select(r).ne(v.b8(LifeValue.free)).and(t.post.life.select(r).eq(v.b8(LifeValue.free)),
                                                                         t.pre.quota.select(r).eq(x[0]))
        }
    ) { (p, t, x) throws(SMTError) in
        let k = p.kernel, v = p.v, f = x[0], fref = try k.ref(Kind.factory, f)
        let changed = try t.pre.used.select(f).ne(t.post.used.select(f)).and(t.pre.life.select(fref).ne(v.b8(LifeValue.free)),
                                                                            t.post.life.select(fref).ne(v.b8(LifeValue.free)))
        var created = try v.truth(false)
        if case .create(let c) = t.call { created = try targetObject(p, t, c.factory).eq(f) }
        return try changed.implies(created)
    }

    /// Pointwise, so that its negation names the entry that changed (an
    /// equality of whole λ-built arrays is outside what Z3 decides).
    static let mem5 = SymbolicTransitionProperty(
        id: "MEM-5", title: "a create that fails with an L4 error changes nothing", bound: [.slot, .node, .node, .object, .factory]
    ) { (p, t, x) throws(SMTError) in
        let v = p.v, pre = t.pre, post = t.post
        guard case .create = t.call else { return try v.truth(true) }
        let q = x[0], n = x[1], a = x[2], r = x[3], i = x[4]
        func same(_ field: KeyPath<SymbolicState, Expr>, _ at: Expr) throws(SMTError) -> Expr {
            try pre[keyPath: field].select(at).eq(post[keyPath: field].select(at))
        }
        let unchanged = try v.context.and([
            try sameSlot(pre, post, q), try samePage(pre, post, n), try same(\.ancestor, a.concat(n)),
            try same(\.life, r), try same(\.counted, r), try same(\.quota, r), try same(\.owner, r),
            try same(\.limit, i), try same(\.used, i), try same(\.unlimited, i),
            try same(\.threadTask, i), try same(\.gateThread, i), try same(\.gateWaitHead, i), try same(\.gateLabel, i),
            try same(\.threadState, i), try same(\.replyTo, i), try same(\.queuedAt, i),
        ])
        return try t.step.outcome.kind.eq(v.b8(3)).implies(unchanged)
    }

    /// The items a domain owns: slots and pages of its tasks, headers of its
    /// objects, its accounts (properties §2.2).
    static func ownedItemsUnchanged(_ p: ProofSetting, _ t: TransitionView, _ x: [Expr], owned: (Expr) throws(SMTError) -> Expr) throws(SMTError) -> Expr {
        let k = p.kernel, pre = t.pre, post = t.post, q = x[0], n = x[1], r = x[2]
        let slotOwner = try SymbolicInvariants.ownerOfTask(k, pre, SymbolicInvariants.slotTask(q))
        let pageOwner = try SymbolicInvariants.ownerOfTask(k, pre, SymbolicInvariants.slotTask(n))
        let header = try pre.life.select(r).eq(post.life.select(r)).and(pre.counted.select(r).eq(post.counted.select(r)),
                                                                      pre.quota.select(r).eq(post.quota.select(r)))
        let f = try k.indexOf(r)
        let account = try k.kindOf(r).eq(p.v.b8(Kind.factory)).implies(pre.used.select(f).eq(post.used.select(f)).and(pre.limit.select(f).eq(post.limit.select(f))))
        return try owned(slotOwner).implies(sameSlot(pre, post, q)).and(owned(pageOwner).implies(samePage(pre, post, n)),
            owned(pre.owner.select(r)).and(pre.life.select(r).ne(p.v.b8(LifeValue.free))).implies(header.and(account)))
    }

    static let info1 = SymbolicTransitionProperty(
        id: "INFO-1", title: "integrity: every item a step changes is owned by a domain the acting domain may flow to",
        bound: [.slot, .node, .object]
    ) { (p, t, x) throws(SMTError) in
        let actor = try callerDomain(p, t)
        return try ownedItemsUnchanged(p, t, x) { (d) throws(SMTError) in try p.flows(actor, d).not() }
    }

    static let info2 = SymbolicTransitionProperty(
        id: "INFO-2", title: "local respect: a domain the actor may not flow to sees no change in its view",
        bound: [.slot, .node, .object, .domain]
    ) { (p, t, x) throws(SMTError) in
        let actor = try callerDomain(p, t), u = x[3]
        let invisible = try p.flows(actor, u).not()
        return try invisible.implies(ownedItemsUnchanged(p, t, x) { (d) throws(SMTError) in try d.eq(u) })
    }
}

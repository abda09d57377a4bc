import Properties
import SMT
import Symbolic

/// Which domains' items an observer u sees (the unwinding relation `~u`).
public enum NIObservation: String, Sendable, CaseIterable {
    /// u sees exactly the items u owns (the literal Serval/Nickel relation).
    case owned
    /// u sees the items of every domain that may flow to u (u itself
    /// included): the largest read set the policy permits, seL4's
    /// `subjectReads` over-approximated by the policy.
    case inbound

    public var text: String {
        switch self {
        case .owned: "s ~u t: the items owned by u agree"
        case .inbound: "s ~u t: the items owned by every domain that may flow to u (u included) agree"
        }
    }
}

/// A test-only defect of the relation (issue 5 point 4, item 4): a relation
/// that cannot fail proves nothing, so the tests weaken it and expect a
/// refutation.
public enum NIRelationDefect: String, Sendable {
    /// The observation ignores the rights of a slot.
    case ignoreSlotRights
}

/// Fresh constants standing for the ∃-bound items of a negated relation.
struct NIWitnesses {
    var object: Expr, slot: Expr, node: Expr, ancestor: Expr, ancestorOf: Expr
    init(_ v: Vocabulary, _ tag: String) throws(SMTError) {
        let ctx = v.context
        object = try ctx.freshConstant("\(tag).object", v.bv16)
        slot = try ctx.freshConstant("\(tag).slot", v.bv16)
        node = try ctx.freshConstant("\(tag).node", v.bv16)
        ancestor = try ctx.freshConstant("\(tag).anc", v.bv16)
        ancestorOf = try ctx.freshConstant("\(tag).ancOf", v.bv16)
    }
}

/// The unwinding relation over two copies of the encoded state (properties
/// §2.3, §2.5 (b)). An item is *owned* by domain d in state s when it is
///   - an allocated object (life ≠ free, not the scheduler) labelled d:
///     its header (life, counter, account, label) and, for a factory, its
///     quota record, for a gate its binding and wait-queue head, for a
///     thread its task;
///   - a slot or page of an allocated task labelled d, and the ghost
///     ancestors of such a page.
/// Slots and pages compare canonically: an empty slot is empty whatever its
/// other fields hold, an unmapped page is unmapped (the encoding never reads
/// those fields, and `Spec` keeps them zero).
struct NIRelation {
    let setting: ProofSetting
    let defect: NIRelationDefect?
    var k: SymbolicKernel { setting.kernel }
    var v: Vocabulary { setting.v }

    typealias Visible = (Expr) throws(SMTError) -> Expr

    func taskRef(_ position: Expr) throws(SMTError) -> Expr { try k.ref(Kind.task, position.extract(high: 15, low: 8)) }

    func allocated(_ s: SymbolicState, _ r: Expr) throws(SMTError) -> Expr { try k.isAllocated(s, r) }

    func mine(_ s: SymbolicState, _ r: Expr, _ visible: Visible) throws(SMTError) -> Expr {
        try allocated(s, r).and(visible(s.owner.select(r)))
    }

    func sameSlot(_ s: SymbolicState, _ t: SymbolicState, _ p: Expr) throws(SMTError) -> Expr {
        let kind = try s.slotKind.select(p)
        var fields = [try s.slotObject.select(p).eq(t.slotObject.select(p)), try s.slotFlags.select(p).eq(t.slotFlags.select(p))]
        if defect != .ignoreSlotRights { fields.append(try s.slotRights.select(p).eq(t.slotRights.select(p))) }
        return try kind.eq(t.slotKind.select(p)).and(kind.ne(v.b8(0)).implies(v.context.and(fields)))
    }

    func samePage(_ s: SymbolicState, _ t: SymbolicState, _ n: Expr) throws(SMTError) -> Expr {
        let frame = try s.pageFrame.select(n), rooted = try s.pageRooted.select(n)
        let parent = try rooted.not().implies(s.pageParent.select(n).eq(t.pageParent.select(n)))
        let mapped = try s.pageRights.select(n).eq(t.pageRights.select(n)).and(rooted.eq(t.pageRooted.select(n)), parent)
        return try frame.eq(t.pageFrame.select(n)).and(frame.ne(v.none).implies(mapped))
    }

    func sameHeader(_ s: SymbolicState, _ t: SymbolicState, _ r: Expr) throws(SMTError) -> Expr {
        let kind = try k.kindOf(r), i = try k.indexOf(r)
        func same(_ a: Expr, _ b: Expr) throws(SMTError) -> Expr { try a.select(r).eq(b.select(r)) }
        func sameAt(_ a: Expr, _ b: Expr) throws(SMTError) -> Expr { try a.select(i).eq(b.select(i)) }
        let factory = try kind.eq(v.b8(Kind.factory)).implies(
            sameAt(s.limit, t.limit).and(sameAt(s.used, t.used), sameAt(s.unlimited, t.unlimited)))
        let gate = try kind.eq(v.b8(Kind.gate)).implies(sameAt(s.gateThread, t.gateThread).and(sameAt(s.gateWaitHead, t.gateWaitHead)))
        let thread = try kind.eq(v.b8(Kind.thread)).implies(sameAt(s.threadTask, t.threadTask))
        return try same(s.life, t.life).and(same(s.counted, t.counted), same(s.quota, t.quota), same(s.owner, t.owner), factory, gate, thread)
    }

    // MARK: - The four parts of `s ~u t`, each at one item

    func objectPart(_ s: SymbolicState, _ t: SymbolicState, _ visible: Visible, _ r: Expr) throws(SMTError) -> Expr {
        let ms = try mine(s, r, visible)
        return try ms.eq(mine(t, r, visible)).and(ms.implies(sameHeader(s, t, r)))
    }

    func slotPart(_ s: SymbolicState, _ t: SymbolicState, _ visible: Visible, _ p: Expr) throws(SMTError) -> Expr {
        try mine(s, taskRef(p), visible).implies(sameSlot(s, t, p))
    }

    func pagePart(_ s: SymbolicState, _ t: SymbolicState, _ visible: Visible, _ n: Expr) throws(SMTError) -> Expr {
        try mine(s, taskRef(n), visible).implies(samePage(s, t, n))
    }

    func ancestorPart(_ s: SymbolicState, _ t: SymbolicState, _ visible: Visible, _ a: Expr, _ n: Expr) throws(SMTError) -> Expr {
        try mine(s, taskRef(n), visible).implies(k.isAncestor(s, a, of: n).eq(k.isAncestor(t, a, of: n)))
    }

    func configuration(_ s: SymbolicState, _ t: SymbolicState) throws(SMTError) -> Expr {
        try s.slotBound.eq(t.slotBound).and(s.pageBound.eq(t.pageBound))
    }

    /// `s ~ t` for the items `visible` selects, as ∀-hypotheses (one per
    /// item sort; the configuration is ground and asserted directly).
    func hypotheses(_ s: SymbolicState, _ t: SymbolicState, _ visible: @escaping Visible, _ tag: String) -> [Hypothesis] {
        let b16 = v.bv16
        return [
            Hypothesis(name: "\(tag) objects", sorts: [b16]) { (x) throws(SMTError) in try objectPart(s, t, visible, x[0]) },
            Hypothesis(name: "\(tag) slots", sorts: [b16]) { (x) throws(SMTError) in try slotPart(s, t, visible, x[0]) },
            Hypothesis(name: "\(tag) pages", sorts: [b16]) { (x) throws(SMTError) in try pagePart(s, t, visible, x[0]) },
            Hypothesis(name: "\(tag) ancestors", sorts: [b16, b16]) { (x) throws(SMTError) in try ancestorPart(s, t, visible, x[0], x[1]) },
        ]
    }

    /// The body of `s ~ t` at given items (for instantiating by hand).
    func body(_ s: SymbolicState, _ t: SymbolicState, _ visible: Visible, object r: Expr, slot p: Expr, node n: Expr,
              ancestor a: Expr, of m: Expr) throws(SMTError) -> Expr {
        try objectPart(s, t, visible, r).and(slotPart(s, t, visible, p), pagePart(s, t, visible, n), ancestorPart(s, t, visible, a, m))
    }

    /// ¬(s ~ t), Skolemised with the witnesses.
    func violated(_ s: SymbolicState, _ t: SymbolicState, _ visible: Visible, _ w: NIWitnesses) throws(SMTError) -> Expr {
        try body(s, t, visible, object: w.object, slot: w.slot, node: w.node, ancestor: w.ancestor, of: w.ancestorOf).not()
    }

    // MARK: - Scheduler view (INFO-5)

    /// What the scheduler sees: each thread's task and each thread's life.
    func schedulerViewBody(_ s: SymbolicState, _ t: SymbolicState, _ x: Expr) throws(SMTError) -> Expr {
        let r = try k.ref(Kind.thread, x)
        return try s.threadTask.select(x).eq(t.threadTask.select(x)).and(s.life.select(r).eq(t.life.select(r)))
    }

    /// Both copies agree on the scheduler's view: each thread's task (the
    /// whole table, ground) and each thread's life (a ∀-hypothesis).
    func schedulerView(_ s: SymbolicState, _ t: SymbolicState) throws(SMTError) -> (ground: Expr, hypothesis: Hypothesis) {
        (try s.threadTask.eq(t.threadTask),
         Hypothesis(name: "scheduler view", sorts: [v.bv8]) { (x) throws(SMTError) in try schedulerViewBody(s, t, x[0]) })
    }

    /// One step keeps the scheduler's view: an allocated thread keeps its task
    /// and life; a thread that appears is unbound (a new thread, not started).
    func schedulerStepBody(_ pre: SymbolicState, _ post: SymbolicState, _ x: Expr) throws(SMTError) -> Expr {
        let r = try k.ref(Kind.thread, x)
        let was = try allocated(pre, r), now = try allocated(post, r)
        return try was.implies(schedulerViewBody(pre, post, x)).and(was.not().and(now).implies(post.threadTask.select(x).eq(v.none)))
    }

    // MARK: - Domains and the event's preconditions

    /// dom(a): the owner of the caller's task.
    func domain(_ s: SymbolicState, caller: Expr) throws(SMTError) -> Expr {
        try s.owner.select(k.ref(Kind.task, s.threadTask.select(caller)))
    }

    /// The scheduler only runs a live thread of a live task.
    func runnable(_ s: SymbolicState, caller: Expr) throws(SMTError) -> Expr {
        let task = try s.threadTask.select(caller)
        return try task.ne(v.none).and(k.isLive(s, k.ref(Kind.task, task)), k.isLive(s, k.ref(Kind.thread, caller)))
    }

    /// Both results equal (the word only when one is carried).
    func sameOutcome(_ a: SymbolicOutcome, _ b: SymbolicOutcome) throws(SMTError) -> Expr {
        try a.kind.eq(b.kind).and(a.code.eq(b.code), a.hasValue.eq(b.hasValue), a.hasValue.implies(a.value.eq(b.value)))
    }
}

/// The seed instances of a noninterference query (`GroundTerms` of `l4spec
/// prove`, with the relation's hypotheses besides the invariants).
extension GroundTerms {
    /// The invariants of `s` at the terms.
    func invariantInstances(_ r: NIRelation, _ s: SymbolicState) throws(SMTError) -> [Expr] {
        try instances(SymbolicInvariants.all, r.setting, s)
    }

    /// `s ~ t` at the terms.
    func relationInstances(_ r: NIRelation, _ s: SymbolicState, _ t: SymbolicState, _ visible: NIRelation.Visible) throws(SMTError) -> [Expr] {
        var out: [Expr] = [try r.configuration(s, t)]
        for o in objects { out.append(try r.objectPart(s, t, visible, o)) }
        for p in slots { out.append(try r.slotPart(s, t, visible, p)) }
        for n in nodes {
            out.append(try r.pagePart(s, t, visible, n))
            for a in nodes { out.append(try r.ancestorPart(s, t, visible, a, n)) }
        }
        return out
    }

    /// The scheduler's view at the threads among the terms.
    func schedulerInstances(_ r: NIRelation, _ s: SymbolicState, _ t: SymbolicState) throws(SMTError) -> [Expr] {
        var out = [try s.threadTask.eq(t.threadTask)]
        for o in objects { out.append(try r.schedulerViewBody(s, t, r.k.indexOf(o))) }
        return out
    }
}

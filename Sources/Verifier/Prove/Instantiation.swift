import Properties
import SMT
import Symbolic

/// Manual instantiation of the ∀-invariants (reference "Swift + Z3" §6:
/// "Skolemise and instantiate the ∀-invariants manually"). Each hypothesis
/// is instantiated at the ground terms an obligation talks about — the
/// goal's witnesses, the positions the call touches, the parents, objects,
/// accounts and owners reachable from them in one step — and the
/// quantifier-free query goes first. An `unsat` there is a proof (every
/// instance follows from the ∀-form); otherwise the quantified query decides.
struct GroundTerms {
    var slots: [Expr] = []
    var nodes: [Expr] = []
    var objects: [Expr] = []
    var factories: [Expr] = []
    var domains: [Expr] = []

    func terms(_ b: BoundSort) -> [Expr] {
        switch b {
        case .slot: slots
        case .node: nodes
        case .object: objects
        case .factory: factories
        case .domain: domains
        }
    }

    mutating func add(_ b: BoundSort, _ e: Expr) {
        switch b {
        case .slot: slots.append(e)
        case .node: nodes.append(e)
        case .object: objects.append(e)
        case .factory: factories.append(e)
        case .domain: domains.append(e)
        }
    }

    /// The terms of one obligation: witnesses and the call's positions, closed
    /// one step under "parent of", "object in", "account of" and "owner of".
    init(_ view: TransitionView, witnesses: [(BoundSort, Expr)], _ k: SymbolicKernel) throws(SMTError) {
        let pre = view.pre
        for (b, w) in witnesses { add(b, w) }
        let task = try pre.threadTask.select(view.caller)
        objects.append(try k.ref(Kind.thread, view.caller))
        objects.append(try k.ref(Kind.task, task))
        func capObject(_ slot: Expr) throws(SMTError) -> Expr { try pre.slotObject.select(k.at(task, slot)) }
        switch view.call {
        case .map(let m):
            slots += [try k.at(task, m.dst), try k.at(task, m.src)]
            let st = try capObject(m.src), dt = try capObject(m.dst)
            objects += [try k.ref(Kind.task, st), try k.ref(Kind.task, dt)]
            add(m.space == .object ? .slot : .node, try k.at(st, m.index))
            add(m.space == .object ? .slot : .node, try k.at(dt, m.sndBase))
        case .unmap(let u):
            slots.append(try k.at(task, u.task))
            add(u.space == .object ? .slot : .node, try k.at(capObject(u.task), u.index))
        case .create(let c):
            slots += [try k.at(task, c.factory), try k.at(task, c.slot)]
            let f = try capObject(c.factory)
            factories.append(f)
            objects += [try k.ref(Kind.factory, f), try k.ref(c.kind.code, c.entry)]
            if c.kind == .factory { factories.append(c.entry) }
        case .capValid(let t, let c):
            slots += [try k.at(task, t), try k.at(capObject(t), c)]
        case .capEqual(let t, let a, let b):
            slots += [try k.at(task, t), try k.at(capObject(t), a), try k.at(capObject(t), b)]
        }
        try close(pre, k)
    }

    mutating func close(_ s: SymbolicState, _ k: SymbolicKernel) throws(SMTError) {
        for n in nodes { nodes.append(try s.pageParent.select(n)) }
        for p in slots {
            objects.append(try s.slotKind.select(p).concat(s.slotObject.select(p)))
            objects.append(try k.ref(Kind.task, p.extract(high: 15, low: 8)))
        }
        for n in nodes { objects.append(try k.ref(Kind.task, n.extract(high: 15, low: 8))) }
        for r in objects {
            let q = try s.quota.select(r)
            factories.append(q)
            objects.append(try k.ref(Kind.factory, q))
        }
        for f in factories { objects.append(try k.ref(Kind.factory, f)) }
        for r in objects { domains.append(try s.owner.select(r)) }
        slots = Self.unique(slots); nodes = Self.unique(nodes); objects = Self.unique(objects)
        factories = Self.unique(factories); domains = Self.unique(domains)
    }

    /// Z3 shares equal terms, so equal printed forms are the same term.
    static func unique(_ terms: [Expr]) -> [Expr] {
        var seen = Set<String>()
        return terms.filter { seen.insert($0.description).inserted }
    }

    /// Every hypothesis instance over these terms.
    func instances(_ invariants: [SymbolicInvariant], _ p: ProofSetting, _ s: SymbolicState) throws(SMTError) -> [Expr] {
        var out: [Expr] = []
        for inv in invariants {
            var tuples: [[Expr]] = [[]]
            for b in inv.bound { tuples = tuples.flatMap { t in terms(b).map { t + [$0] } } }
            for t in tuples { out.append(try inv.body(p, s, t)) }
        }
        return out
    }
}

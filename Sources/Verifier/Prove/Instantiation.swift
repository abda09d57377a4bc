import Properties
import SMT
import Symbolic

/// The first instances of the ∀-hypotheses (reference "Swift + Z3" §6:
/// "Skolemise and instantiate the ∀-invariants manually"): the goal's
/// witnesses and the positions the call touches in each state copy, closed
/// one step under "parent of", "task of", "object in", "account of" and
/// "owner of". They seed `LazyInstantiation`, which adds the instances a
/// model shows missing; the obligations of `l4spec prove` and of
/// `--noninterference` share them.
struct GroundTerms {
    var slots: [Expr] = []
    var nodes: [Expr] = []
    var objects: [Expr] = []
    var factories: [Expr] = []
    var domains: [Expr] = []
    var threads: [Expr] = []

    func terms(_ b: BoundSort) -> [Expr] {
        switch b {
        case .slot: slots
        case .node: nodes
        case .object: objects
        case .factory: factories
        case .domain: domains
        case .thread: threads
        }
    }

    mutating func add(_ b: BoundSort, _ e: Expr) {
        switch b {
        case .slot: slots.append(e)
        case .node: nodes.append(e)
        case .object: objects.append(e)
        case .factory: factories.append(e)
        case .domain: domains.append(e)
        case .thread: threads.append(e)
        }
    }

    /// The focus terms of `Seeding.witnessGroup`: objects, accounts and slots.
    var focusObjects: [Expr] = []
    var focusFactories: [Expr] = []
    var focusSlots: [Expr] = []
    /// The goal's witnesses (`Seeding.witnessGroup`).
    var witnesses: [(BoundSort, Expr)] = []

    func focusTerms(_ b: BoundSort) -> [Expr] {
        switch b {
        case .object: focusObjects
        case .factory: focusFactories
        case .slot: focusSlots
        default: terms(b)
        }
    }

    /// The terms of a one-copy obligation.
    init(_ view: TransitionView, witnesses: [(BoundSort, Expr)], _ k: SymbolicKernel) throws(SMTError) {
        try self.init(states: [view.pre], call: view.call, caller: view.caller, witnesses: witnesses, k)
    }

    /// The terms of an obligation over one or more copies taking the same call.
    init(states: [SymbolicState], call: SymbolicCall, caller: Expr, witnesses: [(BoundSort, Expr)], _ k: SymbolicKernel) throws(SMTError) {
        for (b, w) in witnesses { add(b, w) }
        self.witnesses = witnesses
        objects.append(try k.ref(Kind.thread, caller))
        threads.append(caller)
        for s in states { try addCall(s, call, caller: caller, k) }
        for s in states { try addFocus(s, call, witnesses, k) }
        for s in states { try close(s, k) }
        slots = Self.unique(slots); nodes = Self.unique(nodes); objects = Self.unique(objects)
        factories = Self.unique(factories); domains = Self.unique(domains); threads = Self.unique(threads)
    }

    /// The positions `call` reads in `s`.
    mutating func addCall(_ s: SymbolicState, _ call: SymbolicCall, caller: Expr, _ k: SymbolicKernel) throws(SMTError) {
        let task = try s.threadTask.select(caller)
        objects.append(try k.ref(Kind.task, task))
        func capObject(_ slot: Expr) throws(SMTError) -> Expr { try s.slotObject.select(k.at(task, slot)) }
        switch call {
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
            factories += [f, c.entry]
            objects += [try k.ref(Kind.factory, f), try k.ref(c.kind.code, c.entry)]
        case .capValid(let t, let c):
            slots += [try k.at(task, t), try k.at(capObject(t), c)]
        case .capEqual(let t, let a, let b):
            slots += [try k.at(task, t), try k.at(capObject(t), a), try k.at(capObject(t), b)]
        case .ipc(let c):
            slots.append(try k.at(task, c.cap))
            let o = try capObject(c.cap)
            threads += [o, try s.gateThread.select(o), try s.replyTo.select(caller), c.picked, try s.partner.select(o)]
            objects += [try k.ref(Kind.thread, o), try k.ref(Kind.gate, o)]
        case .gateBind(let b):
            slots += [try k.at(task, b.gate), try k.at(task, b.thread)]
            let g = try capObject(b.gate)
            threads += [try capObject(b.thread), try s.gateThread.select(g), try s.irqThread.select(g), try k.v.b8(0x80).bvor(g)]
            objects.append(try k.ref(Kind.gate, g))
        case .irq(let c):
            slots.append(try k.at(task, c.cap))
            let i = try capObject(c.cap)
            threads += [try k.v.b8(0x80).bvor(i), try s.irqThread.select(i), try s.replyTo.select(caller)]
            objects.append(try k.ref(Kind.irq, i))
        case .exRegs(let x, _):
            slots.append(try k.at(task, x))
            let o = try capObject(x)
            threads += [o, try s.partner.select(o), try s.gateWaitHead.select(s.partner.select(o))]
        }
    }

    /// The focus terms (see `Seeding.witnessGroup`): the witnesses, the object a
    /// create makes, the objects of the slots the call touches (which it may
    /// displace or delete), their successors and the last object; the
    /// accounts of those objects and the factories the call names; the
    /// slots the call touches, their successors and the last slot.
    mutating func addFocus(_ s: SymbolicState, _ call: SymbolicCall, _ witnesses: [(BoundSort, Expr)], _ k: SymbolicKernel) throws(SMTError) {
        var named = witnesses.filter { $0.0 == .object }.map(\.1)
        if case .create(let c) = call { named.append(try k.ref(c.kind.code, c.entry)) }
        for p in slots { named.append(try s.slotKind.select(p).concat(s.slotObject.select(p))) }
        named = Self.unique(named)
        focusFactories += factories + witnesses.filter { $0.0 == .factory }.map(\.1)
        for r in named { focusFactories.append(try s.quota.select(r)) }
        focusObjects += named
        for r in named { focusObjects.append(try r.bvadd(k.v.b16(1))) }
        focusObjects.append(try k.ledgerTop)
        focusSlots += witnesses.filter { $0.0 == .slot }.map(\.1) + slots
        for p in slots { focusSlots.append(try p.bvadd(k.v.b16(1))) }
        focusSlots.append(try k.lastSlot)
        focusObjects = Self.unique(focusObjects)
        focusFactories = Self.unique(focusFactories)
        focusSlots = Self.unique(focusSlots)
    }

    mutating func close(_ s: SymbolicState, _ k: SymbolicKernel) throws(SMTError) {
        // The headers of thread terms, read as a thread or (≥ 0x80) an Irq.
        for t in threads { objects += [try k.ref(Kind.thread, t), try k.ref(Kind.irq, t.bvand(k.v.b8(0x7F)))] }
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
        for r in objects { factories.append(try k.indexOf(r)) }
        for f in factories { objects.append(try k.ref(Kind.factory, f)) }
        for r in objects { domains.append(try s.owner.select(r)) }
    }

    /// Z3 shares equal terms, so equal printed forms are the same term.
    static func unique(_ terms: [Expr]) -> [Expr] {
        var seen = Set<String>()
        return terms.filter { seen.insert($0.description).inserted }
    }

    /// Where a coordinate of an invariant with this seeding is instantiated.
    func seeds(_ seeding: Seeding, _ b: BoundSort, group: Bool) -> [Expr] {
        switch seeding {
        case .everywhere: terms(b)
        case .witnessGroup: group ? witnesses.filter { $0.0 == b }.map(\.1) : focusTerms(b)
        }
    }

    /// Every instance of `invariants` over these terms, in state `s`.
    func instances(_ invariants: [SymbolicInvariant], _ p: ProofSetting, _ s: SymbolicState) throws(SMTError) -> [Expr] {
        var out: [Expr] = []
        for inv in invariants {
            var tuples: [[Expr]] = [[]]
            for (i, b) in inv.bound.enumerated() {
                tuples = tuples.flatMap { t in seeds(inv.seeding, b, group: i == 0).map { t + [$0] } }
            }
            for t in tuples { out.append(try inv.body(p, s, t)) }
        }
        return out
    }
}

extension GroundTerms {
    /// Instances of one-object hypotheses (a goal's ∀ part, a ∀
    /// precondition) at the object terms.
    func objectInstances(_ hypotheses: [Hypothesis]) throws(SMTError) -> [Expr] {
        var out: [Expr] = []
        for h in hypotheses where h.sorts.count == 1 && h.sorts[0].kind == .bitVector(width: 16) {
            for r in objects { out.append(try h.body([r])) }
        }
        return out
    }
}

extension SymbolicInvariant {
    /// This invariant of state `s` as a hypothesis for `LazyInstantiation`.
    func hypothesis(_ p: ProofSetting, _ s: SymbolicState, copy: String = "") -> Hypothesis {
        let v = p.v
        return Hypothesis(name: id + copy, sorts: bound.map { $0.sort(v) }) { (x) throws(SMTError) in try body(p, s, x) }
    }
}

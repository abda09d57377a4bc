import Foundation
import Properties
import Scenarios
import SMT
import Spec
import Symbolic

/// Noninterference queries anchored at a scenario's boot state: the vacuity
/// witness of the general proofs, and concrete counterexample pairs.
///
/// A pair is s = the boot state (owner labels per `NIPolicy.bootLabels`) and
/// t = s changed in a few items owned by the secret domain: every field of
/// t is s's concrete table with stores at symbolic keys inside `Spec`'s
/// capacities. Outside the keys s and t are the same concrete tables, and
/// all entries outside those tables are equal, so the ∀-hypotheses (the
/// invariants on t, the relation between s and t) are instantiated exactly
/// at the tables' entries, one entry outside them and the keys — a
/// quantifier-free query whose models are genuine pairs. Each pair found is
/// checked again on the evaluated state.
struct NIAnchor {
    let scenario: Scenario
    let policy: NIPolicy
    let kernel: SymbolicKernel
    let defect: NIRelationDefect?
    /// The anchored setting: the policy's flow (with `kernel` → when needed).
    let setting: ProofSetting
    let kernelIndex: Int?
    /// The boot state with owner labels.
    let boot: SymbolicState
    /// Why the boot state cannot anchor anything (it breaks an invariant under the policy), or nil.
    let unusable: String?
    /// Whether the boot state satisfies the invariants under the general (kernel-free) flow.
    let witnessUsable: Bool

    var v: Vocabulary { kernel.v }

    static let outside: UInt64 = 0x3C3C

    init(_ scenario: Scenario, _ policy: NIPolicy, _ kernel: SymbolicKernel, defect: NIRelationDefect?) throws(SMTError) {
        self.scenario = scenario
        self.policy = policy
        self.kernel = kernel
        self.defect = defect
        let v = kernel.v
        let (s, index) = try policy.labelledBoot(scenario.initial, v)
        kernelIndex = index
        setting = ProofSetting(kernel: kernel, flow: try policy.flowArray(v, kernel: kernelIndex), frameBound: try v.b8(0xFF))
        boot = s
        let anchored = NIRelation(setting: setting, defect: defect)
        unusable = try Self.brokenInvariant(s, anchored)
        if kernelIndex == nil {
            witnessUsable = unusable == nil
        } else {
            let general = ProofSetting(kernel: kernel, flow: try policy.flowArray(v), frameBound: try v.b8(0xFF))
            witnessUsable = try Self.brokenInvariant(s, NIRelation(setting: general, defect: defect)) == nil
        }
    }

    // MARK: - Concrete evaluation of the ∀-hypotheses

    static func support(_ b: BoundSort) -> [UInt64] {
        switch b {
        case .object: return ConcreteLayout.objects.map(\.0) + [UInt64(Kind.scheduler) << 8, outside]
        case .slot: return ConcreteLayout.slotPositions.map(\.0) + [outside]
        case .node: return ConcreteLayout.nodePositions.map(\.0) + [outside]
        case .factory: return [0, 1, 2, 0x3C]
        case .domain: return [0, 0x3C]
        case .thread: return (0..<UInt64(Capacity.threads)).map { $0 } + (0..<UInt64(Capacity.irqs)).map { 0x80 | $0 } + [0x3C]
        }
    }

    static func sort(_ b: BoundSort, _ v: Vocabulary) -> Sort {
        switch b {
        case .slot, .node, .object: v.bv16
        case .factory, .domain, .thread: v.bv8
        }
    }

    /// Every instance of every invariant of `s` over the given
    /// points of each sort, simplified, without the ones that are `true`.
    static func instances(_ s: SymbolicState, _ r: NIRelation, points: (BoundSort) throws(SMTError) -> [Expr]) throws(SMTError) -> [(String, Expr)] {
        var out: [(String, Expr)] = []
        for inv in SymbolicInvariants.all {
            var tuples: [[Expr]] = [[]]
            for b in inv.bound {
                let ps = try points(b)
                tuples = tuples.flatMap { t in ps.map { t + [$0] } }
            }
            for args in tuples {
                let e = try inv.body(r.setting, s, args).simplified()
                if e.boolValue != true { out.append((inv.id, e)) }
            }
        }
        return out
    }

    static func literalPoints(_ b: BoundSort, _ v: Vocabulary) throws(SMTError) -> [Expr] {
        try support(b).map { (x) throws(SMTError) in try v.context.bv(x, sort(b, v)) }
    }

    /// The first invariant a concrete state breaks, or nil: among those the
    /// unwinding obligations assume (`all`; the counting layer is not among
    /// their hypotheses, so a pair need not keep it).
    static func brokenInvariant(_ s: SymbolicState, _ r: NIRelation) throws(SMTError) -> String? {
        try Vacuity.brokenInvariant(s, r.setting, among: SymbolicInvariants.all)
    }

    // MARK: - Vacuity witness of the general proofs

    /// Some call of the family from the boot state (as both copies) is in
    /// scope, meets the precondition and has a runnable caller: `.found`
    /// when Z3 shows one, `.none` when it shows there is none (or the boot
    /// state cannot serve as a witness), `.undecided` when the query hit its
    /// time limit — the prover's own three-state vacuity (`Vacuity.Search`).
    func vacuityWitness(_ family: ProofFamily, _ timeout: UInt32) throws(SMTError) -> Vacuity.Search {
        guard witnessUsable else { return .none }
        let ctx = v.context
        let caller = try ctx.constant("caller", v.bv8)
        let (call, pre) = try family.call(kernel, pre: boot)
        let step = try kernel.step(boot, caller: caller, call)
        let r = NIRelation(setting: setting, defect: defect)
        let solver = ReducingSolver(try Solver(ctx, logic: nil), ctx)
        try solver.assert(step.inScope)
        try solver.assert(pre)
        try solver.assert(r.runnable(boot, caller: caller))
        let result = try solver.check(timeoutMilliseconds: min(timeout, 10_000))
        if ProcessInfo.processInfo.environment["L4SPEC_DEBUG_NI"] != nil {
            FileHandle.standardError.write(Data("debug: vacuity witness for \(family.name): \(result)\n".utf8))
        }
        switch result {
        case .sat: return .found(scenario.name)
        case .unsat: return .none
        case .unknown: return .undecided
        }
    }

    // MARK: - Concrete pairs

    /// A concrete pair (or, for local respect, a concrete step from the boot
    /// state) refuting `c` for the family, trying each secret in turn.
    func refute(_ c: NICondition, _ family: ProofFamily, _ options: NIOptions) throws(SMTError) -> (NIPair?, String?) {
        if let broken = unusable {
            return (nil, "the boot state breaks \(broken) under this policy, so no pair can be anchored at it")
        }
        if c == .localRespect { return try localRespect(family, options) }
        var secrets = policy.secretCandidates
        if !options.secrets.isEmpty { secrets = secrets.filter { options.secrets.contains(policy.domainNames[$0]) } }
        if secrets.isEmpty { return (nil, "no domain to vary") }
        var notes: [String] = []
        for secret in secrets {
            var last = ""
            for budget in Budget.ladder {
                let (pair, note) = try pairQuery(c, family, secret: secret, budget, options)
                if let pair { return (pair, nil) }
                last = note
            }
            notes.append("\(policy.domainNames[secret]): \(last)")
        }
        return (nil, "no pair anchored at the boot state (" + notes.joined(separator: "; ") + ")")
    }

    /// The symbolic t: the boot state with stores at keys.
    struct Variant {
        var t: SymbolicState
        var slotKeys: [Expr], pageKey: Expr?, objectKeys: [Expr]
        var constraints: [Expr]
    }

    /// How many items t may change: tried from the smallest, so that a pair
    /// differs from the boot state in as few items as possible.
    struct Budget {
        var slots: Int, page: Bool, objects: Int
        static let ladder = [Budget(slots: 1, page: false, objects: 0), Budget(slots: 0, page: true, objects: 0),
                             Budget(slots: 2, page: false, objects: 1), Budget(slots: 2, page: true, objects: 2)]
    }

    func variant(secret: Int, _ budget: Budget) throws(SMTError) -> Variant {
        let ctx = v.context, k = kernel, s = boot
        func b8(_ n: String) throws(SMTError) -> Expr { try ctx.freshConstant(n, v.bv8) }
        func lt(_ e: Expr, _ n: Int) throws(SMTError) -> Expr { try e.ult(ctx.bv(UInt64(n), v.bv8)) }
        func within(_ e: Expr, _ mask: UInt8) throws(SMTError) -> Expr { try e.bvand(v.b8(~mask)).eq(v.b8(0)) }
        var t = s
        var constraints: [Expr] = []
        let secretValue = try v.b8(UInt8(secret))
        let r = NIRelation(setting: setting, defect: defect)
        func ownedBySecret(_ state: SymbolicState, _ ref: Expr) throws(SMTError) -> Expr {
            try r.allocated(state, ref).and(state.owner.select(ref).eq(secretValue))
        }
        // Slots (values as Spec encodes them).
        var slotKeys: [Expr] = []
        for _ in 0..<budget.slots {
            let key = try ctx.freshConstant("t.slotKey", v.bv16)
            slotKeys.append(key)
            constraints.append(try lt(key.extract(high: 15, low: 8), Capacity.tasks).and(lt(key.extract(high: 7, low: 0), Capacity.slotsPerTask)))
            let kind = try b8("t.kind"), object = try b8("t.object"), rights = try b8("t.rights"), flags = try b8("t.flags")
            constraints.append(try within(rights, 0xF).and(within(flags, 0x3), kind.ule(v.b8(Kind.scheduler))))
            constraints.append(try kind.eq(v.b8(0)).implies(object.eq(v.b8(0)).and(rights.eq(v.b8(0)), flags.eq(v.b8(0)))))
            // A capability names an object inside Spec's table of its kind (the scheduler: one).
            for kd in ObjectKind.allCases {
                constraints.append(try kind.eq(v.b8(kd.rawValue)).implies(lt(object, kd.capacity)))
            }
            t.slotKind = try t.slotKind.store(key, kind)
            t.slotObject = try t.slotObject.store(key, object)
            t.slotRights = try t.slotRights.store(key, rights)
            t.slotFlags = try t.slotFlags.store(key, flags)
        }
        // One page, without descendants, hung below an unchanged node.
        var pageKey: Expr?
        if budget.page {
            let key = try ctx.freshConstant("t.pageKey", v.bv16)
            pageKey = key
            constraints.append(try lt(key.extract(high: 15, low: 8), Capacity.tasks).and(lt(key.extract(high: 7, low: 0), Capacity.pagesPerTask)))
            let frame = try b8("t.frame"), rights = try b8("t.pageRights")
            constraints.append(try within(rights, 0x7).and(lt(frame, Capacity.frames).or(frame.eq(v.none))))
            t.pageFrame = try t.pageFrame.store(key, frame)
            t.pageRights = try t.pageRights.store(key, rights)
            t.pageParent = try t.pageParent.store(key, ctx.freshConstant("t.parent", v.bv16))
            t.pageRooted = try t.pageRooted.store(key, ctx.freshConstant("t.rooted", v.bool))
            let pair = try v.bound("an", v.bv32)
            let a = try pair.extract(high: 31, low: 16), n = try pair.extract(high: 15, low: 0)
            let parent = try t.pageParent.select(key)
            let keyAncestors = try t.pageRooted.select(key).not().and(k.isMapped(t, key), a.eq(parent).or(s.ancestor.select(a.concat(parent))))
            t.ancestor = try ctx.lambda([pair], n.eq(key).ite(keyAncestors, s.ancestor.select(pair)))
            constraints.append(try parent.ne(key))
            for m in try Self.literalPoints(.node, v) { constraints.append(try s.ancestor.select(key.concat(m)).not()) }
            constraints.append(try ownedBySecret(t, r.taskRef(key)))
        }
        // Object headers.
        var objectKeys: [Expr] = []
        for _ in 0..<budget.objects {
            let key = try ctx.freshConstant("t.objectKey", v.bv16)
            objectKeys.append(key)
            let kind = try k.kindOf(key), index = try k.indexOf(key)
            var inTable: [Expr] = []
            for kd in [ObjectKind.task, .thread, .gate, .irq, .factory] {
                inTable.append(try kind.eq(v.b8(kd.rawValue)).and(lt(index, kd.capacity)))
            }
            constraints.append(try ctx.or(inTable))
            let life = try b8("t.life"), quota = try b8("t.quota")
            constraints.append(try life.ule(v.b8(LifeValue.zombie)).and(lt(quota, Capacity.factories).or(quota.eq(v.none))))
            let before = t
            t.life = try t.life.store(key, life)
            t.counted = try t.counted.store(key, b8("t.counted"))
            t.quota = try t.quota.store(key, quota)
            t.owner = try t.owner.store(key, b8("t.owner"))
            let isFactory = try kind.eq(v.b8(Kind.factory)), isGate = try kind.eq(v.b8(Kind.gate))
            t.limit = try isFactory.ite(t.limit.store(index, ctx.freshConstant("t.limit", v.bv16)), t.limit)
            t.used = try isFactory.ite(t.used.store(index, ctx.freshConstant("t.used", v.bv16)), t.used)
            t.unlimited = try isFactory.ite(t.unlimited.store(index, ctx.freshConstant("t.unlimited", v.bool)), t.unlimited)
            t.gateThread = try isGate.ite(t.gateThread.store(index, b8("t.gateThread")), t.gateThread)
            t.gateWaitHead = try isGate.ite(t.gateWaitHead.store(index, b8("t.gateWaitHead")), t.gateWaitHead)
            t.ledger = try k.reledgered(before, t, objects: [key])
        }
        // Every changed item belongs to the secret domain (in t, and in s when it exists there).
        for key in slotKeys { constraints.append(try ownedBySecret(t, r.taskRef(key))) }
        for key in objectKeys {
            constraints.append(try r.allocated(s, key).implies(ownedBySecret(s, key)))
            constraints.append(try r.allocated(t, key).implies(ownedBySecret(t, key)))
            // The scheduler's view (threads' tasks and lives) is shared.
            constraints.append(try k.kindOf(key).eq(v.b8(Kind.thread)).implies(t.life.select(key).eq(s.life.select(key))))
        }
        return Variant(t: t, slotKeys: slotKeys, pageKey: pageKey, objectKeys: objectKeys, constraints: constraints)
    }

    /// The points each ∀ is instantiated at for t: the tables, one outside entry, the keys.
    func points(_ b: BoundSort, _ x: Variant) throws(SMTError) -> [Expr] {
        let literal = try Self.literalPoints(b, v)
        switch b {
        case .slot: return literal + x.slotKeys
        case .node: return literal + (x.pageKey.map { [$0] } ?? [])
        case .object: return literal + x.objectKeys
        case .factory: return literal + (try x.objectKeys.map { (k) throws(SMTError) in try kernel.indexOf(k) })
        case .domain, .thread: return literal
        }
    }

    /// The relation `s ~ t` instantiated at the points.
    func relationInstances(_ s: SymbolicState, _ t: SymbolicState, _ visible: NIRelation.Visible, _ x: Variant) throws(SMTError) -> [Expr] {
        let r = NIRelation(setting: setting, defect: defect)
        var out: [Expr] = []
        for p in try points(.object, x) { out.append(try r.objectPart(s, t, visible, p)) }
        for p in try points(.slot, x) { out.append(try r.slotPart(s, t, visible, p)) }
        let nodes = try points(.node, x)
        for n in nodes {
            out.append(try r.pagePart(s, t, visible, n))
            for a in nodes { out.append(try r.ancestorPart(s, t, visible, a, n)) }
        }
        out.append(try r.configuration(s, t))
        return try out.map { (e) throws(SMTError) in try e.simplified() }.filter { $0.boolValue != true }
    }

    func pairQuery(_ c: NICondition, _ family: ProofFamily, secret: Int, _ budget: Budget, _ options: NIOptions) throws(SMTError) -> (NIPair?, String) {
        let ctx = v.context, k = kernel, s = boot
        let r = NIRelation(setting: setting, defect: defect)
        let x = try variant(secret: secret, budget)
        let t = x.t
        let (view, preS, preT, visU, visD) = try NIView.make(s, t, family, r, options.observation)
        let stepS = view.stepS, stepT = view.stepT, caller = view.caller, d = view.d
        let solver = ReducingSolver(try Solver(ctx, logic: nil), ctx)
        for e in x.constraints { try solver.assert(e) }
        for (_, e) in try Self.instances(t, r, points: { (b) throws(SMTError) in try points(b, x) }) { try solver.assert(e) }
        for e in [stepS.inScope, stepT.inScope, preS, preT, try r.runnable(s, caller: caller), try r.runnable(t, caller: caller)] {
            try solver.assert(e)
        }
        for e in try relationInstances(s, t, visD, x) { try solver.assert(e) }
        let w = try NIWitnesses(v, "w")
        switch c {
        case .outputConsistency: try solver.assert(r.sameOutcome(stepS.outcome, stepT.outcome).not())
        case .domConsistency: try solver.assert(r.domain(t, caller: caller).ne(d))
        default:
            for e in try relationInstances(s, t, visU, x) { try solver.assert(e) }
            try solver.assert(r.violated(stepS.state, stepT.state, visU, w))
        }
        let result = try solver.check(timeoutMilliseconds: options.timeoutMilliseconds)
        switch result {
        case .unsat: return (nil, "none exists within the anchored variations")
        case .unknown(let why): return (nil, "Z3: \(why)")
        case .sat(let m):
            let text = NIText(policy: policy, names: scenario.names, kernelIndex: kernelIndex, kernel: k)
            let differences = try text.differences(m, s, t, x)
            if let broken = try confirm(m, t) {
                return (nil, "a model was found but its t breaks \(broken) when evaluated (not reported as a pair)")
            }
            var lines = ["s: the boot state of '\(scenario.name)'; t: s with the secret domain \(policy.name(UInt64(secret), kernel: kernelIndex))'s items changed:"]
            lines += differences.map { "  \($0.item) (\($0.owner)): \($0.inS) in s, \($0.inT) in t" }
            lines += try text.action(m, view, c, w)
            return (NIPair(secret: policy.domainNames[secret], differences: differences, lines: lines), "")
        }
    }

    /// The evaluated t satisfies every invariant (nil) or the first it breaks.
    func confirm(_ m: Model, _ t: SymbolicState) throws(SMTError) -> String? {
        var c = t
        for (_, key) in SymbolicState.fields { c[keyPath: key] = try m.eval(t[keyPath: key]) }
        return try Self.brokenInvariant(c, NIRelation(setting: setting, defect: defect))
    }

    /// Local respect anchored at the boot state: one concrete step, from the
    /// boot state or from the boot state with one domain's items changed
    /// (that domain acting), that changes the view of a domain the actor may
    /// not flow to.
    func localRespect(_ family: ProofFamily, _ options: NIOptions) throws(SMTError) -> (NIPair?, String?) {
        var secrets = policy.secretCandidates
        if !options.secrets.isEmpty { secrets = secrets.filter { options.secrets.contains(policy.domainNames[$0]) } }
        var tries: [(Int?, Budget)] = [(nil, Budget(slots: 0, page: false, objects: 0))]
        for secret in secrets { tries += Budget.ladder.map { (secret, $0) } }
        for (secret, budget) in tries {
            if let pair = try localRespectQuery(family, secret: secret, budget, options) { return (pair, nil) }
        }
        return (nil, "no step from the boot state, or from it with one domain's items changed by that domain, breaks it")
    }

    func localRespectQuery(_ family: ProofFamily, secret: Int?, _ budget: Budget, _ options: NIOptions) throws(SMTError) -> NIPair? {
        let ctx = v.context, k = kernel
        let r = NIRelation(setting: setting, defect: defect)
        let x = try variant(secret: secret ?? 0, budget)
        let s = x.t
        let caller = try ctx.constant("caller", v.bv8)
        let u = try ctx.constant("ni.u", v.bv8)
        let (call, pre) = try family.call(k, pre: s)
        let step = try k.step(s, caller: caller, call)
        let d = try r.domain(s, caller: caller)
        let visU = Noninterference.visible(u, setting, options.observation)
        let solver = ReducingSolver(try Solver(ctx, logic: nil), ctx)
        for e in x.constraints { try solver.assert(e) }
        for (_, e) in try Self.instances(s, r, points: { (b) throws(SMTError) in try points(b, x) }) { try solver.assert(e) }
        for e in [step.inScope, pre, try r.runnable(s, caller: caller), try setting.flows(d, u).not()] { try solver.assert(e) }
        if let secret { try solver.assert(d.eq(v.b8(UInt8(secret)))) }
        let w = try NIWitnesses(v, "w")
        try solver.assert(r.violated(s, step.state, visU, w))
        guard case .sat(let m) = try solver.check(timeoutMilliseconds: options.timeoutMilliseconds) else { return nil }
        if try confirm(m, s) != nil { return nil }
        let view = NIView(s: s, t: s, stepS: step, stepT: step, call: call, caller: caller, u: u, d: d)
        let text = NIText(policy: policy, names: scenario.names, kernelIndex: kernelIndex, kernel: k)
        var lines: [String]
        var differences: [NIDifference] = []
        if let secret {
            differences = try text.differences(m, boot, s, x)
            lines = ["s: the boot state of '\(scenario.name)' with these items of \(policy.domainNames[secret]) changed (one copy: local respect compares s with its successor):"]
            lines += differences.map { "  \($0.item) (\($0.owner)): \($0.inS) at boot, \($0.inT) in s" }
        } else {
            lines = ["s: the boot state of '\(scenario.name)' (one copy: local respect compares s with its successor)"]
        }
        lines += try text.action(m, view, .localRespect, w)
        return NIPair(secret: secret.map { policy.domainNames[$0] } ?? "", differences: differences, lines: lines)
    }
}

/// A solver whose assertions have their array reads reduced first
/// (`ArrayReadReducer`), so satisfiable queries over λ-built states get models.
struct ReducingSolver {
    let solver: Solver
    let reducer: ArrayReadReducer
    init(_ solver: Solver, _ ctx: SMTContext) {
        self.solver = solver
        reducer = ArrayReadReducer(ctx)
    }
    func assert(_ e: Expr) throws(SMTError) { try solver.assert(reducer.reduce(e)) }
    func check(timeoutMilliseconds: UInt32) throws(SMTError) -> Solver.Result { try solver.check(timeoutMilliseconds: timeoutMilliseconds) }
    func push() throws(SMTError) { try solver.push() }
    func pop() throws(SMTError) { try solver.pop() }
}

import Scenarios
import SMT
import Spec
import Symbolic

/// A scenario's isolation policy as the noninterference proof uses it
/// (issue 5 point 4): every policy domain gets a small index (its position
/// in the scenario's `policy.domains`), `flow` is the scenario's relation
/// made reflexive for every domain value, and the boot objects carry owner
/// labels.
///
/// Owner labels of the boot state (Properties/Attribution.swift, simplified
/// to one owner per object): a task its policy domain; a thread its bound
/// task's domain; a gate or Irq its bound thread's domain, else the one
/// domain holding S (server view) on it; a factory the one domain holding S
/// on it. An object left without an owner by these rules (typically the
/// implicit root factory, which no task holds) gets a domain to which every
/// domain holding it or charged to it may flow, if one exists, and else the
/// pseudo-domain `kernel`, which every domain may flow to and which flows to
/// nobody (only used when the proof is anchored at the boot state).
public struct NIPolicy: Sendable {
    public var scenario: String
    /// Policy domains in index order.
    public var domainNames: [String]
    /// Allowed flows between policy domains (a ≠ b); every domain flows to itself.
    public var flows: Set<NIFlow>
    /// The boot tasks and their domain indices (the proof pins these labels).
    public var bootTaskDomains: [(task: Int, domain: Int)]

    /// Label of free table entries in the anchored boot state (no domain).
    public static let unlabelled: UInt8 = 0xFE

    public init(_ scenario: Scenario) {
        self.scenario = scenario.name
        domainNames = scenario.policy.domains.map(\.name)
        var flows = Set<NIFlow>()
        for f in scenario.policy.flows {
            if let a = domainNames.firstIndex(of: f.from), let b = domainNames.firstIndex(of: f.to), a != b {
                flows.insert(NIFlow(from: a, to: b))
            }
        }
        self.flows = flows
        var pins: [(Int, Int)] = []
        for t in 0..<Capacity.tasks where scenario.initial.tasks[t].life != .free {
            if let name = scenario.policy.domain(of: TaskID(t)), let d = domainNames.firstIndex(of: name) { pins.append((t, d)) }
        }
        bootTaskDomains = pins
    }

    public func allows(_ a: Int, _ b: Int) -> Bool { a == b || flows.contains(NIFlow(from: a, to: b)) }

    /// The index of a domain name.
    public func index(of name: String) -> Int? { domainNames.firstIndex(of: name) }

    /// A readable name for a domain value of a model.
    public func name(_ d: UInt64, kernel: Int? = nil) -> String {
        if let k = kernel, d == UInt64(k) { return "kernel" }
        if d < UInt64(domainNames.count) { return domainNames[Int(d)] }
        if d == UInt64(Self.unlabelled) { return "(unlabelled)" }
        return "domain \(d)"
    }

    /// The candidates for the secret domain of an anchored refutation: every
    /// domain, those with a forbidden outgoing flow first (the relation's
    /// hypotheses decide which variations an observer may not see).
    public var secretCandidates: [Int] {
        let all = Array(0..<domainNames.count)
        let restricted = all.filter { a in all.contains { !allows(a, $0) } }
        return restricted + all.filter { !restricted.contains($0) }
    }

    /// `flow` as an array over `a ‖ b`: reflexive for every 8-bit domain
    /// value, plus the scenario's flows, plus `a → kernel` for every policy
    /// domain when `kernel` is given.
    func flowArray(_ v: Vocabulary, kernel: Int? = nil) throws(SMTError) -> Expr {
        let ctx = v.context
        let pair = try v.bound("flow", v.bv16)
        var allowed = [try pair.extract(high: 15, low: 8).eq(pair.extract(high: 7, low: 0))]
        var pairs = flows.map { ($0.from, $0.to) }
        if let k = kernel { pairs += (0..<domainNames.count).map { ($0, k) } }
        for (a, b) in pairs.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
            allowed.append(try pair.eq(ctx.bv(UInt64(a) << 8 | UInt64(b), v.bv16)))
        }
        return try ctx.lambda([pair], ctx.or(allowed))
    }

    /// Owner labels of the boot objects (see the type's comment), and
    /// whether the `kernel` pseudo-domain (index `domainNames.count`) was needed.
    func bootLabels(_ k: KernelState) -> (labels: [ObjectRef: Int], kernelNeeded: Bool) {
        var labels: [ObjectRef: Int] = [:]
        for (t, d) in bootTaskDomains { labels[.task(TaskID(t))] = d }
        func holders(_ ref: ObjectRef, serverOnly: Bool) -> Set<Int> {
            var ds = Set<Int>()
            for t in 0..<Capacity.tasks where k.tasks[t].life == .live {
                guard let d = labels[.task(TaskID(t))] else { continue }
                for i in 0..<Capacity.slotsPerTask {
                    let sl = k.slots[t * Capacity.slotsPerTask + i]
                    if sl.ref == ref && sl.rights.contains(.s) && (!serverOnly || sl.server) { ds.insert(d) }
                }
            }
            return ds
        }
        for x in 0..<Capacity.threads where k.threads[x].life != .free {
            let task = Int(k.threads[x].task)
            if task < Capacity.tasks, let d = labels[.task(TaskID(task))] { labels[.thread(ThreadID(x))] = d }
        }
        func bound(_ thread: UInt8) -> Int? { Int(thread) < Capacity.threads ? labels[.thread(ThreadID(Int(thread)))] : nil }
        for g in 0..<Capacity.gates where k.gates[g].life != .free {
            let ref = ObjectRef.gate(GateID(g))
            if let d = bound(k.gates[g].thread) ?? unique(holders(ref, serverOnly: true)) { labels[ref] = d }
        }
        for i in 0..<Capacity.irqs where k.irqs[i].life != .free {
            let ref = ObjectRef.irq(IrqID(i))
            if let d = bound(k.irqs[i].thread) ?? unique(holders(ref, serverOnly: false)) { labels[ref] = d }
        }
        for f in 0..<Capacity.factories where k.factories[f].life != .free {
            let ref = ObjectRef.factory(FactoryID(f))
            if let d = unique(holders(ref, serverOnly: false)) { labels[ref] = d }
        }
        // Objects still without a label: a domain every user may flow to.
        var kernelNeeded = false
        for (_, ref) in ConcreteLayout.objects where k.life(of: ref) != .free && labels[ref] == nil {
            var users = Set<Int>()
            for t in 0..<Capacity.tasks where k.tasks[t].life == .live {
                guard let d = labels[.task(TaskID(t))] else { continue }
                for i in 0..<Capacity.slotsPerTask where k.slots[t * Capacity.slotsPerTask + i].ref == ref { users.insert(d) }
            }
            if ref.kind == .factory {
                for (_, o) in ConcreteLayout.objects where o != ref && k.life(of: o) != .free && k.quotaAccount(of: o) == UInt8(ref.index) {
                    if let d = labels[o] { users.insert(d) }
                }
            }
            if let d = (0..<domainNames.count).first(where: { d in users.allSatisfy { allows($0, d) } }) {
                labels[ref] = d
            } else {
                labels[ref] = domainNames.count
                kernelNeeded = true
            }
        }
        return (labels, kernelNeeded)
    }

    private func unique(_ s: Set<Int>) -> Int? { s.count == 1 ? s.first : nil }

    /// The boot state with these owner labels (free entries: `unlabelled`),
    /// and the index of the `kernel` pseudo-domain when one was needed.
    func labelledBoot(_ k: KernelState, _ v: Vocabulary) throws(SMTError) -> (state: SymbolicState, kernelIndex: Int?) {
        let ctx = v.context
        let (labels, needed) = bootLabels(k)
        var s = try SymbolicState(concrete: k, v)
        var owner = try ctx.constArray(v.bv16, v.b8(Self.unlabelled))
        for (p, ref) in ConcreteLayout.objects {
            if let d = labels[ref] { owner = try owner.store(ctx.bv(p, v.bv16), v.b8(UInt8(d))) }
        }
        s.owner = owner
        return (s, needed ? domainNames.count : nil)
    }
}

public struct NIFlow: Sendable, Hashable {
    public var from: Int
    public var to: Int
    public init(from: Int, to: Int) {
        self.from = from
        self.to = to
    }
}

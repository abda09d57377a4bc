import Scenarios
import Spec

/// What the checks need about the boot state and the policy, computed once per
/// `CheckContext` (the explorer calls the checks on every state and edge).
struct BootFacts: Sendable {
    let boot: KernelState
    let domainNames: [String]
    /// `flows[a * n + b]`: the policy lets domain a flow to domain b (a ≠ b).
    let flows: [Bool]
    /// Policy domain of each boot task (nil: not live at boot or in no domain).
    let bootTaskDomain: [Int?]
    /// The domain that owns each boot factory: the one domain whose boot tasks
    /// hold a capability with S to it (nil: none, or several).
    let bootFactoryDomain: [Int?]
    /// Take-grant island (a representative node) of each boot task, thread and gate.
    let bootIsland: [Int]
    /// Island of each boot Irq and factory: the one island whose tasks hold a
    /// capability to it (or, for an Irq, whose thread it is bound to); nil if none or several.
    let bootIrqIsland: [Int?]
    let bootFactoryIsland: [Int?]
    /// Island of each frame: the one island whose tasks map it at boot.
    let frameIsland: [Int?]

    init(_ scenario: Scenario) {
        let s = scenario.initial
        boot = s
        let names = scenario.policy.domains.map(\.name)
        domainNames = names
        var flows = [Bool](repeating: false, count: names.count * names.count)
        for f in scenario.policy.flows {
            if let a = names.firstIndex(of: f.from), let b = names.firstIndex(of: f.to) { flows[a * names.count + b] = true }
        }
        self.flows = flows
        var taskDomain = [Int?](repeating: nil, count: Capacity.tasks)
        for t in 0..<Capacity.tasks where s.tasks[t].life != .free {
            taskDomain[t] = scenario.policy.domain(of: TaskID(t)).flatMap { names.firstIndex(of: $0) }
        }
        bootTaskDomain = taskDomain

        // Factory owners: the domains of boot tasks holding S on the factory.
        var factoryDomain = [Int?](repeating: nil, count: Capacity.factories)
        for f in 0..<Capacity.factories where s.factories[f].life != .free {
            var ds = Set<Int>()
            for t in 0..<Capacity.tasks where s.tasks[t].life == .live {
                for k in 0..<Capacity.slotsPerTask {
                    let sl = s.rawSlot(t, k)
                    if sl.ref == .factory(FactoryID(f)) && sl.rights.contains(.s), let d = taskDomain[t] { ds.insert(d) }
                }
            }
            factoryDomain[f] = ds.count == 1 ? ds.first : nil
        }
        bootFactoryDomain = factoryDomain

        // Islands (properties.md §2.4): union-find over tasks, threads and gates.
        var uf = UnionFind(Islands.nodeCount)
        for t in 0..<Capacity.tasks where s.tasks[t].life == .live {
            for k in 0..<Capacity.slotsPerTask {
                if let ref = s.rawSlot(t, k).ref, let n = Islands.node(ref) { uf.union(t, n) }
            }
        }
        for x in 0..<Capacity.threads where s.threads[x].life != .free {
            let task = s.threads[x].task
            if task != absent && Int(task) < Capacity.tasks { uf.union(Islands.node(.thread(ThreadID(x))) ?? 0, Int(task)) }
        }
        for g in 0..<Capacity.gates where s.gates[g].life != .free {
            let th = s.gates[g].thread
            if th != absent && Int(th) < Capacity.threads {
                uf.union(Islands.node(.gate(GateID(g))) ?? 0, Islands.node(.thread(ThreadID(Int(th)))) ?? 0)
            }
        }
        let island = (0..<Islands.nodeCount).map { uf.find($0) }
        bootIsland = island
        func unique(_ set: Set<Int>) -> Int? { set.count == 1 ? set.first : nil }
        bootIrqIsland = (0..<Capacity.irqs).map { i in
            guard s.irqs[i].life != .free else { return nil }
            var set = Set<Int>()
            for t in 0..<Capacity.tasks where s.tasks[t].life == .live {
                for k in 0..<Capacity.slotsPerTask where s.rawSlot(t, k).ref == .irq(IrqID(i)) { set.insert(island[t]) }
            }
            let th = s.irqs[i].thread
            if th != absent && Int(th) < Capacity.threads, let n = Islands.node(.thread(ThreadID(Int(th)))) { set.insert(island[n]) }
            return unique(set)
        }
        bootFactoryIsland = (0..<Capacity.factories).map { f in
            guard s.factories[f].life != .free else { return nil }
            var set = Set<Int>()
            for t in 0..<Capacity.tasks where s.tasks[t].life == .live {
                for k in 0..<Capacity.slotsPerTask {
                    let sl = s.rawSlot(t, k)
                    if sl.ref == .factory(FactoryID(f)) && sl.rights.contains(.s) { set.insert(island[t]) }
                }
            }
            return unique(set)
        }
        frameIsland = (0..<Capacity.frames).map { fr in
            var set = Set<Int>()
            for n in 0..<s.pages.count where s.pages[n].isMapped && Int(s.pages[n].frame) == fr { set.insert(island[nodeOwner(n).task]) }
            return unique(set)
        }
    }

    func allows(_ a: Int, _ b: Int) -> Bool { a == b || flows[a * domainNames.count + b] }

    /// Whether `ref` in `state` is the object of the same index that existed at
    /// boot (same table entry in use, charged to the same account). An entry
    /// deleted and re-created from the same account is taken for the boot object.
    func isBootObject(_ ref: ObjectRef, in state: KernelState) -> Bool {
        boot.life(of: ref) != .free && state.life(of: ref) != .free && boot.quotaAccount(of: ref) == state.quotaAccount(of: ref)
    }
}

struct UnionFind {
    var parent: [Int]
    init(_ n: Int) { parent = Array(0..<n) }
    mutating func find(_ x: Int) -> Int {
        var r = x
        while parent[r] != r { r = parent[r] }
        var y = x
        while parent[y] != r {
            let next = parent[y]
            parent[y] = r
            y = next
        }
        return r
    }
    mutating func union(_ a: Int, _ b: Int) {
        let ra = find(a), rb = find(b)
        if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
    }
}

/// Island attribution of the current state (CAP-4).
enum Islands {
    static let nodeCount = Capacity.tasks + Capacity.threads + Capacity.gates

    static func node(_ ref: ObjectRef) -> Int? {
        let i = Int(ref.index)
        switch ref.kind {
        case .task: return i < Capacity.tasks ? i : nil
        case .thread: return i < Capacity.threads ? Capacity.tasks + i : nil
        case .gate: return i < Capacity.gates ? Capacity.tasks + Capacity.threads + i : nil
        case .irq, .factory, .scheduler: return nil
        }
    }

    /// The island an object of `state` belongs to: its boot island, or for an
    /// object created at run time the island of the factory it is charged to.
    static func island(of ref: ObjectRef, in state: KernelState, _ f: BootFacts) -> Int? {
        guard ref.kind != .scheduler, state.life(of: ref) != .free else { return nil }
        if f.isBootObject(ref, in: state) {
            switch ref.kind {
            case .irq: return f.bootIrqIsland[Int(ref.index)]
            case .factory: return f.bootFactoryIsland[Int(ref.index)]
            default: return node(ref).map { f.bootIsland[$0] }
            }
        }
        return factoryIsland(state.quotaAccount(of: ref), in: state, f, depth: 0)
    }

    static func factoryIsland(_ raw: UInt8, in state: KernelState, _ f: BootFacts, depth: Int) -> Int? {
        guard raw != absent, Int(raw) < Capacity.factories, depth <= Capacity.factories else { return nil }
        let ref = ObjectRef.factory(FactoryID(Int(raw)))
        guard state.life(of: ref) != .free else { return nil }
        if f.isBootObject(ref, in: state) { return f.bootFactoryIsland[Int(raw)] }
        return factoryIsland(state.factories[Int(raw)].parent, in: state, f, depth: depth + 1)
    }
}

/// Security-domain attribution of every object of one state (CAP-2, MAP-3, INFO-1/2).
///
/// Boot tasks carry their policy domain. An object created at run time belongs
/// to the domain owning the factory it is charged to (a boot factory is owned
/// by the one domain holding S on it at boot; a factory created at run time by
/// its parent's owner). A thread belongs to its bound task's domain; a gate or
/// Irq to its bound thread's domain, or while unbound to the domains holding S
/// on it (its potential binders).
struct Attribution {
    var task = [Int?](repeating: nil, count: Capacity.tasks)
    var thread = [Int?](repeating: nil, count: Capacity.threads)
    var factory = [Int?](repeating: nil, count: Capacity.factories)
    /// The state, for the owners of gates and Irqs (computed on demand: only CAP-2 needs them).
    let state: KernelState

    init(_ s: KernelState, _ f: BootFacts) {
        state = s
        for i in 0..<Capacity.factories { factory[i] = Self.factoryDomain(i, s, f, depth: 0) }
        for t in 0..<Capacity.tasks { task[t] = Self.taskDomain(t, s, f) }
        for x in 0..<Capacity.threads { thread[x] = Self.threadDomain(x, s, f) }
    }

    static func accountDomain(_ raw: UInt8, _ s: KernelState, _ f: BootFacts) -> Int? {
        raw != absent && Int(raw) < Capacity.factories ? factoryDomain(Int(raw), s, f, depth: 0) : nil
    }

    /// The domain of task `t` (computed alone, without the whole attribution).
    static func taskDomain(_ t: Int, _ s: KernelState, _ f: BootFacts) -> Int? {
        guard t < Capacity.tasks, s.tasks[t].life != .free else { return nil }
        return f.isBootObject(.task(TaskID(t)), in: s) ? f.bootTaskDomain[t] : accountDomain(s.tasks[t].quota, s, f)
    }

    /// The domain of thread `x` (computed alone, without the whole attribution).
    static func threadDomain(_ x: Int, _ s: KernelState, _ f: BootFacts) -> Int? {
        guard x < Capacity.threads, s.threads[x].life != .free else { return nil }
        let r = s.threads[x]
        if r.task != absent && Int(r.task) < Capacity.tasks, let d = taskDomain(Int(r.task), s, f) { return d }
        if f.isBootObject(.thread(ThreadID(x)), in: s), f.boot.threads[x].task != absent,
           Int(f.boot.threads[x].task) < Capacity.tasks, let d = f.bootTaskDomain[Int(f.boot.threads[x].task)] {
            return d
        }
        return accountDomain(r.quota, s, f)
    }

    /// The owners of a gate: its bound thread's domain, else the domains holding S (server view) on it, else its factory's owner.
    func gate(_ g: Int) -> [Int] {
        guard g < Capacity.gates, state.gates[g].life != .free else { return [] }
        return endpointOwners(.gate(GateID(g)), bound: state.gates[g].thread, account: state.gates[g].quota, state)
    }

    /// The owners of an Irq, by the same rule as gates.
    func irq(_ i: Int) -> [Int] {
        guard i < Capacity.irqs, state.irqs[i].life != .free else { return [] }
        return endpointOwners(.irq(IrqID(i)), bound: state.irqs[i].thread, account: state.irqs[i].quota, state)
    }

    /// Whether domain `a` may flow to every other domain (then no item can be judged foreign).
    static func flowsEverywhere(_ a: Int, _ f: BootFacts) -> Bool {
        (0..<f.domainNames.count).allSatisfy { f.allows(a, $0) }
    }

    static func factoryDomain(_ i: Int, _ s: KernelState, _ f: BootFacts, depth: Int) -> Int? {
        guard i < Capacity.factories, depth <= Capacity.factories, s.factories[i].life != .free else { return nil }
        if f.isBootObject(.factory(FactoryID(i)), in: s) { return f.bootFactoryDomain[i] }
        let p = s.factories[i].parent
        return p == absent ? nil : factoryDomain(Int(p), s, f, depth: depth + 1)
    }

    func accountDomain(_ raw: UInt8) -> Int? {
        raw != absent && Int(raw) < Capacity.factories ? factory[Int(raw)] : nil
    }

    private func endpointOwners(_ ref: ObjectRef, bound: UInt8, account: UInt8, _ s: KernelState) -> [Int] {
        if bound != absent && Int(bound) < Capacity.threads, let d = thread[Int(bound)] { return [d] }
        var ds: [Int] = []
        for t in 0..<Capacity.tasks where s.tasks[t].life == .live {
            guard let d = task[t] else { continue }
            for k in 0..<Capacity.slotsPerTask {
                let sl = s.rawSlot(t, k)
                if sl.ref == ref && sl.rights.contains(.s) && (ref.kind != .gate || sl.server) && !ds.contains(d) { ds.append(d) }
            }
        }
        if ds.isEmpty, let d = accountDomain(account) { ds.append(d) }
        return ds
    }

    /// The domains that own an object (empty: unattributed).
    func owners(of ref: ObjectRef) -> [Int] {
        let i = Int(ref.index)
        switch ref.kind {
        case .task: return i < Capacity.tasks ? task[i].map { [$0] } ?? [] : []
        case .thread: return i < Capacity.threads ? thread[i].map { [$0] } ?? [] : []
        case .gate: return gate(i)
        case .irq: return irq(i)
        case .factory: return i < Capacity.factories ? factory[i].map { [$0] } ?? [] : []
        case .scheduler: return []
        }
    }
}

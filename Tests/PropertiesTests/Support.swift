import Properties
import Scenarios
import Spec
import Testing

/// A small two-domain system built with the public boot API:
///
/// - factories: `root` (unlimited), `fa` (limit 20, child of root, held by A);
/// - task A (domain DA): slot 1 own task, 2 `fa`, 3 thread `a`, 4 gate `g` (client view, W);
/// - task B (domain DB): slot 1 own task, 3 thread `b`, 4 gate `g` (server view, all rights);
/// - threads `a` (in A) and `b` (in B), both priority 10 on cpu 0, `a` first in the ready list;
/// - gate `g` bound to `b` with label 8;
/// - A page 0 → frame 0 (RW), B page 0 → frame 1 (RW), both from sigma0.
///
/// Tests add capabilities/objects with the helpers before taking `context()`,
/// so the boot facts (islands, owners) see them.
struct World {
    var state: KernelState
    let root: FactoryID
    let fa: FactoryID
    let A: TaskID
    let B: TaskID
    let a: ThreadID
    let b: ThreadID
    let g: GateID
    var names: [(name: String, ref: ObjectRef)]
    /// Policy flows between DA and DB.
    var flows: [Policy.Flow] = [Policy.Flow(from: "DA", to: "DB"), Policy.Flow(from: "DB", to: "DA")]

    init(cpus: Int = 1, gateInA: Bool = true) {
        var s = KernelState(config: Config(slotBound: 8, pageBound: 4, cpuCount: cpus))
        root = World.must(s.bootFactory(limit: nil, parent: nil))
        fa = World.must(s.bootFactory(limit: 20, parent: root))
        A = World.must(s.bootTask(quota: root))
        B = World.must(s.bootTask(quota: root))
        a = World.must(s.bootThread(quota: root, task: A, prio: 10, cpu: CPU(0), pager: nil, started: true))
        b = World.must(s.bootThread(quota: root, task: B, prio: 10, cpu: CPU(0), pager: nil, started: true))
        g = World.must(s.bootGate(quota: root, thread: b, label: 8))
        state = s
        names = [("root", .factory(root)), ("fa", .factory(fa)), ("A", .task(A)), ("B", .task(B)),
                 ("a", .thread(a)), ("b", .thread(b)), ("g", .gate(g))]
        cap(.task(A), in: A, at: 1)
        cap(.factory(fa), in: A, at: 2)
        cap(.thread(a), in: A, at: 3)
        if gateInA { cap(.gate(g), in: A, at: 4, rights: [.w]) }
        cap(.task(B), in: B, at: 1)
        cap(.thread(b), in: B, at: 3)
        cap(.gate(g), in: B, at: 4, server: true)
        page(A, 0, frame: 0, rights: [.r, .w])
        page(B, 0, frame: 1, rights: [.r, .w])
    }

    static func must<T>(_ v: T?, _ what: String = "boot builder", sourceLocation: SourceLocation = #_sourceLocation) -> T {
        guard let v else {
            Issue.record("\(what) refused", sourceLocation: sourceLocation)
            preconditionFailure("\(what) refused")
        }
        return v
    }

    mutating func cap(_ ref: ObjectRef, in task: TaskID, at slot: Int, rights: CapRights = .all, server: Bool = false, weak: Bool = false) {
        let ok = state.bootCap(ref, task: task, slot: SlotIndex(slot), rights: rights, server: server, weak: weak)
        #expect(ok, "bootCap \(ref) into \(task) slot \(slot)")
    }

    mutating func page(_ task: TaskID, _ page: Int, frame: Int, rights: MemRights = .all, from: (TaskID, Int)? = nil) {
        let ok = state.bootPage(task: task, page: PageIndex(page), frame: FrameID(frame), rights: rights, from: from.map { ($0.0, PageIndex($0.1)) })
        #expect(ok, "bootPage \(task) page \(page)")
    }

    mutating func irq(thread: ThreadID?, line: UInt8?, label: UInt16 = 4) -> IrqID {
        let i = World.must(state.bootIrq(quota: root, thread: thread, label: label, line: line))
        names.append(("irq\(i.raw)", .irq(i)))
        return i
    }

    mutating func thread(in task: TaskID, prio: UInt8 = 10, started: Bool = true, name: String) -> ThreadID {
        let t = World.must(state.bootThread(quota: root, task: task, prio: prio, cpu: CPU(0), pager: nil, started: started))
        names.append((name, .thread(t)))
        return t
    }

    var policy: Policy {
        Policy(domains: [Policy.Domain(name: "DA", tasks: [A]), Policy.Domain(name: "DB", tasks: [B])], flows: flows)
    }

    /// The scenario whose boot state is the current `state`.
    var scenario: Scenario {
        let behaviours = names.compactMap { n -> ThreadBehaviour? in
            guard n.ref.kind == .thread else { return nil }
            return ThreadBehaviour(id: ThreadID(Int(n.ref.index)), name: n.name, behaviour: .any)
        }.sorted { $0.id < $1.id }
        return Scenario(name: "world", description: "two-domain test system", sourcePath: nil, initial: state, names: NameTable(names),
                        threads: behaviours, bounds: Bounds.defaults, policy: policy, sourceLines: [:])
    }

    func context() -> CheckContext { CheckContext(scenario: scenario) }
}

// MARK: - Running checks

enum Check {
    static func entry(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) -> CatalogueEntry? {
        let e = Catalogue.entry(id: id)
        if e == nil { Issue.record("no catalogue entry \(id)", sourceLocation: sourceLocation) }
        return e
    }

    /// Violations of a state invariant on `state`.
    static func state(_ id: String, _ s: KernelState, _ ctx: CheckContext, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        guard let e = entry(id, sourceLocation: sourceLocation) else { return ["missing entry"] }
        guard case .state(let check) = e.check else {
            Issue.record("\(id) is not a state invariant", sourceLocation: sourceLocation)
            return ["wrong kind"]
        }
        return check(s, ctx)
    }

    /// Violations of a transition property on one edge.
    static func edge(_ id: String, _ before: KernelState, _ event: Event, _ result: StepResult, _ after: KernelState, _ ctx: CheckContext,
                     sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        guard let e = entry(id, sourceLocation: sourceLocation) else { return ["missing entry"] }
        guard case .transition(let check) = e.check else {
            Issue.record("\(id) is not a transition property", sourceLocation: sourceLocation)
            return ["wrong kind"]
        }
        return check(before, event, result, after, ctx)
    }

    /// The liveness instance of `id` for the thread named `name`.
    static func instance(_ id: String, _ name: String, _ ctx: CheckContext, sourceLocation: SourceLocation = #_sourceLocation)
        -> (when: @Sendable (KernelState) -> Bool, goal: @Sendable (KernelState) -> Bool)? {
        guard let e = entry(id, sourceLocation: sourceLocation), case .liveness(let live) = e.check else {
            Issue.record("\(id) is not a liveness property", sourceLocation: sourceLocation)
            return nil
        }
        guard let inst = live.instances(ctx).first(where: { $0.name == name }) else {
            Issue.record("\(id) has no instance \(name)", sourceLocation: sourceLocation)
            return nil
        }
        return (inst.when, inst.goal)
    }

    /// Whether a lasso (a prefix state, then a cycle of states closed by the
    /// first cycle state) witnesses a violation of a leads-to instance under
    /// weak fairness of ticks: `when` holds at the start, `goal` never holds on
    /// the lasso, and the cycle takes a tick.
    static func lassoViolates(when: (KernelState) -> Bool, goal: (KernelState) -> Bool, start: KernelState,
                              cycle: [(Event, KernelState)]) -> Bool {
        guard when(start), !goal(start), !cycle.isEmpty else { return false }
        guard cycle.allSatisfy({ !goal($0.1) }) else { return false }
        guard cycle.contains(where: { if case .tick = $0.0 { return true } else { return false } }) else { return false }
        return cycle.last?.1 == cycle.first?.1 || cycle.last?.1 == start
    }

    /// Every state invariant and every transition property over a run of real events; returns "ID: message" lines.
    static func run(_ start: KernelState, _ events: [Event], _ ctx: CheckContext) -> (state: KernelState, results: [StepResult], violations: [String]) {
        var s = start
        var problems: [String] = []
        var results: [StepResult] = []
        func states(_ st: KernelState) {
            for e in Catalogue.all { if case .state(let c) = e.check { problems += c(st, ctx).map { "\(e.id): \($0)" } } }
        }
        states(s)
        for ev in events {
            let before = s
            let r = s.apply(ev)
            results.append(r)
            for e in Catalogue.all { if case .transition(let c) = e.check { problems += c(before, ev, r, s, ctx).map { "\(e.id) at \(ev): \($0)" } } }
            states(s)
        }
        return (s, results, problems)
    }
}

/// One registered test of a catalogue entry: `run` returns the violations the
/// entry's check reports on the test's input.
struct PropertyCase: Sendable, CustomTestStringConvertible {
    let id: String
    let note: String
    let run: @Sendable () -> [String]
    init(_ id: String, _ note: String, run: @escaping @Sendable () -> [String]) {
        self.id = id
        self.note = note
        self.run = run
    }
    var testDescription: String { "\(id): \(note)" }
}

/// The registries: every family contributes its cases; CatalogueTests checks
/// that every entry has at least one of each.
enum Registry {
    static var negative: [PropertyCase] {
        CapabilityCases.negative + MappingCases.negative + IpcCases.negative + SchedulingCases.negative
            + MemoryCases.negative + IrqCases.negative + InformationFlowCases.negative
    }
    static var positive: [PropertyCase] {
        CapabilityCases.positive + MappingCases.positive + IpcCases.positive + SchedulingCases.positive
            + MemoryCases.positive + IrqCases.positive + InformationFlowCases.positive
    }
}

let cpu0 = CPU(0)

extension KernelState {
    /// Applies an invocation by cpu 0's current thread and returns the result.
    mutating func invoke(_ inv: Invocation) -> StepResult { apply(.invoke(cpu: cpu0, inv)) }

    /// Raw slot position (tasks × slotsPerTask).
    static func slotIndex(_ t: TaskID, _ s: Int) -> Int { t.index * Capacity.slotsPerTask + s }
    static func pageIndex(_ t: TaskID, _ p: Int) -> Int { t.index * Capacity.pagesPerTask + p }
}

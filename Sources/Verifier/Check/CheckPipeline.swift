import Properties
import Scenarios
import Spec
import StateExplorer

/// Options of `l4spec check` (issue "State explorer", point 4).
public struct CheckOptions: Sendable {
    /// Property IDs to check; empty = the whole catalogue.
    public var properties: [String] = []
    public var workers = ExplorerConfiguration.defaultWorkers
    public var maxStates = 2_000_000
    /// nil = the scenario's own depth bound.
    public var maxDepth: Int?
    public var timeout: Double = 300
    public var memoryLimit = 16 << 30
    /// The liveness checker keeps the explored graph (states and edges) in
    /// memory, so it has its own, smaller state bound.
    public var livenessMaxStates = 400_000
    /// Explore up to renaming of interchangeable tasks (`KernelSymmetry`);
    /// safety properties only, liveness is always checked on the full graph.
    public var symmetry = false
    public init() {}
}

/// One property's result on one scenario.
public struct PropertyResult: Sendable {
    public var id: String
    public var title: String
    public var requirement: String
    public var kind: String
    public var verdict: String
    /// Why: the violated clause, the limit hit, or the bound the verdict holds within.
    public var detail: String
    public var counterexample: Scenarios.Trace?
    public var assumptions: [String]
}

public struct CheckReport: Sendable {
    public var scenario: Scenario
    public var results: [PropertyResult]
    public var statistics: ExplorationStatistics
    public var coverage: [(name: String, count: Int)]
    /// The scenario's depth bound was reached: verdicts hold within it.
    public var boundedByDepth: Bool
    public var limitHit: String?
    public var seconds: Double
    /// The symmetry groups used (nil when reduction was not asked for).
    public var symmetry: KernelSymmetry?
    public var violated: Bool { results.contains { $0.verdict == "violated" } }
    public var inconclusive: Bool { results.contains { $0.verdict == "inconclusive" } }
}

public enum CheckPipeline {
    /// Selects catalogue entries; unknown IDs are bad input.
    public static func entries(_ ids: [String]) throws(InputError) -> [CatalogueEntry] {
        guard !ids.isEmpty else { return Catalogue.all }
        return try ids.map { id throws(InputError) in
            guard let e = Catalogue.all.first(where: { $0.id == id }) else {
                throw InputError(file: "command line", line: nil, field: "--property",
                                 message: "unknown property '\(id)' (known: \(Catalogue.all.map(\.id).joined(separator: ", ")))")
            }
            return e
        }
    }

    public static func run(_ scenario: Scenario, entries: [CatalogueEntry], options: CheckOptions,
                           reporter: (any ExplorationReporter)? = nil) throws -> CheckReport {
        try validateExpectations(scenario)
        let clock = ContinuousClock()
        let start = clock.now
        let system = KernelSystem(scenario: scenario, symmetry: options.symmetry)
        let context = CheckContext(scenario: scenario)
        let depthBound = options.maxDepth ?? scenario.bounds.depth
        var safety: [Property<KernelSystem>] = []
        var safetyEntries: [CatalogueEntry] = []
        for e in entries {
            switch e.check {
            case .state(let check):
                safety.append(.always(e.id) { check($0.kernel, context).isEmpty })
                safetyEntries.append(e)
            case .transition(let check):
                safety.append(.transition(e.id) { s, event, t in
                    guard let r = t.last else { return true }
                    return check(s.kernel, event, r, t.kernel, context).isEmpty
                })
                safetyEntries.append(e)
            case .liveness:
                break
            }
        }
        var config = ExplorerConfiguration(workers: options.workers, maxStates: options.maxStates, maxDepth: depthBound,
                                           timeLimit: options.timeout, memoryLimit: options.memoryLimit)
        config.checkDeadlocks = false
        let result = try Explorer(system: system, properties: safety, configuration: config, reporter: reporter).run()
        let depthOnly = result.limitHit?.hasPrefix("depth") == true && options.maxDepth == nil
        var results: [PropertyResult] = []
        for (entry, (_, found)) in zip(safetyEntries, result.verdicts) {
            let verdict = try unreduced(found, system)
            results.append(convert(entry, verdict, scenario: scenario, context: context, depthBound: depthBound, depthOnly: depthOnly))
        }
        // Liveness instances name particular threads, and a lasso through
        // renamed states need not be a lasso for one thread: no reduction.
        results += checkLiveness(entries, system: system.unreduced, context: context,
                                 maxStates: min(options.maxStates, options.livenessMaxStates), depthBound: depthBound)
        results.sort { a, b in
            (entries.firstIndex { $0.id == a.id } ?? 0) < (entries.firstIndex { $0.id == b.id } ?? 0)
        }
        let d = clock.now - start
        return CheckReport(scenario: scenario, results: results, statistics: result.statistics, coverage: result.coverage,
                           boundedByDepth: depthOnly, limitHit: depthOnly ? nil : result.limitHit,
                           seconds: Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18,
                           symmetry: options.symmetry ? system.symmetry : nil)
    }

    /// A counterexample found on the reduced system, replayed from the real
    /// boot state on the full one: its states are the ones `l4spec run`
    /// shows, so the diffs and the violation detail name the right objects.
    static func unreduced(_ verdict: Verdict<KernelSystem>, _ system: KernelSystem) throws -> Verdict<KernelSystem> {
        guard !system.symmetry.renamings.isEmpty, case .violated(let trace) = verdict else { return verdict }
        return .violated(try replayUnreduced(trace, system))
    }

    /// Replays a reduced trace's events on the full system. Each state must be
    /// a renaming of the reduced one (events name CPUs and caller-local slots,
    /// so they replay unchanged); anything else is an equivariance bug.
    public static func replayUnreduced(_ trace: StateExplorer.Trace<KernelSystem>, _ system: KernelSystem) throws -> StateExplorer.Trace<KernelSystem> {
        let full = system.unreduced
        guard var state = full.initialStates().first, KernelSymmetry.same(system.canonicalize(state), trace.initial) else {
            throw ExplorationError.nondeterministicSystem(step: 0)
        }
        let initial = state
        var steps: [(action: Event, state: KernelSystem.State)] = []
        for (i, step) in trace.steps.enumerated() {
            guard let next = full.successor(of: state, via: step.action), KernelSymmetry.same(system.canonicalize(next), step.state) else {
                throw ExplorationError.nondeterministicSystem(step: i + 1)
            }
            steps.append((step.action, next))
            state = next
        }
        return StateExplorer.Trace(initial: initial, steps: steps)
    }

    static func convert(_ entry: CatalogueEntry, _ verdict: Verdict<KernelSystem>, scenario: Scenario, context: CheckContext,
                        depthBound: Int, depthOnly: Bool) -> PropertyResult {
        var r = PropertyResult(id: entry.id, title: entry.title, requirement: entry.requirement, kind: entry.kind.rawValue,
                               verdict: verdict.name, detail: "", counterexample: nil, assumptions: entry.assumptions)
        switch verdict {
        case .holds:
            r.detail = "in every reachable state"
        case .violated(let trace):
            r.counterexample = counterexample(trace, entry: entry, scenario: scenario)
            r.detail = violationDetail(entry, trace, context: context)
        case .inconclusive(let why):
            if depthOnly {
                r.verdict = "holds"
                r.detail = "in every state within the scenario's depth bound \(depthBound)"
            } else {
                r.detail = why
            }
        case .example, .notFound:
            r.detail = verdict.name
        }
        return r
    }

    /// What exactly is violated in the last state / on the last edge.
    static func violationDetail(_ entry: CatalogueEntry, _ trace: StateExplorer.Trace<KernelSystem>, context: CheckContext) -> String {
        let last = trace.steps.last?.state ?? trace.initial
        let before = trace.steps.count >= 2 ? trace.steps[trace.steps.count - 2].state : trace.initial
        var problems: [String] = []
        switch entry.check {
        case .state(let check): problems = check(last.kernel, context)
        case .transition(let check):
            if let step = trace.steps.last, let r = step.state.last { problems = check(before.kernel, step.action, r, step.state.kernel, context) }
        case .liveness: break
        }
        return "after \(trace.count) step(s): " + (problems.first ?? "violated")
    }

    /// The explorer's trace as an `l4spec-trace/1` document with per-step diffs.
    static func counterexample(_ trace: StateExplorer.Trace<KernelSystem>, entry: CatalogueEntry, scenario: Scenario) -> Scenarios.Trace {
        var events: [TraceEvent] = []
        var prev = trace.initial.kernel
        for step in trace.steps {
            let changes = step.state.kernel.changes(since: prev, name: scenario.names.name).map(\.description)
            events.append(TraceEvent(event: step.action, changes: changes))
            prev = step.state.kernel
        }
        return Scenarios.Trace(scenario: scenario.sourcePath.flatMap { ScenarioLoader.builtInNames.contains(scenario.name) ? nil : $0 } ?? scenario.name,
                     reference: entry.requirement, description: "shortest counterexample to \(entry.id) (\(entry.title)) found by l4spec check",
                     property: entry.id, events: events)
    }

    /// Every liveness entry over one depth-bounded graph (built once): a
    /// violating fair lasso within the bound is a real counterexample; none
    /// found means the property holds for every fair run within the bound.
    static func checkLiveness(_ entries: [CatalogueEntry], system: KernelSystem, context: CheckContext,
                              maxStates: Int, depthBound: Int) -> [PropertyResult] {
        // Weak fairness of timer ticks and of each CPU's running thread: a
        // thread that keeps the CPU eventually makes its next system call
        // (an `any` thread may still spin on failing calls), so a lasso in
        // which a running script thread never takes its next step is not a run.
        let cpus = Int(context.scenario.initial.config.cpuCount)
        let fairClasses = ["tick"] + (0..<cpus).map { "cpu\($0) runs" }
        let fairnessClass: @Sendable (Event) -> String? = { event in
            switch event {
            case .tick: "tick"
            case .invoke(let cpu, _): "cpu\(cpu.index) runs"
            case .irqLine: nil
            }
        }
        var props: [(entry: Int, name: String, prop: LivenessProperty<KernelSystem>)] = []
        for (k, entry) in entries.enumerated() {
            guard case .liveness(let live) = entry.check else { continue }
            for inst in live.instances(context) {
                let when = inst.when, goal = inst.goal
                let kind: LivenessProperty<KernelSystem>.Kind
                switch live.shape {
                case .leadsTo: kind = .leadsTo { when($0.kernel) }
                case .alwaysEventually: kind = .alwaysEventually
                }
                props.append((k, inst.name, LivenessProperty(name: "\(entry.id) \(inst.name)", kind: kind, fairClasses: fairClasses,
                                                             fairnessClass: fairnessClass, predicate: { goal($0.kernel) })))
            }
        }
        let verdicts = LivenessChecker(system: system, maxStates: maxStates, maxDepth: depthBound).check(props.map(\.prop))
        return entries.enumerated().compactMap { k, entry in
            guard case .liveness = entry.check else { return nil }
            var r = PropertyResult(id: entry.id, title: entry.title, requirement: entry.requirement, kind: entry.kind.rawValue,
                                   verdict: "holds", detail: "no fair run within depth \(depthBound) avoids the goal forever (weak fairness of ticks and running threads)",
                                   counterexample: nil, assumptions: entry.assumptions)
            for (p, verdict) in zip(props, verdicts) where p.entry == k {
                switch verdict {
                case .holds: continue
                case .inconclusive(let why):
                    r.verdict = "inconclusive"
                    r.detail = why
                case .violated(let lasso):
                    r.verdict = "violated"
                    r.detail = "\(p.name): a fair run of \(lasso.prefix.count) step(s) then a cycle of \(lasso.cycle.count) never reaches the goal"
                    r.counterexample = counterexample(StateExplorer.Trace(initial: lasso.initial, steps: lasso.prefix + lasso.cycle),
                                                      entry: entry, scenario: context.scenario)
                    r.counterexample?.description = "\(entry.id) \(p.name): lasso; the cycle starts after event \(lasso.prefix.count)"
                }
                break
            }
            return r
        }
    }
}

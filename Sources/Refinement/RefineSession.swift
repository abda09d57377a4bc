@_spi(FaultInjection) import KernelImpl
import Scenarios
import Spec

/// A test hook (DESIGN §10 "a checker that cannot fail is a defect"): alters
/// the implementation's abstract view after a step, as a broken
/// implementation would, so tests can check that the harness reports it.
public struct Perturbation: Sendable {
    public var apply: @Sendable (_ view: inout AbstractState, _ event: Event, _ step: Int) -> Void
    public init(_ apply: @escaping @Sendable (_ view: inout AbstractState, _ event: Event, _ step: Int) -> Void) {
        self.apply = apply
    }
}

/// What one step did on both sides, and where they disagree.
public struct StepRecord: Sendable {
    public var index: Int
    public var event: Event
    public var spec: StepResult
    /// The implementation's result as its thread reads it (`ResultDecoding`).
    public var implResult: String
    public var implActor: ObjectRef?
    /// Empty when both sides agree.
    public var diffs: [FieldDiff]
}

/// Both descriptions of the kernel driven by the same events (DESIGN §8):
/// the spec state, the implementation, and the correspondence between their
/// objects. A value type: copying a session caches a prefix (`EdgeRefinement`).
public struct RefineSession: Sendable {
    public private(set) var spec: KernelState
    public private(set) var impl: Kernel
    public private(set) var corr: Correspondence
    public let names: NameTable
    public var perturbation: Perturbation?
    /// Per-step scratch, rewritten in place by every `step` so that a step
    /// allocates (almost) nothing: both abstract views and the
    /// implementation's thread states before the step.
    private var specView: AbstractState
    private var implView: AbstractState
    private var before = Receipts.Snapshot()

    public init(scenario: Scenario, perturbation: Perturbation? = nil) throws(ImplBoot.Failure) {
        try self.init(initial: scenario.initial, names: scenario.names, perturbation: perturbation)
    }

    public init(initial: KernelState, names: NameTable, perturbation: Perturbation? = nil) throws(ImplBoot.Failure) {
        try self.init(initial: initial, names: names, perturbation: perturbation, faults: FaultSet())
    }

    /// A session whose implementation runs with seeded faults (`KernelImpl.Fault`).
    init(initial: KernelState, names: NameTable, perturbation: Perturbation?, faults: FaultSet) throws(ImplBoot.Failure) {
        spec = initial
        (impl, corr) = try ImplBoot.boot(initial, faults: faults)
        self.names = names
        self.perturbation = perturbation
        specView = AbstractState(cpus: Int(initial.config.cpuCount))
        implView = specView
    }

    /// Where the two boot states differ (empty: the boot is equivalent).
    public func stateDiffs() -> [FieldDiff] {
        StateDiff.diff(spec: SpecView.make(spec), impl: Abstraction.make(impl, corr, cpus: Int(spec.config.cpuCount)), names: names)
    }

    /// Applies `event` to both sides without comparing (replaying a prefix
    /// whose steps were compared before).
    public mutating func advance(_ event: Event) {
        _ = ImplStep.run(event, on: &impl)
        _ = spec.apply(event)
        corr.update(spec: spec, impl: impl)
    }

    /// Applies `event` to both sides and compares results, received messages and states.
    public mutating func step(_ event: Event, index: Int = 0) -> StepRecord {
        let specBefore = spec
        before.capture(impl)
        let run = ImplStep.run(event, on: &impl)
        let result = spec.apply(event)
        // The actor existed before the step (a teardown may free it in the step).
        // Not a closure: capturing `self` in this mutating method copies the session.
        var implActor: ObjectRef?
        if let t = run.exit.thread { implActor = corr.spec(.thread, t) }
        corr.update(spec: spec, impl: impl)
        var diffs = resultDiffs(result, run, implActor)
        let inv = run.invocation
        let specMessages = Receipts.spec(before: specBefore, after: spec, result: result, invocation: inv)
        let implMessages = Receipts.impl(before: before, after: impl, actor: run.exit.thread, actorOutcome: run.outcome, invocation: inv)
        if !specMessages.isEmpty || !implMessages.isEmpty { diffs += compareMessages(specMessages, implMessages) }
        diffs += wokenResults()
        // A perturbation may reshape the view: it then starts from a fresh one.
        if perturbation != nil { implView = AbstractState(cpus: Int(spec.config.cpuCount)) }
        Abstraction.fill(&implView, impl, corr)
        perturbation?.apply(&implView, event, index)
        SpecView.fill(&specView, spec)
        if implView != specView { diffs += StateDiff.diff(spec: specView, impl: implView, names: names) }
        return StepRecord(index: index, event: event, spec: result, implResult: run.text, implActor: implActor, diffs: diffs)
    }

    /// Who acted and what it got back (the result decoded from its registers).
    func resultDiffs(_ result: StepResult, _ run: ImplStep.Run, _ implActor: ObjectRef?) -> [FieldDiff] {
        var diffs: [FieldDiff] = []
        let specActor = result.actor.map { ObjectRef.thread($0) }
        if specActor != implActor {
            diffs.append(FieldDiff(path: "step.actor", spec: StateDiff.opt(specActor, names.name), impl: StateDiff.opt(implActor, names.name)))
        }
        if result.outcome != run.outcome {
            diffs.append(FieldDiff(path: "step.result", spec: "\(result.outcome)", impl: run.text))
        }
        return diffs
    }

    /// Messages delivered in the step (see `Receipts`, `ImplMessage.matches`).
    func compareMessages(_ specMessages: [(ObjectRef, ReceivedMessage)], _ i: [(Int, ImplMessage)]) -> [FieldDiff] {
        let s = Dictionary(specMessages, uniquingKeysWith: { a, _ in a })
        var byRef: [ObjectRef: ImplMessage] = [:]
        for (k, m) in i { byRef[corr.spec(.thread, k) ?? ObjectRef(.thread, 0x80 | k)] = m }
        let refs = Set(s.keys).union(byRef.keys).sorted { $0.index < $1.index }
        var out: [FieldDiff] = []
        for r in refs {
            switch (s[r], byRef[r]) {
            case (let a?, let b?) where b.matches(a): continue
            case (let a, let b):
                out.append(FieldDiff(path: "\(names.name(r)).received", spec: a?.description ?? "nothing", impl: b?.description ?? "nothing"))
            }
        }
        return out
    }

    /// The result a woken thread reads from its own registers (tag error flag
    /// and UTCB error word, kernel-api §1) must be the result the spec recorded.
    func wokenResults() -> [FieldDiff] {
        var out: [FieldDiff] = []
        for (i, entry) in before.threads.enumerated() {
            guard let b = entry, Receipts.blocked(b.state) && b.pending != .pageFault,
                  let now = impl.waitState(of: i), now.state == .ready else { continue }
            guard let v = impl.threadView(i), v.state == .ready, !v.dying, v.pending == .none, let r = corr.spec(.thread, i),
                  spec.life(of: r) != .free else { continue }
            let read = ResultDecoding.woken(tag: v.registers.tag, utcb: v.utcb)
            let recorded = spec.lastResult(ThreadID(Int(r.index)))
            if recorded != read {
                out.append(FieldDiff(path: "\(names.name(r)).result(registers)", spec: recorded.map { "\($0)" } ?? "none",
                                     impl: read.map { "\($0)" } ?? "undecodable error \(v.utcb.error)"))
            }
        }
        return out
    }
}

import Scenarios
import Spec
import StateExplorer

/// The kernel of one scenario as a transition system (issue "State explorer",
/// point 2): the running thread of each CPU acts — a `script` thread takes its
/// next step, an `any` thread any operation of the bounded domain — and timer
/// ticks and the scenario's IRQ lines can happen at any time.
public struct KernelSystem: TransitionSystem {
    /// The kernel state plus each script thread's program counter. `last` keeps
    /// the step result for transition checks; it is not part of the identity
    /// (fingerprints cover `kernel` and `pcs` only).
    public struct State: Sendable, BitwiseCopyable {
        public var kernel: KernelState
        public var pcs: InlineArray<6, UInt8>
        public var last: StepResult?
    }

    public typealias Action = Event

    public let scenario: Scenario
    public let domain: ActionDomain
    /// Interchangeable tasks (empty unless symmetry reduction was asked for).
    public let symmetry: KernelSymmetry
    let lines: [UInt8]
    let scripts: [Int: (steps: [Invocation], loop: Bool)]

    /// With `symmetry`, states are explored up to renaming of the scenario's
    /// interchangeable tasks (`KernelSymmetry`); safety verdicts and shortest
    /// counterexample lengths are those of the full system.
    public init(scenario: Scenario, symmetry: Bool = false) {
        self.scenario = scenario
        domain = ActionDomain(scenario: scenario)
        self.symmetry = symmetry ? KernelSymmetry(scenario: scenario) : .none
        var lines: [UInt8] = []
        for i in 0..<Capacity.irqs {
            let irq = scenario.initial.irq(IrqID(i))
            if irq.life == .live && irq.line != 0xFF && !lines.contains(irq.line) { lines.append(irq.line) }
        }
        self.lines = lines.sorted()
        var scripts: [Int: (steps: [Invocation], loop: Bool)] = [:]
        for t in scenario.threads {
            if case .script(let steps, let loop) = t.behaviour { scripts[t.id.index] = (steps, loop) }
        }
        self.scripts = scripts
    }

    public func initialStates() -> [State] {
        [State(kernel: scenario.initial, pcs: InlineArray(repeating: 0), last: nil)]
    }

    public func actions(in state: State, into buffer: inout [Event]) {
        let k = state.kernel
        for c in 0..<Int(k.config.cpuCount) {
            let cpu = CPU(c)
            guard let t = k.current(on: cpu) else { continue }
            buffer.append(.tick(cpu: cpu))
            // A dying thread only runs its teardown (any event on its CPU does it).
            if k.thread(t).isDying { continue }
            if let script = scripts[t.index] {
                let pc = Int(state.pcs[t.index])
                // A finished script sleeps forever instead of hogging its CPU.
                let inv = pc < script.steps.count ? script.steps[pc] : .ipcSleep(timeout: .never)
                buffer.append(.invoke(cpu: cpu, inv))
            } else {
                domain.invocations(for: t, in: k) { buffer.append(.invoke(cpu: cpu, $0)) }
            }
        }
        for line in lines { buffer.append(.irqLine(line)) }
    }

    public func successor(of state: State, via event: Event) -> State? {
        var next = state
        let result = next.kernel.apply(event)
        if result.outcome == .idle { return nil }
        if case .invoke = event, let t = result.actor, result.outcome != .tornDown, let script = scripts[t.index] {
            let pc = Int(next.pcs[t.index])
            if pc < script.steps.count {
                next.pcs[t.index] = UInt8(pc + 1 == script.steps.count && script.loop ? 0 : pc + 1)
            }
        }
        next.last = result
        return next
    }

    public func fingerprint(_ s: State) -> UInt64 {
        var pcs: UInt64 = 0
        for i in 0..<6 { pcs |= UInt64(s.pcs[i]) << UInt64(8 * i) }
        return fmix64(s.kernel.fingerprint ^ fmix64(pcs &+ 0x9E37_79B9_7F4A_7C15))
    }

    /// The representative of the state's class under the symmetry groups (the
    /// state itself without groups). Events name CPUs and caller-local slots, so
    /// they need no renaming (see `KernelSymmetry`).
    public func canonicalize(_ s: State) -> State {
        symmetry.renamings.isEmpty ? s : symmetry.canonical(s)
    }

    /// The same system without symmetry reduction.
    public var unreduced: KernelSystem {
        symmetry.renamings.isEmpty ? self : KernelSystem(scenario: scenario)
    }

    public func describe(_ event: Event) -> String { EventText.describe(event, names: scenario.names) }

    /// Frontier states as differences from the initial state; the step result
    /// is recomputed on every edge, so it is not stored.
    public var stateCodec: StateCodec<State>? {
        initialStates().first.map { StateCodec<State>.difference(from: $0) { var s = $0; s.last = nil; return s } }
    }

    // MARK: - Coverage: operations and results taken

    public var coverageNames: [String] { CoverageKey.names }

    public func coverage(from: State, via event: Event, to: State, into items: inout [Int]) {
        items.append(CoverageKey.operation(event))
        if let r = to.last { items.append(CoverageKey.outcome(r.outcome)) }
    }
}

/// Coverage items: one per operation and one per result (DESIGN §5: a
/// property that holds because nothing happened must be visible).
public enum CoverageKey {
    static let operations = ["tick", "irq line", "ipc.send", "ipc.call", "ipc.receive", "ipc.wait", "ipc.reply", "ipc.reply_and_wait",
                             "ipc.sleep", "task.map", "task.unmap", "task.cap_valid", "task.cap_equal", "factory.create",
                             "thread.control", "thread.ex_regs", "scheduler.run_thread", "gate.bind_thread", "irq.bind",
                             "irq.detach", "irq.trigger", "irq.unmask", "irq.receive", "mem.access"]
    static let outcomes = ["ok", "blocked", "torn_down", "killed", "fault_retried"] + IpcError.allCases.map(\.description) + L4Error.allCases.map(\.description)
    public static let names = operations.map { "op " + $0 } + outcomes.map { "result " + $0 }

    static func operation(_ e: Event) -> Int {
        switch e {
        case .tick: return 0
        case .irqLine: return 1
        case .invoke(_, let inv):
            switch inv {
            case .ipcSend: return 2
            case .ipcCall: return 3
            case .ipcReceive: return 4
            case .ipcWait: return 5
            case .ipcReply: return 6
            case .ipcReplyAndWait: return 7
            case .ipcSleep: return 8
            case .taskMap: return 9
            case .taskUnmap: return 10
            case .taskCapValid: return 11
            case .taskCapEqual: return 12
            case .factoryCreate: return 13
            case .threadControl: return 14
            case .threadExRegs: return 15
            case .schedulerRunThread: return 16
            case .gateBindThread: return 17
            case .irqBind: return 18
            case .irqDetach: return 19
            case .irqTrigger: return 20
            case .irqUnmask: return 21
            case .irqReceive: return 22
            case .memAccess: return 23
            }
        }
    }

    static func outcome(_ o: Outcome) -> Int {
        let base = operations.count
        switch o {
        case .ok: return base
        case .blocked, .idle: return base + 1
        case .tornDown: return base + 2
        case .killed: return base + 3
        case .faultRetried: return base + 4
        case .ipc(let e): return base + 5 + (IpcError.allCases.firstIndex(of: e) ?? 0)
        case .error(let e): return base + 5 + IpcError.allCases.count + (L4Error.allCases.firstIndex(of: e) ?? 0)
        }
    }
}

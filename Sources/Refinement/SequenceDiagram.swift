import Scenarios
import Spec
import Verifier

/// `l4spec show`: a trace as a sequence diagram (DESIGN §9): threads are
/// lifelines, IPC is an arrow from the acting thread to the thread it
/// addresses, kernel operations, ticks and IRQ lines are notes. Built by
/// replaying the trace on the spec. A trace written by `l4spec refine` comes
/// with a sidecar; its per-step spec and implementation values are attached.
public struct SequenceDiagram: Sendable {
    public enum Mark: Sendable, Equatable {
        /// IPC from one lifeline to another (indices into `participants`).
        case arrow(from: Int, to: Int)
        /// Something one lifeline did or had done to it.
        case note(Int)
        /// A step with no running thread (idle CPU, IRQ line with no effect).
        case system
    }

    public struct Step: Sendable {
        public var index: Int
        public var mark: Mark
        public var text: String
        /// Other threads whose blocked IPC ended in this step (a receiver
        /// taking the message, a caller getting its reply), and how.
        public var woken: [(participant: Int, result: String)]
        /// From the sidecar: both sides' results and the differing fields.
        public var refinement: RefineSidecar.Step?
    }

    public var title: String
    public var participants: [String]
    public var steps: [Step]
    /// The step the sidecar names as the divergence.
    public var divergenceStep: Int?

    public static func build(trace: Trace, scenario: Scenario, sidecar: RefineSidecar?) -> SequenceDiagram {
        var b = DiagramBuilder(scenario: scenario)
        for (i, te) in trace.events.enumerated() { b.add(i, te.event, refinement: sidecar?.steps.first { $0.step == i }) }
        return SequenceDiagram(title: "trace on \(scenario.name)", participants: b.participants, steps: b.steps,
                               divergenceStep: sidecar?.divergenceStep)
    }
}

/// Replays the spec and turns each step into a mark.
private struct DiagramBuilder {
    let names: NameTable
    var state: KernelState
    var participants: [String] = []
    var lifeline: [Int: Int] = [:]
    var steps: [SequenceDiagram.Step] = []

    init(scenario: Scenario) {
        names = scenario.names
        state = scenario.initial
        for i in 0..<Capacity.threads where state.life(of: .thread(ThreadID(i))) != .free { _ = line(ThreadID(i)) }
    }

    mutating func line(_ t: ThreadID) -> Int {
        if let l = lifeline[t.index] { return l }
        participants.append(names.name(.thread(t)))
        lifeline[t.index] = participants.count - 1
        return participants.count - 1
    }

    mutating func add(_ i: Int, _ e: Event, refinement: RefineSidecar.Step?) {
        let before = state
        let target = addressee(e, in: before)
        let r = state.apply(e)
        let text = EventText.describe(e, names: names) + " → \(r.outcome)"
        let mark: SequenceDiagram.Mark
        switch (r.actor, target) {
        case (let a?, let t?) where t != a: mark = .arrow(from: line(a), to: line(t))
        case (let a?, _): mark = .note(line(a))
        case (nil, _): mark = .system
        }
        var woken: [(participant: Int, result: String)] = []
        for j in 0..<Capacity.threads where ThreadID(j) != r.actor {
            let b = before.thread(ThreadID(j)), x = state.thread(ThreadID(j))
            guard b.life != .free, [.sending, .receiving, .onGate].contains(b.state), x.state == .ready || x.state == .dead else { continue }
            woken.append((line(ThreadID(j)), x.isDying ? "dying" : state.lastResult(ThreadID(j)).map { "\($0)" } ?? "\(x.state)"))
        }
        for j in 0..<Capacity.threads where before.life(of: .thread(ThreadID(j))) == .free && state.life(of: .thread(ThreadID(j))) != .free {
            _ = line(ThreadID(j))
        }
        steps.append(SequenceDiagram.Step(index: i, mark: mark, text: text, woken: woken, refinement: refinement))
    }

    /// The thread an invocation's IPC goes to: the thread named by the cap,
    /// a gate's bound thread, the caller in the reply slot (kernel-api §6.1).
    func addressee(_ e: Event, in s: KernelState) -> ThreadID? {
        guard case .invoke(let cpu, let inv) = e, let t = s.current(on: cpu) else { return nil }
        switch inv {
        case .ipcReply, .ipcReplyAndWait:
            let c = s.thread(t).replyTo
            return c == 0xFF ? nil : ThreadID(Int(c))
        case .ipcWait, .ipcSleep, .memAccess:
            return nil
        default:
            guard case .slot(let slot) = inv.target, s.thread(t).task != 0xFF else { return nil }
            guard let ref = s.slot(TaskID(Int(s.thread(t).task)), slot).ref else { return nil }
            switch ref.kind {
            case .thread: return ThreadID(Int(ref.index))
            case .gate:
                let g = s.gate(GateID(Int(ref.index))).thread
                return g == 0xFF ? nil : ThreadID(Int(g))
            default: return nil
            }
        }
    }
}

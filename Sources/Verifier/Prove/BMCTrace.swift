import Foundation
import Properties
import Scenarios
import SMT
import Spec
import Symbolic

/// A bounded model check's model as `Spec` events: the invocations the
/// model's choices and arguments denote, replayed on `Spec` (DESIGN §4
/// trace format, so `l4spec run` replays the file and re-checks the property).
enum BMCTrace {
    static func counterexample(_ m: Model, _ steps: [BMCStep], _ broken: [String], _ scenario: Scenario,
                               _ k: SymbolicKernel) throws(SMTError) -> BMCCounterexample {
        var events: [TraceEvent] = []
        var lines: [String] = []
        var state = scenario.initial
        let names = scenario.names
        for step in steps {
            let c = step.calls[Int(try m.uint64(step.choice))]
            let actor = step.actors[Int(try m.uint64(step.actor))]
            let event = Event.invoke(cpu: CPU(actor.cpu), try invocation(m, c.call))
            let before = state
            let result = state.apply(event)
            let changes = state.changes(since: before, name: names.name).map(\.description)
            events.append(TraceEvent(event: event, changes: changes))
            let thread = names.name(.thread(ThreadID(actor.thread)))
            lines.append("step \(step.depth): \(thread) (CPU \(actor.cpu)) \(EventText.describe(event, names: names)) → \(result.outcome) (encoding: \(try CounterexampleText.outcome(m, c.step.outcome)))")
            lines += changes.map { "    \($0)" }
        }
        let property = broken.first ?? ""
        lines.append("violated after step \(steps.count): \(broken.joined(separator: ", "))")
        let builtIn = ScenarioLoader.builtInNames.contains(scenario.name)
        let reference = builtIn ? scenario.name : scenario.sourcePath.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? scenario.name
        let trace = Trace(scenario: reference, reference: Catalogue.all.first { $0.id == property }?.requirement,
                          description: "counterexample to \(property) found by l4spec prove --bmc \(steps.count)",
                          property: property, events: events)
        let run = TraceRunner.run(trace, on: scenario)
        let replay: String
        if let v = run.propertyViolation {
            replay = "reproduced by Spec: \(property) is violated after step \(v.step + 1): \(v.detail)"
        } else if !run.violations.isEmpty {
            replay = "not reproduced: the replayed state is not well formed (\(run.violations.count) violations)"
        } else {
            replay = "not reproduced: Spec's own check of \(property) holds along the replayed events (the symbolic form is stricter, or the encoding differs from Spec here)"
        }
        return BMCCounterexample(properties: broken, trace: trace, lines: lines, reproduced: run.propertyViolation != nil, replay: replay)
    }

    /// The `Spec` invocation a call's arguments denote in the model (the
    /// inverse of `SymbolicCall.concrete`).
    static func invocation(_ m: Model, _ call: SymbolicCall) throws(SMTError) -> Invocation {
        func byte(_ e: Expr) throws(SMTError) -> UInt8 { UInt8(truncatingIfNeeded: try m.uint64(e)) }
        func slot(_ e: Expr) throws(SMTError) -> CapName { .slot(SlotIndex(Int(try byte(e)))) }
        switch call {
        case .map(let c):
            let object = c.space == .object
            let server = try m.bool(c.server), weak = try m.bool(c.weak)
            let item = SendItem(space: object ? .object : .memory, index: Int(try byte(c.index)), rights: try byte(c.mask),
                                grant: try m.bool(c.grant), server: object && server, weak: object && weak)
            return .taskMap(dst: try slot(c.dst), src: try slot(c.src), item: item, order: 0, sndBase: try byte(c.sndBase))
        case .unmap(let u):
            return .taskUnmap(task: try slot(u.task), space: u.space == .object ? .object : .memory, index: try byte(u.index), order: 0,
                              rights: try byte(u.rights), scope: try m.bool(u.allSpaces) ? .allSpaces : .otherSpaces, delete: try m.bool(u.delete))
        case .create(let c):
            let kind: CreateKind = switch c.kind {
            case .task: .task
            case .thread: .thread
            case .gate: .gate(label: 0, thread: nil)
            case .irq: .irq
            case .factory: .factory(limit: UInt16(truncatingIfNeeded: try m.uint64(c.limit)))
            }
            return .factoryCreate(factory: try slot(c.factory), kind: kind,
                                  slot: try m.bool(c.hasSlot) ? SlotIndex(Int(try byte(c.slot))) : nil)
        case .capValid(let t, let c):
            return .taskCapValid(task: try slot(t), cap: try slot(c))
        case .capEqual(let t, let a, let b):
            return .taskCapEqual(task: try slot(t), a: try slot(a), b: try slot(b))
        case .ipc(let c):
            let msg = Message(label: UInt16(truncatingIfNeeded: try m.uint64(c.label)))
            let send: Timeout = try m.bool(c.sendNever) ? .never : .zero, receive: Timeout = try m.bool(c.receiveNever) ? .never : .zero
            switch c.kind {
            case .send: return .ipcSend(cap: try slot(c.cap), msg, timeout: send)
            case .call: return .ipcCall(cap: try slot(c.cap), msg, send: send, receive: receive, buffer: .none)
            case .receive: return .ipcReceive(cap: try slot(c.cap), timeout: receive, buffer: .none)
            case .wait: return .ipcWait(timeout: receive, buffer: .none)
            case .reply: return .ipcReply(msg)
            case .replyAndWait: return .ipcReplyAndWait(msg, timeout: receive, buffer: .none)
            case .sleep: return .ipcSleep(timeout: receive)
            }
        case .gateBind(let b):
            return .gateBindThread(gate: try slot(b.gate), thread: try m.bool(b.hasThread) ? SlotIndex(Int(try byte(b.thread))) : nil,
                                   label: UInt16(truncatingIfNeeded: try m.uint64(b.label)))
        case .exRegs(let x, let cancel):
            return .threadExRegs(thread: try slot(x), cancel: try m.bool(cancel))
        case .irq(let c):
            switch c.op {
            case .trigger: return .irqTrigger(irq: try slot(c.cap))
            case .unmask: return .irqUnmask(irq: try slot(c.cap))
            case .detach: return .irqDetach(irq: try slot(c.cap))
            case .receive: return .irqReceive(irq: try slot(c.cap), timeout: try m.bool(c.receiveNever) ? .never : .zero)
            }
        }
    }
}

import Properties
import SMT
import Symbolic

/// The encoded system calls an obligation is stated for: one symbolic
/// invocation per family, every argument a fresh constant.
public enum ProofFamily: CaseIterable, Sendable, Hashable {
    case mapObject, mapMemory, unmapObject, unmapMemory
    case create(CreatedKind)
    case capValid, capEqual
    case ipc(IpcKind), gateBind, exRegs, irq(IrqOp)

    public static var allCases: [ProofFamily] { core + ipcCases }

    /// The capability, memory and quota core (the families noninterference
    /// and bounded model checking are stated for).
    public static var core: [ProofFamily] {
        [.mapObject, .mapMemory, .unmapObject, .unmapMemory] + CreatedKind.allCases.map { .create($0) } + [.capValid, .capEqual]
    }

    /// IPC without typed items, gate and Irq binding, ex_regs, the Irq
    /// protocol (SymbolicIpc.swift, SymbolicIrq.swift).
    public static var ipcCases: [ProofFamily] { IpcKind.allCases.map { .ipc($0) } + [.gateBind, .exRegs] + IrqOp.allCases.map { .irq($0) } }

    public var name: String {
        switch self {
        case .mapObject: "task.map(object)"
        case .mapMemory: "task.map(memory)"
        case .unmapObject: "task.unmap(object)"
        case .unmapMemory: "task.unmap(memory)"
        case .create(let k): "factory.create(\(k.rawValue))"
        case .capValid: "task.cap_valid"
        case .capEqual: "task.cap_equal"
        case .ipc(let k): "ipc.\(k.rawValue)"
        case .gateBind: "gate.bind_thread"
        case .exRegs: "thread.ex_regs"
        case .irq(let op): "irq.\(op.rawValue)"
        }
    }

    /// The family's share of the one-worker proof time in seconds, rounded
    /// (docs/performance.md, 2026-11-27): only the order in which parallel
    /// workers take families depends on it, never a verdict. The counting
    /// layer makes the families that create or free objects the costly ones.
    var schedulingWeight: Int {
        switch self {
        case .create(.factory): 24
        case .mapObject: 20
        case .create(.task), .create(.thread), .create(.irq): 5
        case .mapMemory, .unmapObject, .create(.gate): 4
        default: 1
        }
    }

    /// The symbolic call with named argument constants, and the event's own
    /// preconditions (a create names a free table entry other than "none").
    /// The argument constants are named `prefix.name` (one set per step of
    /// a bounded model check).
    func call(_ k: SymbolicKernel, pre: SymbolicState, prefix: String = "arg") throws(SMTError) -> (SymbolicCall, Expr) {
        let v = k.v, ctx = v.context
        func b8(_ n: String) throws(SMTError) -> Expr { try ctx.constant("\(prefix).\(n)", v.bv8) }
        func flag(_ n: String) throws(SMTError) -> Expr { try ctx.constant("\(prefix).\(n)", v.bool) }
        let yes = try v.truth(true)
        switch self {
        case .mapObject, .mapMemory:
            let m = MapCall(space: self == .mapObject ? .object : .memory, dst: try b8("dst"), src: try b8("src"), index: try b8("index"),
                            mask: try b8("mask"), sndBase: try b8("sndBase"), grant: try flag("grant"), server: try flag("server"), weak: try flag("weak"))
            return (.map(m), yes)
        case .unmapObject, .unmapMemory:
            let u = UnmapCall(space: self == .unmapObject ? .object : .memory, task: try b8("task"), index: try b8("index"),
                              rights: try b8("rights"), allSpaces: try flag("allSpaces"), delete: try flag("delete"))
            return (.unmap(u), yes)
        case .create(let kind):
            let c = CreateCall(kind: kind, factory: try b8("factory"), slot: try b8("slot"), hasSlot: try flag("hasSlot"),
                               limit: try ctx.constant("\(prefix).limit", v.bv16), entry: try b8("entry"), tableFull: try flag("tableFull"))
            return (.create(c), try c.entry.ne(v.none).and(k.life(pre, k.ref(kind.code, c.entry)).eq(v.b8(LifeValue.free))))
        case .capValid:
            return (.capValid(task: try b8("task"), cap: try b8("cap")), yes)
        case .capEqual:
            return (.capEqual(task: try b8("task"), a: try b8("a"), b: try b8("b")), yes)
        case .ipc(let kind):
            let c = IpcCall(kind: kind, cap: try b8("cap"), label: try ctx.constant("\(prefix).label", v.bv16), sendNever: try flag("sendNever"),
                            receiveNever: try flag("receiveNever"), picked: try b8("picked"), peerQueueEmpty: try flag("peerQueueEmpty"))
            return (.ipc(c), try running(k, pre, prefix))
        case .gateBind:
            let b = GateBindCall(gate: try b8("gate"), thread: try b8("thread"), hasThread: try flag("hasThread"),
                                 label: try ctx.constant("\(prefix).label", v.bv16), peerQueueEmpty: try flag("peerQueueEmpty"))
            return (.gateBind(b), try running(k, pre, prefix))
        case .exRegs:
            return (.exRegs(thread: try b8("thread"), cancel: try flag("cancel")), try running(k, pre, prefix))
        case .irq(let op):
            let c = IrqCall(op: op, cap: try b8("cap"), receiveNever: try flag("receiveNever"), peerQueueEmpty: try flag("peerQueueEmpty"))
            return (.irq(c), try running(k, pre, prefix))
        }
    }

    /// The IPC families' precondition on the acting thread: the scheduler
    /// runs it, so it is a live thread, ready and not dying (Spec.apply runs
    /// a dying thread's teardown instead).
    func running(_ k: SymbolicKernel, _ pre: SymbolicState, _ prefix: String) throws(SMTError) -> Expr {
        let v = k.v, caller = try v.context.constant("caller", v.bv8)
        return try caller.ult(v.b8(0x80)).and(k.isLive(pre, k.ref(Kind.thread, caller)),
                                              pre.threadState.select(caller).eq(v.b8(ThreadStateValue.ready)), pre.dying.select(caller).eq(v.b8(0)))
    }

    /// The event's preconditions that quantify over the state, as
    /// hypotheses: a factory is created at an entry no object is charged to
    /// (else a stale charge would make the new factory pay for another
    /// domain's object). Each is also proved, as an obligation of its own,
    /// from the invariants of the pre-state (`preconditionGoals`).
    func universalPreconditions(_ k: SymbolicKernel, pre: SymbolicState, _ call: SymbolicCall) -> [Hypothesis] {
        guard case .create(let c) = call, c.kind == .factory else { return [] }
        return [Hypothesis(name: Prover.newAccountID, sorts: [k.v.bv16]) { (x) throws(SMTError) in
            try k.isAllocated(pre, x[0]).implies(pre.quota.select(x[0]).ne(c.entry))
        }]
    }

    /// The negations of `universalPreconditions`, as goals over fresh
    /// witnesses. The account is a witness too, so that the ledger's
    /// instances are seeded at it (`Seeding.witnessGroup`).
    func preconditionGoals(_ k: SymbolicKernel, pre: SymbolicState, _ call: SymbolicCall) throws(SMTError) -> [Prover.Goal] {
        guard case .create(let c) = call, c.kind == .factory else { return [] }
        let v = k.v, ctx = v.context
        let x = try ctx.freshConstant("w", v.bv16), q = try ctx.freshConstant("w", v.bv8)
        let charged = try k.isAllocated(pre, x).and(q.eq(c.entry), pre.quota.select(x).eq(q))
        return [Prover.Goal(id: Prover.newAccountID, witnesses: [(.object, x), (.factory, q)], ground: charged, universal: [])]
    }
}

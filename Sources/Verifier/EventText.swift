import Scenarios
import Spec

/// Human-readable events in the trace vocabulary (`<object>.<operation>`, DESIGN §4).
public enum EventText {
    public static func describe(_ event: Event, names: NameTable) -> String {
        switch event {
        case .tick(let cpu): return "tick cpu\(cpu.raw)"
        case .irqLine(let n): return "irq line \(n)"
        case .invoke(let cpu, let inv): return "cpu\(cpu.raw) \(describe(inv))"
        }
    }

    public static func describe(_ inv: Invocation) -> String {
        switch inv {
        case .ipcSend(let c, let m, let t): "ipc.send cap \(c) \(describe(m)) timeout \(t)"
        case .ipcCall(let c, let m, let s, let r, let b): "ipc.call cap \(c) \(describe(m)) timeout \(s)/\(r)\(describe(b))"
        case .ipcReceive(let c, let t, let b): "ipc.receive cap \(c) timeout \(t)\(describe(b))"
        case .ipcWait(let t, let b): "ipc.wait timeout \(t)\(describe(b))"
        case .ipcReply(let m): "ipc.reply \(describe(m))"
        case .ipcReplyAndWait(let m, let t, let b): "ipc.reply_and_wait \(describe(m)) timeout \(t)\(describe(b))"
        case .ipcSleep(let t): "ipc.sleep timeout \(t)"
        case .taskMap(let d, let s, let i, let o, let b): "task.map cap \(d) src \(s) \(describe(i)) order \(o) snd_base \(b)"
        case .taskUnmap(let c, let sp, let i, let o, let r, let sc, let del):
            "task.unmap cap \(c) \(sp == .object ? "obj" : "mem") \(i) order \(o) rights \(r) \(sc == .allSpaces ? "all" : "other")\(del ? " delete" : "")"
        case .taskCapValid(let c, let s): "task.cap_valid cap \(c) sel \(s)"
        case .taskCapEqual(let c, let a, let b): "task.cap_equal cap \(c) \(a) \(b)"
        case .factoryCreate(let c, let k, let s): "factory.create_\(describe(k)) cap \(c) slot \(s.map(\.description) ?? "none")"
        case .threadControl(let c, let p, let e, let b):
            "thread.control cap \(c)" + (p.map { " pager \($0)" } ?? "") + (e.map { " exc_handler \($0)" } ?? "") + (b.map { " bind_task \($0)" } ?? "")
        case .threadExRegs(let c, let cancel): "thread.ex_regs cap \(c)\(cancel ? " cancel" : "")"
        case .schedulerRunThread(let c, let t, let p, let cpu): "scheduler.run_thread cap \(c) thread \(t.map(\.description) ?? "none") prio \(p) cpu \(cpu)"
        case .gateBindThread(let c, let t, let l): "gate.bind_thread cap \(c) thread \(t.map(\.description) ?? "none") label \(l)"
        case .irqBind(let c, let t, let l): "irq.bind cap \(c) thread \(t.map(\.description) ?? "none") label \(l)"
        case .irqDetach(let c): "irq.detach cap \(c)"
        case .irqTrigger(let c): "irq.trigger cap \(c)"
        case .irqUnmask(let c): "irq.unmask cap \(c)"
        case .irqReceive(let c, let t): "irq.receive cap \(c) timeout \(t)"
        case .memAccess(let p, let w): "mem.access page \(p)\(w ? " write" : "")"
        }
    }

    static func describe(_ m: Message) -> String {
        var s = "words \(m.words) label \(m.label)"
        if let i = m.item { s += " item " + describe(i) }
        return s
    }

    static func describe(_ i: SendItem) -> String {
        let rights = i.space == .object ? "\(CapRights(rawValue: i.rights))" : "\(MemRights(rawValue: i.rights))"
        return "\(i.space == .object ? "obj" : "mem") \(i.index) \(rights)\(i.grant ? " grant" : "")\(i.server ? " server" : "")\(i.weak ? " weak" : "")"
    }

    static func describe(_ b: ReceiveBuffer) -> String {
        switch b {
        case .none: ""
        case .object(let s): " buffer obj \(s)"
        case .memory(let p): " buffer mem \(p)"
        }
    }

    static func describe(_ k: CreateKind) -> String {
        switch k {
        case .task: "task"
        case .thread: "thread"
        case .gate(let l, let t): "gate label \(l)" + (t.map { " thread \($0)" } ?? "")
        case .irq: "irq"
        case .factory(let l): "factory limit \(l)"
        }
    }
}

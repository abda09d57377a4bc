import Spec

/// Invocation → the op syntax of docs/traces.md, the inverse of `OpSyntax`:
/// arguments equal to their default are left out, so encoded traces stay
/// short, and decoding the result yields the same invocation.
enum OpEncoding {
    static func encode(_ inv: Invocation) -> [(String, JSONOut)] {
        var out = Builder()
        switch inv {
        case .ipcSend(let cap, let msg, let timeout):
            out.op("ipc.send"); out.cap("cap", cap); out.message(msg); out.timeout("timeout", timeout)
        case .ipcCall(let cap, let msg, let send, let receive, let buffer):
            out.op("ipc.call"); out.cap("cap", cap); out.message(msg)
            if send != receive {
                out.add("timeout", .object([("send", .string(send.description)), ("receive", .string(receive.description))]))
            } else {
                out.timeout("timeout", send)
            }
            out.buffer(buffer)
        case .ipcReceive(let cap, let timeout, let buffer):
            out.op("ipc.receive"); out.cap("cap", cap); out.timeout("timeout", timeout); out.buffer(buffer)
        case .ipcWait(let timeout, let buffer):
            out.op("ipc.wait"); out.timeout("timeout", timeout); out.buffer(buffer)
        case .ipcReply(let msg):
            out.op("ipc.reply"); out.message(msg)
        case .ipcReplyAndWait(let msg, let timeout, let buffer):
            out.op("ipc.reply_and_wait"); out.message(msg); out.timeout("timeout", timeout); out.buffer(buffer)
        case .ipcSleep(let timeout):
            out.op("ipc.sleep"); out.timeout("timeout", timeout)
        case .taskMap(let dst, let src, let item, let order, let sndBase):
            out.op("task.map"); out.cap("cap", dst); out.cap("src", src)
            out.add("fpage", fpage(item.space, base: item.index, order: order, rights: item.rights))
            if sndBase != item.index { out.add("snd_base", .int(Int(sndBase))) }
            out.flag("grant", item.grant); out.flag("server", item.server); out.flag("weak", item.weak)
        case .taskUnmap(let task, let space, let index, let order, let rights, let scope, let delete):
            if space == .object && order == 0 && rights == CapRights.all.rawValue && scope == .allSpaces {
                out.op(delete ? "task.delete_obj" : "task.release_cap"); out.cap("cap", task); out.add("sel", .int(Int(index)))
            } else {
                out.op("task.unmap"); out.cap("cap", task)
                out.add("fpage", fpage(space, base: index, order: order, rights: rights))
                if scope == .otherSpaces { out.add("mask", .string("other")) }
                out.flag("delete", delete)
            }
        case .taskCapValid(let task, let cap):
            out.op("task.cap_valid"); out.cap("cap", task); out.cap("sel", cap)
        case .taskCapEqual(let task, let a, let b):
            out.op("task.cap_equal"); out.cap("cap", task); out.cap("a", a); out.cap("b", b)
        case .factoryCreate(let factory, let kind, let slot):
            switch kind {
            case .task: out.op("factory.create_task")
            case .thread: out.op("factory.create_thread")
            case .gate: out.op("factory.create_gate")
            case .irq: out.op("factory.create_irq")
            case .factory: out.op("factory.create_factory")
            }
            out.cap("cap", factory); out.slot("slot", slot)
            if case .gate(let label, let thread) = kind {
                if label != 0 { out.add("label", .int(Int(label))) }
                out.slot("thread", thread)
            }
            if case .factory(let limit) = kind { out.add("limit", .int(Int(limit))) }
        case .threadControl(let thread, let pager, let exc, let bind):
            out.op("thread.control"); out.cap("cap", thread)
            out.slot("pager", pager); out.slot("exc_handler", exc); out.slot("bind_task", bind)
        case .threadExRegs(let thread, let cancel):
            out.op("thread.ex_regs"); out.cap("cap", thread); out.flag("cancel", cancel)
        case .schedulerRunThread(let scheduler, let thread, let prio, let cpu):
            out.op("scheduler.run_thread"); out.cap("cap", scheduler); out.nullableSlot("thread", thread)
            out.add("prio", .int(Int(prio)))
            if cpu != 0 { out.add("affinity", .int(Int(cpu))) }
        case .gateBindThread(let gate, let thread, let label):
            out.op("gate.bind_thread"); out.cap("cap", gate); out.nullableSlot("thread", thread); out.add("label", .int(Int(label)))
        case .irqBind(let irq, let thread, let label):
            out.op("irq.bind"); out.cap("cap", irq); out.nullableSlot("thread", thread)
            if label != 0 { out.add("label", .int(Int(label))) }
        case .irqDetach(let irq):
            out.op("irq.detach"); out.cap("cap", irq)
        case .irqTrigger(let irq):
            out.op("irq.trigger"); out.cap("cap", irq)
        case .irqUnmask(let irq):
            out.op("irq.unmask"); out.cap("cap", irq)
        case .irqReceive(let irq, let timeout):
            out.op("irq.receive"); out.cap("cap", irq); out.timeout("timeout", timeout)
        case .memAccess(let page, let write):
            out.op("mem.access"); out.add("page", .int(page.index)); out.flag("write", write)
        }
        return out.members
    }

    static func fpage(_ space: SendItem.Space, base: UInt8, order: UInt8, rights: UInt8) -> JSONOut {
        var members: [(String, JSONOut)] = [("space", .string(space == .object ? "obj" : "mem")), ("base", .int(Int(base)))]
        if order != 0 { members.append(("order", .int(Int(order)))) }
        members.append(("rights", rightsOut(rights, space: space)))
        return .object(members)
    }

    /// Letters when every bit has one, else the raw mask (both decode).
    static func rightsOut(_ raw: UInt8, space: SendItem.Space) -> JSONOut {
        let letters = space == .object ? RightsText.capLetters(raw) : RightsText.memLetters(raw)
        return letters.map { .string($0) } ?? .int(Int(raw))
    }

    struct Builder {
        var members: [(String, JSONOut)] = []

        mutating func add(_ key: String, _ v: JSONOut) { members.append((key, v)) }
        mutating func op(_ name: String) { add("op", .string(name)) }

        mutating func cap(_ key: String, _ c: CapName) {
            switch c {
            case .slot(let s): add(key, .int(s.index))
            case .this: add(key, .string("self"))
            }
        }

        mutating func slot(_ key: String, _ s: SlotIndex?) {
            if let s { add(key, .int(s.index)) }
        }

        mutating func nullableSlot(_ key: String, _ s: SlotIndex?) {
            add(key, s.map { .int($0.index) } ?? .null)
        }

        mutating func flag(_ key: String, _ b: Bool) {
            if b { add(key, .bool(true)) }
        }

        mutating func timeout(_ key: String, _ t: Timeout) {
            if t != .never { add(key, .string(t.description)) }
        }

        mutating func message(_ m: Message) {
            if !m.words.isEmpty { add("words", .array(m.words.map { .int(Int($0)) })) }
            if m.label != 0 { add("label", .int(Int(m.label))) }
            if let item = m.item {
                var o: [(String, JSONOut)] = [("space", .string(item.space == .object ? "obj" : "mem")), ("index", .int(Int(item.index))),
                                              ("rights", OpEncoding.rightsOut(item.rights, space: item.space))]
                if item.grant { o.append(("grant", .bool(true))) }
                if item.server { o.append(("server", .bool(true))) }
                if item.weak { o.append(("weak", .bool(true))) }
                add("item", .object(o))
            }
        }

        mutating func buffer(_ b: ReceiveBuffer) {
            switch b {
            case .none: break
            case .object(let s): add("buffer", .object([("obj", .int(s.index))]))
            case .memory(let p): add("buffer", .object([("mem", .int(p.index))]))
            }
        }
    }
}

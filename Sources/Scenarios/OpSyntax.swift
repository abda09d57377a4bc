import Spec

/// The `<object>.<operation>` syntax of invocations (DESIGN §4, docs/traces.md),
/// shared by trace events and scenario scripts. One table row per op: its
/// arguments, the reference section it models, and its decoder.
enum OpSyntax {
    struct Op: Sendable {
        let name: String
        let args: [String]
        let section: String
        let decode: @Sendable (Fields) throws(InputError) -> Invocation
    }

    static func find(_ name: String) -> Op? { table.first { $0.name == name } }

    static var names: [String] { table.map(\.name) }

    /// Decodes an object holding `op` and its arguments; `extra` are keys the
    /// caller handles (the event's `cpu`).
    static func decode(_ field: Field, extra: [String]) throws(InputError) -> Invocation {
        let members = try field.map()
        guard let opField = members.first(where: { $0.key == "op" })?.field else {
            throw InputError(file: field.file, line: field.line, field: field.child("op", field.value).path, message: "missing required key 'op'")
        }
        let name = try opField.string()
        guard let op = find(name) else {
            throw opField.error("unknown op '\(name)' (known: \(names.joined(separator: ", ")))")
        }
        let fields = try field.object(["op"] + extra + op.args)
        return try op.decode(fields)
    }

    static let table: [Op] = [
        Op(name: "ipc.send", args: ["cap", "words", "label", "item", "timeout"], section: "kernel-api §6.1, §6.2") { f throws(InputError) in
            .ipcSend(cap: try f.cap("cap"), try f.message(), timeout: try f.timeout("timeout"))
        },
        Op(name: "ipc.call", args: ["cap", "words", "label", "item", "timeout", "buffer"], section: "kernel-api §6.1, §6.4") { f throws(InputError) in
            let t = try f.callTimeouts("timeout")
            return .ipcCall(cap: try f.cap("cap"), try f.message(), send: t.send, receive: t.receive, buffer: try f.buffer("buffer"))
        },
        Op(name: "ipc.receive", args: ["cap", "timeout", "buffer"], section: "kernel-api §6.1, §6.3") { f throws(InputError) in
            .ipcReceive(cap: try f.cap("cap"), timeout: try f.timeout("timeout"), buffer: try f.buffer("buffer"))
        },
        Op(name: "ipc.wait", args: ["timeout", "buffer"], section: "kernel-api §6.1, §6.3") { f throws(InputError) in
            .ipcWait(timeout: try f.timeout("timeout"), buffer: try f.buffer("buffer"))
        },
        Op(name: "ipc.reply", args: ["words", "label", "item"], section: "kernel-api §6.4") { f throws(InputError) in
            .ipcReply(try f.message())
        },
        Op(name: "ipc.reply_and_wait", args: ["words", "label", "item", "timeout", "buffer"], section: "kernel-api §6.4, §6.3") { f throws(InputError) in
            .ipcReplyAndWait(try f.message(), timeout: try f.timeout("timeout"), buffer: try f.buffer("buffer"))
        },
        Op(name: "ipc.sleep", args: ["timeout"], section: "kernel-api §2 (special selector), §6.1") { f throws(InputError) in
            .ipcSleep(timeout: try f.timeout("timeout"))
        },
        Op(name: "task.map", args: ["cap", "src", "fpage", "snd_base", "grant", "server", "weak"], section: "kernel-api §3.1, §4.4–§4.7") { f throws(InputError) in
            let fp = try f.fpage("fpage")
            let item = SendItem(space: fp.space, index: Int(fp.base), rights: fp.rights, grant: try f.bool("grant", default: false),
                                server: try f.bool("server", default: false), weak: try f.bool("weak", default: false))
            return .taskMap(dst: try f.cap("cap"), src: try f.cap("src"), item: item, order: fp.order,
                            sndBase: try f.byte("snd_base", default: Int(fp.base)))
        },
        Op(name: "task.unmap", args: ["cap", "fpage", "mask", "delete"], section: "kernel-api §3.1, §5.1, §5.2") { f throws(InputError) in
            let fp = try f.fpage("fpage")
            return .taskUnmap(task: try f.cap("cap"), space: fp.space, index: fp.base, order: fp.order, rights: fp.rights,
                              scope: try f.present("mask")?.unmapScope() ?? .allSpaces, delete: try f.bool("delete", default: false))
        },
        Op(name: "task.delete_obj", args: ["cap", "sel"], section: "kernel-api §3.1, §5.2, §5.3") { f throws(InputError) in
            .taskUnmap(task: try f.cap("cap"), space: .object, index: UInt8(try f.int("sel", Fields.byte)), order: 0,
                       rights: CapRights.all.rawValue, scope: .allSpaces, delete: true)
        },
        Op(name: "task.release_cap", args: ["cap", "sel"], section: "kernel-api §3.1, §5.2") { f throws(InputError) in
            .taskUnmap(task: try f.cap("cap"), space: .object, index: UInt8(try f.int("sel", Fields.byte)), order: 0,
                       rights: CapRights.all.rawValue, scope: .allSpaces, delete: false)
        },
        Op(name: "task.cap_valid", args: ["cap", "sel"], section: "kernel-api §2") { f throws(InputError) in
            .taskCapValid(task: try f.cap("cap"), cap: try f.cap("sel"))
        },
        Op(name: "task.cap_equal", args: ["cap", "a", "b"], section: "kernel-api §2") { f throws(InputError) in
            .taskCapEqual(task: try f.cap("cap"), a: try f.cap("a"), b: try f.cap("b"))
        },
        Op(name: "factory.create_task", args: ["cap", "slot"], section: "kernel-api §3.4") { f throws(InputError) in
            .factoryCreate(factory: try f.cap("cap"), kind: .task, slot: try f.slot("slot"))
        },
        Op(name: "factory.create_thread", args: ["cap", "slot"], section: "kernel-api §3.4") { f throws(InputError) in
            .factoryCreate(factory: try f.cap("cap"), kind: .thread, slot: try f.slot("slot"))
        },
        Op(name: "factory.create_gate", args: ["cap", "slot", "label", "thread"], section: "kernel-api §3.4, §3.3") { f throws(InputError) in
            .factoryCreate(factory: try f.cap("cap"), kind: .gate(label: try f.halfword("label", default: 0), thread: try f.slot("thread")),
                           slot: try f.slot("slot"))
        },
        Op(name: "factory.create_irq", args: ["cap", "slot"], section: "kernel-api §3.4, §3.6") { f throws(InputError) in
            .factoryCreate(factory: try f.cap("cap"), kind: .irq, slot: try f.slot("slot"))
        },
        Op(name: "factory.create_factory", args: ["cap", "slot", "limit"], section: "kernel-api §3.4") { f throws(InputError) in
            .factoryCreate(factory: try f.cap("cap"), kind: .factory(limit: UInt16(try f.int("limit", Fields.halfword))), slot: try f.slot("slot"))
        },
        Op(name: "thread.control", args: ["cap", "pager", "exc_handler", "bind_task"], section: "kernel-api §3.2") { f throws(InputError) in
            .threadControl(thread: try f.cap("cap"), pager: try f.slot("pager"), excHandler: try f.slot("exc_handler"),
                           bindTask: try f.slot("bind_task"))
        },
        Op(name: "thread.ex_regs", args: ["cap", "cancel"], section: "kernel-api §3.2") { f throws(InputError) in
            .threadExRegs(thread: try f.cap("cap"), cancel: try f.bool("cancel", default: false))
        },
        // The CPU is `affinity` (l4_sched_param_t.affinity): `cpu` names the event's CPU.
        Op(name: "scheduler.run_thread", args: ["cap", "thread", "prio", "affinity"], section: "kernel-api §3.5, §9") { f throws(InputError) in
            .schedulerRunThread(scheduler: try f.cap("cap"), thread: try f.nullableSlot("thread"),
                                prio: UInt8(try f.int("prio", Fields.byte)), cpu: try f.byte("affinity", default: 0))
        },
        Op(name: "gate.bind_thread", args: ["cap", "thread", "label"], section: "kernel-api §3.3") { f throws(InputError) in
            .gateBindThread(gate: try f.cap("cap"), thread: try f.nullableSlot("thread"), label: UInt16(try f.int("label", Fields.halfword)))
        },
        Op(name: "irq.bind", args: ["cap", "thread", "label"], section: "kernel-api §3.6, §7") { f throws(InputError) in
            .irqBind(irq: try f.cap("cap"), thread: try f.nullableSlot("thread"), label: try f.halfword("label", default: 0))
        },
        Op(name: "irq.detach", args: ["cap"], section: "kernel-api §3.6, §7") { f throws(InputError) in
            .irqDetach(irq: try f.cap("cap"))
        },
        Op(name: "irq.trigger", args: ["cap"], section: "kernel-api §3.6, §7") { f throws(InputError) in
            .irqTrigger(irq: try f.cap("cap"))
        },
        Op(name: "irq.unmask", args: ["cap"], section: "kernel-api §3.6, §7") { f throws(InputError) in
            .irqUnmask(irq: try f.cap("cap"))
        },
        Op(name: "irq.receive", args: ["cap", "timeout"], section: "kernel-api §3.6, §7") { f throws(InputError) in
            .irqReceive(irq: try f.cap("cap"), timeout: try f.timeout("timeout"))
        },
        Op(name: "mem.access", args: ["page", "write"], section: "kernel-api §6.6") { f throws(InputError) in
            .memAccess(page: PageIndex(try f.int("page", Fields.byte)), write: try f.bool("write", default: false))
        },
    ]
}

extension Field {
    func unmapScope() throws(InputError) -> UnmapScope {
        let s = try string()
        switch s {
        case "all": return .allSpaces
        case "other": return .otherSpaces
        default: throw error("invalid mask '\(s)' (expected \"all\" or \"other\")")
        }
    }
}

import KernelImpl

/// A message as user code lays it out before entering the kernel: tag label,
/// untyped words, typed items (2 words each), the label register, the
/// timeout pair, and the receive buffers.
struct Msg {
    var label: Int64 = 0
    var words: [UInt64] = []
    var items: [(UInt64, UInt64)] = []
    var slabel: UInt64 = 0
    var send: UInt16 = Timeouts.never
    var receive: UInt16 = Timeouts.never
    var bdr: UInt64 = 0
    var buffers: [UInt64] = []
}

/// A system assembled through the public boot API.
struct TestSystem {
    var k: Kernel
    let root: Int

    init(cpus: Int = 1, capSlots: Int = 16, pages: Int = 16, maxThreads: Int = 8, maxGates: Int = 4, maxIrqs: Int = 4,
         maxTasks: Int = 4, maxFactories: Int = 4, mappingNodes: Int = 64, sizes: ObjectSizes = .amd64) throws {
        k = Kernel(config: KernelConfig(cpus: cpus, maxTasks: maxTasks, maxThreads: maxThreads, maxGates: maxGates, maxIrqs: maxIrqs,
                                        maxFactories: maxFactories, capSlots: capSlots, pages: pages, mappingNodes: mappingNodes,
                                        objectSizes: sizes))
        root = try k.bootFactory(limit: nil, parent: nil)
    }

    mutating func task() throws -> Int { try k.bootTask(quota: root) }

    mutating func thread(in task: Int?, prio: Int, cpu: Int? = 0, started: Bool = true, pager: Int? = nil) throws -> Int {
        try k.bootThread(quota: root, task: task, priority: prio, cpu: cpu, pager: pager, started: started)
    }

    mutating func cap(_ object: ObjectID, in task: Int, at slot: Int, rights: UInt8 = Rights.all, server: Bool = true, weak: Bool = false) throws {
        try k.bootCap(object, task: task, slot: slot, rights: rights, server: server, weak: weak)
    }
}

/// Slots of the standard two-task world (`twoTasks`): task A holds its own
/// task cap, the root factory, threads a and b, the scheduler and task B;
/// task B holds B, a and b.
enum Slot {
    static let task = 1, factory = 2, a = 3, b = 4, scheduler = 5, other = 6
}

/// Task A (0) with thread a, task B (1) with thread b, both on CPU 0.
struct TwoTasks {
    var s: TestSystem
    let A: Int, B: Int, a: Int, b: Int
    var k: Kernel {
        get { s.k }
        set { s.k = newValue }
    }

    init(aPrio: Int = 2, bPrio: Int = 3, cpus: Int = 1, sizes: ObjectSizes = .amd64, mappingNodes: Int = 64) throws {
        s = try TestSystem(cpus: cpus, mappingNodes: mappingNodes, sizes: sizes)
        A = try s.task()
        B = try s.task()
        a = try s.thread(in: A, prio: aPrio)
        b = try s.thread(in: B, prio: bPrio)
        try s.cap(ObjectID(.task, A), in: A, at: Slot.task)
        try s.cap(ObjectID(.factory, s.root), in: A, at: Slot.factory)
        try s.cap(ObjectID(.thread, a), in: A, at: Slot.a)
        try s.cap(ObjectID(.thread, b), in: A, at: Slot.b)
        try s.cap(.scheduler, in: A, at: Slot.scheduler)
        try s.cap(ObjectID(.task, B), in: A, at: Slot.other)
        try s.cap(ObjectID(.task, B), in: B, at: Slot.task)
        try s.cap(ObjectID(.thread, a), in: B, at: Slot.a)
        try s.cap(ObjectID(.thread, b), in: B, at: Slot.b)
    }
}

extension Kernel {
    // MARK: - Raw entry

    /// The current thread of `cpu` writes `m` into its UTCB and invokes `dest | flags`.
    mutating func sys(cpu: Int = 0, _ dest: UInt64, _ flags: UInt64, _ m: Msg = Msg()) -> Exit {
        var u = currentThread(cpu: cpu).flatMap { threadView($0)?.utcb } ?? Utcb()
        for (i, w) in m.words.enumerated() { u[mr: i] = w }
        for (n, item) in m.items.enumerated() {
            u[mr: m.words.count + 2 * n] = item.0
            u[mr: m.words.count + 2 * n + 1] = item.1
        }
        u.bdr = m.bdr
        for (i, b) in m.buffers.enumerated() { u[br: i] = b }
        let regs = Registers(destination: dest | flags, tag: MsgTag(label: m.label, words: m.words.count, items: m.items.count).raw,
                             label: m.slabel, timeouts: Abi.timeouts(send: m.send, receive: m.receive))
        return invoke(cpu: cpu, registers: regs, utcb: u)
    }

    // MARK: - IPC (l4_ipc_*)

    mutating func call(cpu: Int = 0, _ slot: Int, _ m: Msg = Msg()) -> Exit { sys(cpu: cpu, Abi.selector(slot), Abi.send | Abi.recv, m) }
    mutating func send(cpu: Int = 0, _ slot: Int, _ m: Msg = Msg()) -> Exit { sys(cpu: cpu, Abi.selector(slot), Abi.send, m) }
    mutating func receive(cpu: Int = 0, _ slot: Int, _ m: Msg = Msg()) -> Exit { sys(cpu: cpu, Abi.selector(slot), Abi.recv, m) }
    mutating func wait(cpu: Int = 0, _ m: Msg = Msg()) -> Exit { sys(cpu: cpu, Abi.invalidCap, Abi.recv | Abi.openWait, m) }
    mutating func reply(cpu: Int = 0, _ m: Msg = Msg()) -> Exit { sys(cpu: cpu, Abi.invalidCap, Abi.reply | Abi.send, m) }
    mutating func replyAndWait(cpu: Int = 0, _ m: Msg = Msg()) -> Exit {
        sys(cpu: cpu, Abi.invalidCap, Abi.reply | Abi.send | Abi.recv | Abi.openWait, m)
    }
    mutating func sleep(cpu: Int = 0, _ timeout: UInt16 = Timeouts.zero) -> Exit {
        sys(cpu: cpu, Abi.invalidCap, Abi.recv, Msg(send: timeout, receive: timeout))
    }

    // MARK: - Kernel objects (protocol in the tag, opcode in MR0)

    /// `l4_task_map(dst, src, fpage, snd_base)` with the source task as typed item.
    mutating func taskMap(cpu: Int = 0, dst: Int, src: Int, _ fp: Fpage, control: UInt64 = SendItem.control()) -> Exit {
        call(cpu: cpu, dst, Msg(label: Proto.task, words: [0, control, fp.raw], items: [(SendItem.map, Fpage.object(index: src, rights: 0).raw)]))
    }

    mutating func taskUnmap(cpu: Int = 0, _ task: Int, mask: UInt64, _ fpages: [Fpage], flags: UInt64 = Abi.send | Abi.recv) -> Exit {
        sys(cpu: cpu, Abi.selector(task), flags, Msg(label: Proto.task, words: [1, mask] + fpages.map(\.raw)))
    }

    mutating func capValid(cpu: Int = 0, _ task: Int, _ sel: UInt64) -> Exit {
        call(cpu: cpu, task, Msg(label: Proto.task, words: [2, sel]))
    }

    mutating func capEqual(cpu: Int = 0, _ task: Int, _ x: UInt64, _ y: UInt64) -> Exit {
        call(cpu: cpu, task, Msg(label: Proto.task, words: [2, x, y]))
    }

    /// `L4::Factory::create`: MR0 protocol, MR1 varg type (ignored), MR2 value; new cap into `into`.
    mutating func create(cpu: Int = 0, _ factory: Int, proto: Int64, value: UInt64? = nil, items: [(UInt64, UInt64)] = [], into slot: Int?) -> Exit {
        var words = [UInt64(bitPattern: proto)]
        if let value { words += [0, value] }
        return call(cpu: cpu, factory, Msg(label: Proto.factory, words: words, items: items,
                                           buffers: slot.map { [RcvItem.singleCap(index: $0)] } ?? []))
    }

    mutating func control(cpu: Int = 0, _ thread: Int, flags: UInt64, pager: UInt64 = 0, exc: UInt64 = 0, bind task: Int? = nil) -> Exit {
        call(cpu: cpu, thread, Msg(label: Proto.thread, words: [flags, pager, exc, 0, 0, 0],
                                   items: task.map { [(SendItem.map, Fpage.object(index: $0, rights: 0).raw)] } ?? []))
    }

    mutating func exRegs(cpu: Int = 0, _ thread: Int, flags: UInt64 = 0, ip: UInt64 = .max, sp: UInt64 = .max) -> Exit {
        call(cpu: cpu, thread, Msg(label: Proto.thread, words: [1 | flags, ip, sp]))
    }

    /// `run_thread` with the legacy parameters: CPU set {cpu}, priority, quantum.
    mutating func runThread(cpu: Int = 0, _ scheduler: Int, thread: Int, prio: UInt64, on target: Int = 0) -> Exit {
        call(cpu: cpu, scheduler, Msg(label: Proto.scheduler, words: [1, 0, 1 << UInt64(target), prio, 0],
                                      items: [(SendItem.map, Fpage.object(index: thread, rights: 0).raw)]))
    }

    /// KOBJECT op 0x10 (receive-endpoint bind) on a gate or an Irq.
    mutating func bind(cpu: Int = 0, _ endpoint: Int, thread: Int, label: UInt64) -> Exit {
        call(cpu: cpu, endpoint, Msg(label: Proto.kobject, words: [0x10, label], items: [(SendItem.map, Fpage.object(index: thread, rights: 0).raw)]))
    }

    mutating func trigger(cpu: Int = 0, _ irq: Int) -> Exit { send(cpu: cpu, irq, Msg(label: Proto.irq)) }
    mutating func unmask(cpu: Int = 0, _ irq: Int) -> Exit { send(cpu: cpu, irq, Msg(label: Proto.irq, words: [4])) }
    mutating func irqReceive(cpu: Int = 0, _ irq: Int, timeout: UInt16 = Timeouts.never) -> Exit {
        call(cpu: cpu, irq, Msg(label: Proto.irq, words: [4], send: timeout, receive: timeout))
    }
    mutating func detach(cpu: Int = 0, _ irq: Int) -> Exit { call(cpu: cpu, irq, Msg(label: Proto.irqSender, words: [1])) }

    // MARK: - Observation

    func thread(_ t: Int) -> ThreadView { threadView(t)! }
    func regs(_ t: Int) -> Registers { thread(t).registers }
    func tag(_ t: Int) -> MsgTag { MsgTag(raw: thread(t).registers.tag) }
    func mr(_ t: Int, _ i: Int) -> UInt64 { thread(t).utcb[mr: i] }
    func error(_ t: Int) -> UInt64 { thread(t).utcb.error }
    func state(_ t: Int) -> ThreadStateView { thread(t).state }
}

extension Exit {
    var tag: MsgTag { MsgTag(raw: registers?.tag ?? 0) }
}

/// A small deterministic generator (splitmix64) for the robustness tests.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: UInt64) -> UInt64 { next() % n }
}

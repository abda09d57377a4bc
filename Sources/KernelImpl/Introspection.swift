/// Read-only views of the implementation state, for an abstraction function
/// written outside the module (the refinement harness, DESIGN §8) and for
/// tests. Every view is a plain value (`IntrospectionViews.swift`); handles
/// are table indices.
extension Kernel {
    // MARK: - Capabilities and memory

    /// The non-empty slots of a task's capability table, by index.
    public func capTable(task k: Int) -> [CapView] {
        guard tasks.indices.contains(k) else { return [] }
        return (0..<config.capSlots).compactMap { capView(task: k, slot: $0) }
    }

    public func capView(task k: Int, slot s: Int) -> CapView? {
        guard s >= 0, let c = cap(k, UInt64(s)), let o = c.object else { return nil }
        return CapView(slot: s, object: o, rights: c.rights, counted: c.counted, server: c.server)
    }

    /// (task, slot) of every capability naming `id`, from the object's slot list.
    public func capHolders(of id: ObjectID) -> [(task: Int, slot: Int)] {
        guard exists(id) else { return [] }
        var out: [(task: Int, slot: Int)] = []
        var cur = self[header: id].capHead
        while let n = cur, out.count < caps.count {
            out.append((n / config.capSlots, n % config.capSlots))
            cur = caps[n].next
        }
        return out
    }

    /// Every node of the mapping database in use.
    public func mappings() -> [MappingView] {
        mdb.nodes.indices.compactMap(mappingView)
    }

    public func mapping(task k: Int, page p: Int) -> MappingView? {
        guard p >= 0 else { return nil }
        return mdb.node(task: k, page: UInt64(p)).flatMap(mappingView)
    }

    func mappingView(_ n: Int) -> MappingView? {
        let x = mdb.nodes[n]
        guard x.inUse else { return nil }
        return MappingView(node: n, task: x.task, page: x.page, frame: x.frame, rights: x.rights, parent: x.parent)
    }

    public var freeMappingNodes: Int {
        var n = 0
        var cur = mdb.freeHead
        while let c = cur, n <= mdb.nodes.count {
            n += 1
            cur = mdb.nodes[c].nextSibling
        }
        return n
    }

    // MARK: - Objects

    public func lifetime(of id: ObjectID) -> Lifetime { life(id) }

    public var clockMicros: UInt64 { clock }

    public func threadView(_ i: Int) -> ThreadView? {
        guard let core = threadCore(i) else { return nil }
        let x = threads[i]
        return ThreadView(
            index: i, core: core, senders: members(of: .thread(i)).map(Self.view), pending: Self.view(x.ipc.op),
            registers: x.regs, utcb: x.utcb, ip: x.ip, sp: x.sp, deadline: x.deadline, pins: x.pins)
    }

    public func taskView(_ i: Int) -> TaskView? {
        guard tasks.indices.contains(i) else { return nil }
        let x = tasks[i]
        return TaskView(index: i, life: x.header.life, account: x.header.account, countedCaps: x.header.counted, boundThreads: x.boundThreads)
    }

    public func gateView(_ i: Int) -> GateView? {
        guard gates.indices.contains(i) else { return nil }
        let x = gates[i]
        let waiters = members(of: .gate(i)).compactMap { s -> Int? in if case .thread(let t) = s { t } else { nil } }
        return GateView(index: i, life: x.header.life, thread: x.thread, label: x.label, waiters: waiters,
                        account: x.header.account, countedCaps: x.header.counted)
    }

    public func irqView(_ i: Int) -> IrqView? {
        guard irqs.indices.contains(i) else { return nil }
        let x = irqs[i]
        return IrqView(index: i, life: x.header.life, thread: x.thread, label: x.label, delivery: x.delivery, masked: x.masked,
                       line: x.line, account: x.header.account, countedCaps: x.header.counted)
    }

    public func factoryView(_ i: Int) -> FactoryView? {
        guard factories.indices.contains(i) else { return nil }
        let x = factories[i]
        return FactoryView(index: i, life: x.header.life, limit: x.limit, used: x.used, parent: x.header.account, countedCaps: x.header.counted)
    }

    /// Live and zombie objects of a kind, by index.
    public func objects(_ kind: ObjectKind) -> [Int] {
        (0..<tableSize(kind)).filter { life(ObjectID(kind, $0)) != .free }
    }

    // MARK: - Scheduling

    public func readyQueue(cpu: Int) -> ReadyQueueView {
        var levels: [Int] = []
        markedLevels(cpu) { p in
            levels.append(p)
            return true
        }
        return ReadyQueueView(cpu: cpu, order: readyOrder(cpu), listed: listedOrder(cpu), levels: levels)
    }

    /// The thread that runs on `cpu` (the first ready entry of the highest level).
    public func currentThread(cpu: Int) -> Int? {
        var current: Int?
        walkListed(cpu) { t in
            guard threads[t].state == .ready else { return true }
            current = t
            return false
        }
        return current
    }

    // MARK: - Conversions

    static func view(_ s: ThreadState) -> ThreadStateView {
        switch s {
        case .dead: .dead
        case .ready: .ready
        case .sending(let r): .sending(to: r)
        case .receiving(let p): .receiving(from: p)
        case .onGate(let g): .blockedOnGate(g)
        }
    }

    static func view(_ s: Sender) -> SenderView {
        switch s {
        case .thread(let t): .thread(t)
        case .irq(let i): .irq(i)
        }
    }

    static func view(_ op: IpcOp) -> PendingView {
        switch op {
        case .none: .none
        case .send: .send
        case .call: .call
        case .sendAndWait: .sendAndWait
        case .receive: .receive
        case .pageFault: .pageFault
        }
    }
}

/// Building a boot configuration from plain values (DESIGN §3): the same
/// ingredients as a scenario's initial state — factories, tasks, threads
/// (bound, started), gates, Irqs, capabilities and sigma0-rooted memory.
/// Boot objects are charged to their factory like created ones.

/// Why a boot step was refused.
public enum BootError: Error, Hashable, Sendable {
    /// The object table of this kind is full (`KernelConfig`).
    case tableFull(ObjectKind)
    /// The factory cannot pay for the object.
    case quotaExceeded(factory: Int)
    /// The mapping-database node pool is empty.
    case mappingPoolExhausted
    /// An argument names nothing usable (a dead object, an occupied slot, ...).
    case invalid(String)
}

extension Kernel {
    /// A factory: the root is unlimited (`limit` nil, no parent); a child
    /// reserves `size + limit` from its parent (kernel-api §3.4).
    public mutating func bootFactory(limit: UInt64?, parent: Int?) throws(BootError) -> Int {
        guard let i = freeEntry(.factory) else { throw .tableFull(.factory) }
        if let parent {
            try requireLive(ObjectID(.factory, parent))
            let (amount, overflow) = cost(.factory).addingReportingOverflow(limit ?? 0)
            guard !overflow, charge(parent, amount) else { throw .quotaExceeded(factory: parent) }
        }
        construct(ObjectID(.factory, i), account: parent)
        factories[i].limit = limit
        return i
    }

    public mutating func bootTask(quota: Int) throws(BootError) -> Int {
        try bootObject(.task, quota: quota)
    }

    /// A thread bound to `task`, with priority and home CPU; a `started` thread
    /// is ready (ex_regs and run_thread done at boot), at the back of its level.
    public mutating func bootThread(quota: Int, task: Int?, priority: Int, cpu: Int?, pager: Int?, started: Bool) throws(BootError) -> Int {
        if let task { try requireLive(ObjectID(.task, task)) }
        if let cpu, !runQueues.indices.contains(cpu) { throw .invalid("cpu \(cpu) is not present") }
        let t = try bootObject(.thread, quota: quota)
        threads[t].prio = max(1, min(priority, 255))
        threads[t].cpu = cpu
        threads[t].pager = pager.map { UInt64($0) } ?? Tcb.noHandler
        if let task {
            threads[t].task = task
            tasks[task].boundThreads += 1
        }
        if started {
            setState(t, .ready)
            readyEnqueue(t, front: false)
        }
        return t
    }

    public mutating func bootGate(quota: Int, thread: Int?, label: UInt64) throws(BootError) -> Int {
        guard label & 0x3 == 0 else { throw .invalid("gate labels have the low two bits clear") }
        if let thread { try requireLive(ObjectID(.thread, thread)) }
        let g = try bootObject(.gate, quota: quota)
        gates[g].label = label
        if let thread {
            gates[g].thread = thread
            threads[thread].pins += 1
        }
        return g
    }

    public mutating func bootIrq(quota: Int, thread: Int?, label: UInt64, line: Int?) throws(BootError) -> Int {
        if let thread { try requireLive(ObjectID(.thread, thread)) }
        let i = try bootObject(.irq, quota: quota)
        irqs[i].label = label
        irqs[i].line = line
        if let thread {
            irqs[i].thread = thread
            threads[thread].pins += 1
        }
        return i
    }

    /// Puts a capability into an empty slot of a live task (R is implicit).
    public mutating func bootCap(_ object: ObjectID, task: Int, slot: Int, rights: UInt8, server: Bool = true, weak: Bool = false) throws(BootError) {
        try requireLive(ObjectID(.task, task))
        try requireLive(object)
        guard slot >= 0, let n = slotNumber(task, UInt64(slot)), caps[n].object == nil else {
            throw .invalid("slot \(slot) of task \(task) is out of bound or occupied")
        }
        insertCap(n, object: object, rights: rights & Rights.all, counted: !weak, server: object.kind == .gate && server)
    }

    /// Maps `page` of `task` to `frame`: from sigma0 (`from` nil, a root of
    /// the frame's tree) or derived from another mapping of the same frame
    /// with no more rights (kernel-api §5.1).
    public mutating func bootPage(task: Int, page: Int, frame: UInt64, rights: UInt8, from: (task: Int, page: Int)? = nil) throws(BootError) {
        try requireLive(ObjectID(.task, task))
        guard page >= 0, mdb.pteIndex(task, UInt64(page)) != nil, mdb.node(task: task, page: UInt64(page)) == nil else {
            throw .invalid("page \(page) of task \(task) is out of bound or mapped")
        }
        var parent: Int?
        if let from {
            guard from.page >= 0, let p = mdb.node(task: from.task, page: UInt64(from.page)), mdb.nodes[p].frame == frame,
                  rights & ~mdb.nodes[p].rights == 0 else { throw .invalid("the parent mapping is missing or does not cover it") }
            parent = p
        }
        guard mdb.insert(task: task, page: UInt64(page), frame: frame, rights: rights & Rights.memAll, parent: parent) != nil else {
            throw .mappingPoolExhausted
        }
    }

    private mutating func bootObject(_ kind: ObjectKind, quota: Int) throws(BootError) -> Int {
        try requireLive(ObjectID(.factory, quota))
        guard let i = freeEntry(kind) else { throw .tableFull(kind) }
        guard charge(quota, cost(kind)) else { throw .quotaExceeded(factory: quota) }
        construct(ObjectID(kind, i), account: quota)
        return i
    }

    private func requireLive(_ id: ObjectID) throws(BootError) {
        guard exists(id), life(id) == .live else { throw .invalid("\(id) is not a live object") }
    }
}

/// The kernel: fixed-size object tables, per-task capability tables, the
/// mapping database, per-CPU ready queues and the kernel clock. A value type,
/// so a state can be copied for replay; every entry point is a `mutating`
/// method (`Syscall.swift`). Nothing here imports Spec (DESIGN §1).
public struct Kernel: Sendable {
    public let config: KernelConfig
    var tasks: [TaskObject]
    var threads: [Tcb]
    var gates: [GateObject]
    var irqs: [IrqObject]
    var factories: [FactoryObject]
    var scheduler = SchedulerObject()
    /// All tasks' capability tables: `capSlots` entries per task (`CapTable.swift`).
    var caps: [CapSlot]
    var mdb: MappingDatabase
    var runQueues: [RunQueue]
    /// Kernel clock in µs, advanced by timer ticks (`Timer.swift`).
    var clock: UInt64 = 0

    public init(config: KernelConfig = KernelConfig()) {
        self.config = config
        tasks = Array(repeating: TaskObject(), count: config.maxTasks)
        threads = Array(repeating: Tcb(), count: config.maxThreads)
        gates = Array(repeating: GateObject(), count: config.maxGates)
        irqs = Array(repeating: IrqObject(), count: config.maxIrqs)
        factories = Array(repeating: FactoryObject(), count: config.maxFactories)
        caps = Array(repeating: CapSlot(), count: config.maxTasks * config.capSlots)
        mdb = MappingDatabase(tasks: config.maxTasks, pages: config.pages, nodes: config.mappingNodes)
        mdb.faults = config.faults
        runQueues = Array(repeating: RunQueue(), count: config.cpus)
    }

    // MARK: - Object headers

    /// The common header of any object.
    subscript(header id: ObjectID) -> ObjectHeader {
        get {
            switch id.kind {
            case .task: tasks[id.index].header
            case .thread: threads[id.index].header
            case .gate: gates[id.index].header
            case .irq: irqs[id.index].header
            case .factory: factories[id.index].header
            case .scheduler: scheduler.header
            }
        }
        set {
            switch id.kind {
            case .task: tasks[id.index].header = newValue
            case .thread: threads[id.index].header = newValue
            case .gate: gates[id.index].header = newValue
            case .irq: irqs[id.index].header = newValue
            case .factory: factories[id.index].header = newValue
            case .scheduler: scheduler.header = newValue
            }
        }
    }

    func tableSize(_ kind: ObjectKind) -> Int {
        switch kind {
        case .task: tasks.count
        case .thread: threads.count
        case .gate: gates.count
        case .irq: irqs.count
        case .factory: factories.count
        case .scheduler: 1
        }
    }

    /// Whether `id` names an existing table entry.
    func exists(_ id: ObjectID) -> Bool { id.index >= 0 && id.index < tableSize(id.kind) }

    func life(_ id: ObjectID) -> Lifetime { exists(id) ? self[header: id].life : .free }

    // MARK: - Allocation (first fit, like a slab with a free bitmap)

    /// The lowest free entry of a table, or nil when the table is full.
    func freeEntry(_ kind: ObjectKind) -> Int? {
        guard kind != .scheduler else { return nil }
        return (0..<tableSize(kind)).first { self[header: ObjectID(kind, $0)].life == .free }
    }

    /// Resets entry `id` to a fresh live object charged to `account`.
    mutating func construct(_ id: ObjectID, account: Int?) {
        let header = ObjectHeader(life: .live, account: account)
        switch id.kind {
        case .task: tasks[id.index] = TaskObject(header: header)
        case .thread: threads[id.index] = Tcb(header: header)
        case .gate: gates[id.index] = GateObject(header: header)
        case .irq: irqs[id.index] = IrqObject(header: header)
        case .factory: factories[id.index] = FactoryObject(header: header)
        case .scheduler: break
        }
    }
}

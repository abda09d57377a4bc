/// Build-time sizes of the kernel's fixed tables and of the kernel memory each
/// object costs (kernel-api §2 object-space bound, §3.4 quota).
public struct KernelConfig: Hashable, Sendable {
    /// Present CPUs (each has its own ready queue and timer).
    public var cpus: Int
    /// Object-table capacities: creation beyond them fails with `-ENOMEM`.
    public var maxTasks: Int
    public var maxThreads: Int
    public var maxGates: Int
    public var maxIrqs: Int
    public var maxFactories: Int
    /// Object-space bound: capability indices `0..<capSlots` exist in every task
    /// (kernel-api §2: indices beyond read as empty, creation there → `-ENOMEM`).
    public var capSlots: Int
    /// Memory-space bound: user pages `0..<pages` (address `page << 12`) exist in every task.
    public var pages: Int
    /// Mapping-database node pool (one node per mapped page); exhaustion → MAPFAILED.
    public var mappingNodes: Int
    /// Kernel-memory cost of each object kind, charged to its factory.
    public var objectSizes: ObjectSizes
    /// Kernel clock advance per timer tick, in µs.
    public var tickMicros: UInt64
    /// Seeded faults for harness-strength tests only (`FaultInjection.swift`); empty by default.
    @_spi(FaultInjection) public var faults = FaultSet()

    public init(cpus: Int = 2, maxTasks: Int = 16, maxThreads: Int = 32, maxGates: Int = 32, maxIrqs: Int = 16,
                maxFactories: Int = 8, capSlots: Int = 256, pages: Int = 256, mappingNodes: Int = 4096,
                objectSizes: ObjectSizes = .amd64, tickMicros: UInt64 = 1000) {
        self.cpus = max(1, min(cpus, 64))
        self.maxTasks = max(1, maxTasks)
        self.maxThreads = max(1, maxThreads)
        self.maxGates = max(0, maxGates)
        self.maxIrqs = max(0, maxIrqs)
        self.maxFactories = max(1, maxFactories)
        self.capSlots = max(1, capSlots)
        self.pages = max(0, pages)
        self.mappingNodes = max(0, mappingNodes)
        self.objectSizes = objectSizes
        self.tickMicros = tickMicros
    }
}

/// Kernel memory charged per object, in bytes (kernel-api §3.4: "every kernel
/// allocation on behalf of an object is charged to the quota it was created
/// from"). The defaults approximate Fiasco on amd64:
/// * thread 8192: the 8 KiB thread block (TCB + kernel stack), FPU state included;
/// * task 8448: `Task` object (~256 B) + the 4 KiB top-level page table + the
///   first 4 KiB table of the two-level object space (128 slots × 32 B);
/// * gate 128: `Ipc_gate_obj` (Kobject header, bound thread, label, wait queue);
/// * irq 192: `Irq_sender` (Kobject header, IRQ chip binding, sender queue link);
/// * factory 64: `Factory` (Kobject header + `Ram_quota` limit/current/parent).
/// A child factory additionally reserves its limit from its parent (§3.4).
/// Mapping-database nodes come from a global fixed pool and are not charged.
public struct ObjectSizes: Hashable, Sendable {
    public var task: UInt64
    public var thread: UInt64
    public var gate: UInt64
    public var irq: UInt64
    public var factory: UInt64

    public init(task: UInt64, thread: UInt64, gate: UInt64, irq: UInt64, factory: UInt64) {
        self.task = task
        self.thread = thread
        self.gate = gate
        self.irq = irq
        self.factory = factory
    }

    public static let amd64 = ObjectSizes(task: 8448, thread: 8192, gate: 128, irq: 192, factory: 64)

    func size(of kind: ObjectKind) -> UInt64 {
        switch kind {
        case .task: task
        case .thread: thread
        case .gate: gate
        case .irq: irq
        case .factory: factory
        case .scheduler: 0
        }
    }
}

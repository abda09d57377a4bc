@_spi(FaultInjection) import KernelImpl
import Scenarios
import Spec

/// Building the implementation's boot configuration from a scenario's boot
/// `KernelState` through the implementation's own boot API, and pairing every
/// object it builds with its spec counterpart.
public enum ImplBoot {
    /// Why a scenario's boot state could not be rebuilt in the implementation.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var description: String { message }
    }

    /// The implementation configuration that matches the spec's bounds:
    /// object tables as large as the spec's fixed capacities (so creation fails
    /// with `-ENOMEM` at the same point, kernel-api §3.4), the object- and
    /// memory-space bounds of the scenario (§2), one mapping node per
    /// (task, page) so the node pool can never run out where the spec has no
    /// such limit, and object sizes equal to the spec's quota units
    /// (`KernelMemory.cost`), so `used` is comparable without conversion.
    public static func configuration(_ c: Config) -> KernelConfig {
        KernelConfig(cpus: Int(c.cpuCount), maxTasks: Capacity.tasks, maxThreads: Capacity.threads, maxGates: Capacity.gates,
                     maxIrqs: Capacity.irqs, maxFactories: Capacity.factories, capSlots: Int(c.slotBound), pages: Int(c.pageBound),
                     mappingNodes: Capacity.tasks * Capacity.pagesPerTask, objectSizes: units)
    }

    /// kernel-api §3.4 quota in the spec's units (task 3, thread 2, gate/irq/factory 1).
    static let units = ObjectSizes(task: UInt64(KernelMemory.cost(of: .task)), thread: UInt64(KernelMemory.cost(of: .thread)),
                                   gate: UInt64(KernelMemory.cost(of: .gate)), irq: UInt64(KernelMemory.cost(of: .irq)),
                                   factory: UInt64(KernelMemory.cost(of: .factory)))

    /// Boots the implementation with the objects, capabilities and mappings of `s`.
    public static func boot(_ s: KernelState) throws(Failure) -> (Kernel, Correspondence) {
        try boot(s, faults: FaultSet())
    }

    /// The same, with seeded faults switched on (harness-strength tests only).
    static func boot(_ s: KernelState, faults: FaultSet) throws(Failure) -> (Kernel, Correspondence) {
        var config = configuration(s.config)
        config.faults = faults
        var b = Builder(spec: s, kernel: Kernel(config: config))
        do {
            try b.factories()
            try b.tasks()
            try b.threads()
            try b.gates()
            try b.irqs()
            try b.caps()
            try b.pages()
        } catch {
            throw Failure(message: "cannot rebuild the boot state in the implementation: \(error)")
        }
        return (b.kernel, b.corr)
    }
}

/// One boot in progress: spec state in, implementation + pairing out.
private struct Builder {
    let spec: KernelState
    var kernel: Kernel
    var corr = Correspondence()

    init(spec: KernelState, kernel: Kernel) {
        self.spec = spec
        self.kernel = kernel
    }

    func live(_ kind: SpecKind) -> [Int] { (0..<kind.capacity).filter { spec.life(of: ObjectRef(kind, $0)) == .live } }

    func impl(_ kind: SpecKind, _ raw: UInt8) throws(BootError) -> Int {
        guard raw != 0xFF, let id = corr.impl(ObjectRef(kind, Int(raw))) else { throw .invalid("\(kind)\(raw) has no counterpart") }
        return id.index
    }

    func optional(_ kind: SpecKind, _ raw: UInt8) throws(BootError) -> Int? {
        raw == 0xFF ? nil : try impl(kind, raw)
    }

    /// Parents before children: a child factory reserves its budget from its parent.
    mutating func factories() throws(BootError) {
        var pending = live(.factory)
        while !pending.isEmpty {
            guard let i = pending.first(where: { spec.factory(FactoryID($0)).parent == 0xFF || corr.impl(.factory(FactoryID(Int(spec.factory(FactoryID($0)).parent)))) != nil }) else {
                throw .invalid("factory parents form a cycle")
            }
            let f = spec.factory(FactoryID(i))
            let limit: UInt64? = f.unlimited != 0 ? nil : UInt64(f.limit)
            let id = try kernel.bootFactory(limit: limit, parent: try optional(.factory, f.parent))
            corr.pair(.factory(FactoryID(i)), ObjectID(.factory, id))
            pending.removeAll { $0 == i }
        }
    }

    mutating func tasks() throws(BootError) {
        for i in live(.task) {
            let id = try kernel.bootTask(quota: try impl(.factory, spec.task(TaskID(i)).quota))
            corr.pair(.task(TaskID(i)), ObjectID(.task, id))
        }
    }

    /// In index order, so equal priorities keep the spec's ready order (§9).
    mutating func threads() throws(BootError) {
        for i in live(.thread) {
            let t = spec.thread(ThreadID(i))
            let id = try kernel.bootThread(quota: try impl(.factory, t.quota), task: try optional(.task, t.task), priority: Int(t.prio),
                                           cpu: t.cpu == 0xFF ? nil : Int(t.cpu), pager: t.pager == 0xFF ? nil : Int(t.pager),
                                           started: t.state == .ready)
            corr.pair(.thread(ThreadID(i)), ObjectID(.thread, id))
        }
    }

    mutating func gates() throws(BootError) {
        for i in live(.gate) {
            let g = spec.gate(GateID(i))
            let id = try kernel.bootGate(quota: try impl(.factory, g.quota), thread: try optional(.thread, g.thread), label: UInt64(g.label))
            corr.pair(.gate(GateID(i)), ObjectID(.gate, id))
        }
    }

    mutating func irqs() throws(BootError) {
        for i in live(.irq) {
            let q = spec.irq(IrqID(i))
            let id = try kernel.bootIrq(quota: try impl(.factory, q.quota), thread: try optional(.thread, q.thread), label: UInt64(q.label),
                                        line: q.line == 0xFF ? nil : Int(q.line))
            corr.pair(.irq(IrqID(i)), ObjectID(.irq, id))
        }
    }

    mutating func caps() throws(BootError) {
        for k in live(.task) {
            for s in 0..<Int(spec.config.slotBound) {
                let slot = spec.slot(TaskID(k), SlotIndex(s))
                guard let ref = slot.ref else { continue }
                guard let object = corr.impl(ref) else { throw .invalid("\(ref) has no counterpart") }
                try kernel.bootCap(object, task: try impl(.task, UInt8(k)), slot: s, rights: slot.rights.rawValue,
                                   server: slot.server, weak: !slot.counted)
            }
        }
    }

    /// Roots (sigma0's mappings) first, then every mapping whose parent is in.
    mutating func pages() throws(BootError) {
        let perTask = Capacity.pagesPerTask
        var pending: [(task: Int, page: Int)] = []
        for k in live(.task) {
            for p in 0..<Int(spec.config.pageBound) where spec.page(TaskID(k), PageIndex(p)).isMapped { pending.append((k, p)) }
        }
        var done = Set<Int>()
        while !pending.isEmpty {
            guard let next = pending.firstIndex(where: { e in
                let parent = spec.page(TaskID(e.task), PageIndex(e.page)).parent
                return parent == 0xFF || done.contains(Int(parent))
            }) else { throw .invalid("the boot mapping tree has a cycle or a dangling parent") }
            let (k, p) = pending.remove(at: next)
            let e = spec.page(TaskID(k), PageIndex(p))
            var from: (task: Int, page: Int)?
            if e.parent != 0xFF { from = (try impl(.task, UInt8(Int(e.parent) / perTask)), Int(e.parent) % perTask) }
            try kernel.bootPage(task: try impl(.task, UInt8(k)), page: p, frame: UInt64(e.frame), rights: e.rights.rawValue, from: from)
            done.insert(k * perTask + p)
        }
    }
}

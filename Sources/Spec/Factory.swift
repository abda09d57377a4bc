/// Factories and kernel-memory quotas (kernel-api §3.4, §8).
public enum KernelMemory {
    /// Abstract kernel-memory cost of each object kind, in quota units. The real
    /// kernel charges `sizeof` of the object plus its tables; the spec keeps the
    /// proportions (a task carries page and capability tables) but not the bytes.
    public static func cost(of kind: ObjectKind) -> UInt16 {
        switch kind {
        case .task: 3
        case .thread: 2
        case .gate: 1
        case .irq: 1
        case .factory: 1
        case .scheduler: 0
        }
    }
}

extension KernelState {
    // MARK: - Quota accounts

    /// Charges `amount` to account `f`. Only the root is unlimited; a child
    /// allocates from its own reserved budget only (no check against ancestors).
    mutating func charge(_ f: UInt8, _ amount: UInt16) -> Bool {
        guard f != noID, factories[Int(f)].life != .free else { return false }
        let acc = factories[Int(f)]
        let (sum, overflow) = acc.used.addingReportingOverflow(amount)
        if overflow || (acc.unlimited == 0 && sum > acc.limit) { return false }
        factories[Int(f)].used = sum
        return true
    }

    /// Returns `amount` to account `f`; a deleted factory whose account empties
    /// returns its own reservation to its parent (kernel-api §3.4 last paragraph).
    mutating func refund(_ f: UInt8, _ amount: UInt16) {
        guard f != noID, factories[Int(f)].life != .free else { return }
        factories[Int(f)].used &-= min(amount, factories[Int(f)].used)
        releaseFactoryIfDrained(FactoryID(Int(f)))
    }

    mutating func releaseFactoryIfDrained(_ f: FactoryID) {
        let acc = factories[f.index]
        guard acc.life == .zombie, acc.used == 0 else { return }
        let parent = acc.parent
        let reservation = KernelMemory.cost(of: .factory) &+ acc.limit
        factories[f.index] = FactoryRecord()
        refund(parent, reservation)
    }

    // MARK: - Decode

    struct CreateRequest {
        var factory: FactoryID
        var kind: CreateKind
        var slot: SlotIndex
        /// Gate creation with a thread item: the thread to bind.
        var bindThread: ThreadID?
    }

    /// `L4::Factory::create` (kernel-api §3.4): S on the factory; a receive buffer
    /// for the new cap (else REMSGCUT); a slot beyond the bound → `-ENOMEM`;
    /// gate label low bits → `-EINVAL`; gate thread item → `-EINVAL`/`-EPERM`;
    /// child limit 0 → `-ENOMEM`.
    func decodeCreate(_ f: FactoryID, rights: CapRights, kind: CreateKind, slot: SlotIndex?, by caller: ThreadID) throws(SyscallError) -> CreateRequest {
        guard rights.contains(.s) else { throw .l4(.eperm) }
        guard let slot else { throw .ipc(.remsgcut) }
        var bind: ThreadID?
        switch kind {
        case .gate(let label, let thread):
            if let thread {
                let (t, tr) = try objectArgument(thread, of: .thread, by: caller)
                guard tr.contains(.s) else { throw .l4(.eperm) }
                guard label & 0x3 == 0 else { throw .l4(.einval) }
                bind = ThreadID(Int(t))
            }
        case .factory(let limit):
            guard limit > 0 else { throw .l4(.enomem) }
        case .task, .thread, .irq:
            break
        }
        guard validSlot(slot) else { throw .l4(.enomem) }
        return CreateRequest(factory: f, kind: kind, slot: slot, bindThread: bind)
    }

    // MARK: - Perform

    /// Allocates the object and charges its quota **before** the target slot is
    /// touched; the new cap is the root mapping with all rights in the caller's
    /// task, displacing any old cap with the delete flag (kernel-api §3.4).
    mutating func performCreate(_ req: CreateRequest, by caller: ThreadID) -> Outcome {
        let task = TaskID(Int(threads[caller.index].task))
        let objectKind: ObjectKind
        var amount: UInt16
        switch req.kind {
        case .task: objectKind = .task
        case .thread: objectKind = .thread
        case .gate: objectKind = .gate
        case .irq: objectKind = .irq
        case .factory: objectKind = .factory
        }
        amount = KernelMemory.cost(of: objectKind)
        if case .factory(let limit) = req.kind {
            let (sum, overflow) = amount.addingReportingOverflow(limit)
            guard !overflow else { return .error(.enomem) }
            amount = sum
        }
        guard let index = freeEntry(objectKind) else { return .error(.enomem) }
        guard charge(req.factory.raw, amount) else { return .error(.enomem) }
        let ref = ObjectRef(objectKind, index)
        allocate(ref, quota: req.factory.raw, kind: req.kind)
        if let t = req.bindThread { bindGate(GateID(index), to: t, label: gateLabel(req.kind)) }
        removeCap(at: task, req.slot, delete: true)
        // Displacing a D cap to the caller's own task destroys it: the new object
        // is freed again and the caller sees REMSGCUT (`Factory::map_obj`).
        guard tasks[task.index].life == .live else {
            destroy(ref)
            return .ipc(.remsgcut)
        }
        insertCap(Slot(ref, rights: .all, counted: true, server: objectKind == .gate), at: task, req.slot)
        return .success
    }

    private func gateLabel(_ kind: CreateKind) -> UInt16 {
        if case .gate(let label, _) = kind { return label }
        return 0
    }

    /// The first unused table entry for a kind (the model's fixed capacity).
    func freeEntry(_ kind: ObjectKind) -> Int? {
        switch kind {
        case .task: (0..<Capacity.tasks).first { tasks[$0].life == .free }
        case .thread: (0..<Capacity.threads).first { threads[$0].life == .free }
        case .gate: (0..<Capacity.gates).first { gates[$0].life == .free }
        case .irq: (0..<Capacity.irqs).first { irqs[$0].life == .free }
        case .factory: (0..<Capacity.factories).first { factories[$0].life == .free }
        case .scheduler: nil
        }
    }

    /// Initialises a fresh record: a new thread is dead, unbound, priority 1
    /// (kernel-api §3.2); a new gate starts unbound with label 0 (§3.3).
    mutating func allocate(_ ref: ObjectRef, quota: UInt8, kind: CreateKind) {
        let i = Int(ref.index)
        switch ref.kind {
        case .task:
            tasks[i] = TaskRecord()
            tasks[i].life = .live
            tasks[i].quota = quota
        case .thread:
            threads[i] = ThreadRecord()
            threads[i].life = .live
            threads[i].quota = quota
        case .gate:
            gates[i] = GateRecord()
            gates[i].life = .live
            gates[i].quota = quota
        case .irq:
            irqs[i] = IrqRecord()
            irqs[i].life = .live
            irqs[i].quota = quota
        case .factory:
            factories[i] = FactoryRecord()
            factories[i].life = .live
            factories[i].parent = quota
            if case .factory(let limit) = kind { factories[i].limit = limit }
        case .scheduler:
            break
        }
    }

    /// Frees an object's memory and refunds its cost to the account it was
    /// charged to (MEM-3). Factories are released through `releaseFactoryIfDrained`.
    mutating func free(_ ref: ObjectRef) {
        let i = Int(ref.index)
        let account = quotaAccount(of: ref)
        switch ref.kind {
        case .task: tasks[i] = TaskRecord()
        case .thread: threads[i] = ThreadRecord()
        case .gate: gates[i] = GateRecord()
        case .irq: irqs[i] = IrqRecord()
        case .factory:
            factories[i].life = .zombie
            releaseFactoryIfDrained(FactoryID(i))
            return
        case .scheduler: return
        }
        refund(account, KernelMemory.cost(of: ref.kind))
    }
}

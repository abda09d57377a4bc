/// Well-formedness of the state as named clauses (l4v `invs`; kernel-api §12
/// "Invariants worth checking"). `wellFormed` returns what is broken, so a test
/// or the explorer can name the clause.
public struct Violation: Hashable, Sendable, CustomStringConvertible {
    public var clause: String
    public var detail: String
    public var description: String { "\(clause): \(detail)" }
}

extension KernelState {
    /// Every clause, in a fixed order.
    public static let wellFormedClauses: [(String, @Sendable (KernelState) -> [String])] = [
        ("slotsNameLiveObjects", { $0.slotsNameLiveObjects() }),
        ("refcountsMatchSlots", { $0.refcountsMatchSlots() }),
        ("bindingsNameExistingObjects", { $0.bindingsNameExistingObjects() }),
        ("threadInAtMostOneQueue", { $0.threadInAtMostOneQueue() }),
        ("queuesMatchThreadStates", { $0.queuesMatchThreadStates() }),
        ("readyListsSound", { $0.readyListsSound() }),
        ("replySlotsNameWaitingCallers", { $0.replySlotsNameWaitingCallers() }),
        ("irqDeliveryConsistent", { $0.irqDeliveryConsistent() }),
        ("quotaWithinLimit", { $0.quotaWithinLimit() }),
        ("quotaAccountingExact", { $0.quotaAccountingExact() }),
        ("mappingParentsExist", { $0.mappingParentsExist() }),
    ]

    /// All broken clauses; empty when the state is well formed.
    public func wellFormed() -> [Violation] {
        Self.wellFormedClauses.flatMap { name, check in check(self).map { Violation(clause: name, detail: $0) } }
    }

    func slotsNameLiveObjects() -> [String] {
        var out: [String] = []
        for i in 0..<slots.count where !slots[i].isEmpty {
            let task = TaskID(i / Capacity.slotsPerTask), s = i % Capacity.slotsPerTask
            guard let ref = slots[i].ref else {
                out.append("\(task) slot \(s) has an unknown kind \(slots[i].kindRaw)")
                continue
            }
            if life(of: ref) != .live { out.append("\(task) slot \(s) names \(ref), which is \(life(of: ref))") }
            if tasks[task.index].life != .live { out.append("\(task) is not live but its slot \(s) holds \(ref)") }
            if s >= Int(config.slotBound) { out.append("\(task) slot \(s) lies beyond the object-space bound") }
        }
        return out
    }

    func refcountsMatchSlots() -> [String] {
        var out: [String] = []
        for kind in ObjectKind.allCases where kind != .scheduler {
            for i in 0..<kind.capacity {
                let ref = ObjectRef(kind, i)
                guard life(of: ref) != .free else { continue }
                var n = 0
                for j in 0..<slots.count where slots[j].kindRaw == kind.rawValue && slots[j].object == UInt8(i) && slots[j].counted { n += 1 }
                if n != countedRefs(ref) { out.append("\(ref) counts \(countedRefs(ref)) but \(n) counted slots name it") }
            }
        }
        return out
    }

    func bindingsNameExistingObjects() -> [String] {
        var out: [String] = []
        for i in 0..<Capacity.threads where threads[i].life != .free {
            let t = threads[i].task
            if t != noID && (Int(t) >= Capacity.tasks || tasks[Int(t)].life == .free) { out.append("thread\(i) is bound to a freed task\(t)") }
        }
        for i in 0..<Capacity.gates where gates[i].life != .free && gates[i].thread != noID {
            if Int(gates[i].thread) >= Capacity.threads || threads[Int(gates[i].thread)].life == .free { out.append("gate\(i) is bound to a freed thread") }
        }
        for i in 0..<Capacity.irqs where irqs[i].life != .free && irqs[i].thread != noID {
            if Int(irqs[i].thread) >= Capacity.threads || threads[Int(irqs[i].thread)].life == .free { out.append("irq\(i) is bound to a freed thread") }
        }
        return out
    }

    /// Every queue a sender can sit in, with its members in order.
    func allQueues() -> [(String, [Sender])] {
        var out: [(String, [Sender])] = []
        for r in 0..<Capacity.threads where threads[r].life != .free {
            out.append(("thread\(r)", members(of: .thread(ThreadID(r)))))
        }
        for g in 0..<Capacity.gates where gates[g].life != .free {
            out.append(("gate\(g)", members(of: .gate(GateID(g)))))
        }
        return out
    }

    func members(of q: QueueOwner) -> [Sender] {
        var out: [Sender] = []
        var cur = Sender(encoded: head(q))
        while let c = cur, out.count <= Capacity.threads + Capacity.irqs {
            out.append(c)
            cur = Sender(encoded: next(c))
        }
        return out
    }

    func threadInAtMostOneQueue() -> [String] {
        var seen: [Sender: String] = [:]
        var out: [String] = []
        for (owner, list) in allQueues() {
            for s in list {
                if let first = seen[s] { out.append("\(s) is queued at \(first) and at \(owner)") }
                seen[s] = owner
            }
        }
        return out
    }

    func queuesMatchThreadStates() -> [String] {
        var out: [String] = []
        for (owner, list) in allQueues() {
            for case .thread(let t) in list {
                let rec = threads[t.index]
                let expected = owner.hasPrefix("gate") ? ThreadState.onGate : .sending
                if rec.state != expected || "\(owner.hasPrefix("gate") ? "gate" : "thread")\(rec.partner)" != owner {
                    out.append("thread\(t.raw) is queued at \(owner) but is \(rec.state) on \(rec.partner)")
                }
            }
        }
        for i in 0..<Capacity.threads where threads[i].life != .free {
            let rec = threads[i]
            let t = ThreadID(i)
            switch rec.state {
            case .sending where rec.partner == noID || !contains(.thread(t), in: .thread(ThreadID(Int(rec.partner)))):
                out.append("thread\(i) is sending but not queued at its partner")
            case .onGate where rec.partner == noID || !contains(.thread(t), in: .gate(GateID(Int(rec.partner)))):
                out.append("thread\(i) is blocked on a gate but not in its wait queue")
            default: break
            }
        }
        return out
    }

    func readyListsSound() -> [String] {
        var out: [String] = []
        for c in 0..<Capacity.cpus {
            let list = readyThreads(CPU(c))
            if Set(list).count != list.count { out.append("cpu\(c) lists a thread twice") }
            for (k, t) in list.enumerated() {
                let rec = threads[t.index]
                if rec.state != .ready || rec.life == .free || Int(rec.cpu) != c { out.append("cpu\(c) lists thread\(t.raw), which is \(rec.state) on cpu \(rec.cpu)") }
                if k > 0 && threads[list[k - 1].index].prio < rec.prio { out.append("cpu\(c) lists thread\(t.raw) behind a lower priority") }
            }
        }
        for i in 0..<Capacity.threads where threads[i].life != .free && threads[i].state == .ready && threads[i].cpu != noID {
            if !isListed(ThreadID(i)) { out.append("thread\(i) is ready on cpu\(threads[i].cpu) but not listed") }
        }
        return out
    }

    func replySlotsNameWaitingCallers() -> [String] {
        var out: [String] = []
        var holders: [UInt8: Int] = [:]
        for i in 0..<Capacity.threads where threads[i].life != .free && threads[i].replyTo != noID {
            let c = threads[i].replyTo
            if let other = holders[c] { out.append("thread\(c) has reply slots at thread\(other) and thread\(i)") }
            holders[c] = i
            let caller = threads[Int(c)]
            if caller.state != .receiving || caller.partner != UInt8(i) {
                out.append("thread\(i) holds a reply slot for thread\(c), which is \(caller.state) on \(caller.partner)")
            }
        }
        return out
    }

    func irqDeliveryConsistent() -> [String] {
        var out: [String] = []
        for i in 0..<Capacity.irqs where irqs[i].life != .free {
            let rec = irqs[i]
            var queuedAt: [Int] = []
            for r in 0..<Capacity.threads where threads[r].life != .free && contains(.irq(IrqID(i)), in: .thread(ThreadID(r))) { queuedAt.append(r) }
            if rec.delivery == .queued && (queuedAt.count != 1 || queuedAt.first.map(UInt8.init) != rec.thread) {
                out.append("irq\(i) is queued but sits in \(queuedAt.count) queues")
            }
            if rec.delivery != .queued && !queuedAt.isEmpty { out.append("irq\(i) is \(rec.delivery) but queued at thread\(queuedAt[0])") }
            if rec.delivery == .pending && rec.masked == 0 { out.append("irq\(i) is pending but not masked") }
        }
        return out
    }

    func quotaWithinLimit() -> [String] {
        var out: [String] = []
        for f in 0..<Capacity.factories where factories[f].life != .free && factories[f].unlimited == 0 {
            if factories[f].used > factories[f].limit { out.append("factory\(f) uses \(factories[f].used) of \(factories[f].limit)") }
        }
        return out
    }

    /// MEM-2: used(q) = Σ costs of non-freed objects charged to q + Σ (cost + limit) of child factories.
    func quotaAccountingExact() -> [String] {
        var expected = [Int](repeating: 0, count: Capacity.factories)
        func add(_ q: UInt8, _ amount: Int) { if q != noID && Int(q) < Capacity.factories { expected[Int(q)] += amount } }
        for i in 0..<Capacity.tasks where tasks[i].life != .free { add(tasks[i].quota, Int(KernelMemory.cost(of: .task))) }
        for i in 0..<Capacity.threads where threads[i].life != .free { add(threads[i].quota, Int(KernelMemory.cost(of: .thread))) }
        for i in 0..<Capacity.gates where gates[i].life != .free { add(gates[i].quota, Int(KernelMemory.cost(of: .gate))) }
        for i in 0..<Capacity.irqs where irqs[i].life != .free { add(irqs[i].quota, Int(KernelMemory.cost(of: .irq))) }
        for i in 0..<Capacity.factories where factories[i].life != .free && factories[i].unlimited == 0 {
            add(factories[i].parent, Int(KernelMemory.cost(of: .factory)) + Int(factories[i].limit))
        }
        var out: [String] = []
        for f in 0..<Capacity.factories where factories[f].life != .free && Int(factories[f].used) != expected[f] {
            out.append("factory\(f) records \(factories[f].used) used but its objects cost \(expected[f])")
        }
        return out
    }

    func mappingParentsExist() -> [String] {
        var out: [String] = []
        for n in 0..<pages.count where pages[n].isMapped {
            let (t, p) = node(n)
            let parent = pages[n].parent
            if tasks[t.index].life != .live { out.append("\(t) is not live but maps page \(p)") }
            if p.raw >= config.pageBound { out.append("\(t) page \(p) lies beyond the memory bound") }
            guard parent != noID else { continue }
            if Int(parent) >= pages.count || !pages[Int(parent)].isMapped {
                out.append("\(t) page \(p) derives from an unmapped node \(parent)")
            } else if pages[Int(parent)].frame != pages[n].frame {
                out.append("\(t) page \(p) maps frame \(pages[n].frame) but its parent maps frame \(pages[Int(parent)].frame)")
            } else if isAncestor(n, of: n) {
                out.append("\(t) page \(p) lies on a cycle of the mapping tree")
            }
        }
        return out
    }
}

extension Sender: Hashable {
    func hash(into h: inout Hasher) { h.combine(encoded) }
}

extension Sender: CustomStringConvertible {
    var description: String {
        switch self {
        case .thread(let t): "thread\(t.raw)"
        case .irq(let i): "irq\(i.raw)"
        }
    }
}

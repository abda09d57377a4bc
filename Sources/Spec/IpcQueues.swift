/// Sender queues (kernel-api §6.2): intrusive lists ordered by priority, FIFO
/// within a priority; Irqs queue with priority 255. The same link field serves
/// a gate's wait queue, since a thread is in at most one queue (IPC-3).
extension KernelState {
    enum QueueOwner {
        case thread(ThreadID)
        case gate(GateID)
    }

    func head(_ q: QueueOwner) -> UInt8 {
        switch q {
        case .thread(let r): threads[r.index].queueHead
        case .gate(let g): gates[g.index].waitHead
        }
    }

    mutating func setHead(_ q: QueueOwner, _ v: UInt8) {
        switch q {
        case .thread(let r): threads[r.index].queueHead = v
        case .gate(let g): gates[g.index].waitHead = v
        }
    }

    func next(_ s: Sender) -> UInt8 {
        switch s {
        case .thread(let t): threads[t.index].queueNext
        case .irq(let i): irqs[i.index].queueNext
        }
    }

    mutating func setNext(_ s: Sender, _ v: UInt8) {
        switch s {
        case .thread(let t): threads[t.index].queueNext = v
        case .irq(let i): irqs[i.index].queueNext = v
        }
    }

    func queuePriority(_ s: Sender) -> UInt8 {
        switch s {
        case .thread(let t): threads[t.index].prio
        case .irq: 255
        }
    }

    /// Inserts behind every entry of equal or higher priority.
    mutating func enqueue(_ s: Sender, in q: QueueOwner) {
        let p = queuePriority(s)
        var prev: Sender?
        var cur = Sender(encoded: head(q))
        var steps = 0
        // Bounded walk: a queue holds each sender at most once (IPC-3), so it is
        // never longer than the number of senders; the bound keeps `step` total.
        while let c = cur, queuePriority(c) >= p, steps <= Capacity.threads + Capacity.irqs {
            prev = c
            cur = Sender(encoded: next(c))
            steps += 1
        }
        setNext(s, cur?.encoded ?? noID)
        if let prev { setNext(prev, s.encoded) } else { setHead(q, s.encoded) }
    }

    /// Unlinks `s` if it is in the queue; returns whether it was.
    @discardableResult
    mutating func dequeue(_ s: Sender, from q: QueueOwner) -> Bool {
        var prev: Sender?
        var cur = Sender(encoded: head(q))
        var guardCount = 0
        while let c = cur, guardCount <= Capacity.threads + Capacity.irqs {
            if c == s {
                let n = next(c)
                if let prev { setNext(prev, n) } else { setHead(q, n) }
                setNext(s, noID)
                return true
            }
            prev = c
            cur = Sender(encoded: next(c))
            guardCount += 1
        }
        return false
    }

    func contains(_ s: Sender, in q: QueueOwner) -> Bool {
        var cur = Sender(encoded: head(q))
        var guardCount = 0
        while let c = cur, guardCount <= Capacity.threads + Capacity.irqs {
            if c == s { return true }
            cur = Sender(encoded: next(c))
            guardCount += 1
        }
        return false
    }

    mutating func popSender(at r: ThreadID) -> Sender? {
        guard let s = Sender(encoded: threads[r.index].queueHead) else { return nil }
        dequeue(s, from: .thread(r))
        return s
    }

    mutating func popGateWaiter(_ g: GateID) -> ThreadID? {
        guard case .thread(let t)? = Sender(encoded: gates[g.index].waitHead) else { return nil }
        dequeue(.thread(t), from: .gate(g))
        return t
    }
}

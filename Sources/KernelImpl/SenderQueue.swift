/// Sender queues (kernel-api §6.2, `Prio_list`): intrusive doubly linked
/// lists ordered by priority, FIFO within a priority. Irqs queue with priority
/// 255 (§6.2). A thread's `link` serves both a receiver's sender list and an
/// unbound gate's wait queue, since a thread waits in at most one of them.

/// A queue entry: a thread or an Irq.
enum Sender: Hashable, Sendable {
    case thread(Int)
    case irq(Int)
}

struct SenderQueue: Sendable {
    var head: Sender?
    var tail: Sender?
}

struct QueueLink: Sendable {
    var prev: Sender?
    var next: Sender?
}

/// Who owns a queue: a receiving thread or an unbound gate.
enum QueueOwner: Equatable {
    case thread(Int)
    case gate(Int)
}

extension Kernel {
    func queue(_ q: QueueOwner) -> SenderQueue {
        switch q {
        case .thread(let t): threads[t].senders
        case .gate(let g): gates[g].waiters
        }
    }

    mutating func setQueue(_ q: QueueOwner, _ v: SenderQueue) {
        switch q {
        case .thread(let t): threads[t].senders = v
        case .gate(let g): gates[g].waiters = v
        }
    }

    func link(_ s: Sender) -> QueueLink {
        switch s {
        case .thread(let t): threads[t].link
        case .irq(let i): irqs[i].link
        }
    }

    mutating func setLink(_ s: Sender, _ v: QueueLink) {
        switch s {
        case .thread(let t): threads[t].link = v
        case .irq(let i): irqs[i].link = v
        }
    }

    /// Queue priority: the thread's priority; Irqs queue at 255 (§6.2).
    func queuePriority(_ s: Sender) -> Int {
        switch s {
        case .thread(let t): threads[t].prio
        case .irq: 255
        }
    }

    /// Inserts `s` behind every entry of equal or higher priority.
    mutating func enqueue(_ s: Sender, in q: QueueOwner) {
        let p = queuePriority(s)
        var list = queue(q)
        var after = list.tail
        let lifo = injected(.senderQueueLifo)   // seeded fault: also in front of equal priorities
        while let a = after, queuePriority(a) < p || (lifo && queuePriority(a) == p) { after = link(a).prev }
        let before = after.map { link($0).next } ?? list.head
        setLink(s, QueueLink(prev: after, next: before))
        if let a = after { var l = link(a); l.next = s; setLink(a, l) } else { list.head = s }
        if let b = before { var l = link(b); l.prev = s; setLink(b, l) } else { list.tail = s }
        setQueue(q, list)
    }

    /// Unlinks `s`, which must be in `q` (O(1): the links are intrusive).
    mutating func dequeue(_ s: Sender, from q: QueueOwner) {
        var list = queue(q)
        let l = link(s)
        if let p = l.prev { var pl = link(p); pl.next = l.next; setLink(p, pl) } else { list.head = l.next }
        if let n = l.next { var nl = link(n); nl.prev = l.prev; setLink(n, nl) } else { list.tail = l.prev }
        setLink(s, QueueLink())
        setQueue(q, list)
    }

    /// Removes and returns the head of `q`.
    mutating func popHead(_ q: QueueOwner) -> Sender? {
        guard let s = queue(q).head else { return nil }
        dequeue(s, from: q)
        return s
    }

    /// The members of `q` in order (bounded by the table sizes).
    func members(of q: QueueOwner) -> [Sender] {
        var out: [Sender] = []
        var cur = queue(q).head
        while let c = cur, out.count <= threads.count + irqs.count {
            out.append(c)
            cur = link(c).next
        }
        return out
    }

    /// Whether `s` waits in the sender list of thread `r` (O(1) from its state).
    func isQueued(_ s: Sender, at r: Int) -> Bool {
        switch s {
        case .thread(let t): threads[t].state == .sending(to: r)
        case .irq(let i): irqs[i].delivery == .queued && irqs[i].thread == r
        }
    }
}

/// Per-CPU ready queues (kernel-api §9, `Ready_queue_fp`): 256 priority
/// levels, a bitmap of non-empty levels, and per level an intrusive doubly
/// linked list through the TCBs. The running thread is the head of the
/// highest non-empty level. Removal is lazy, as in Fiasco: a thread that
/// blocks stays linked, and `schedule` drops entries that are no longer
/// ready when it meets them at the head.

/// A TCB's link in a ready list.
struct ReadyLink: Sendable {
    var listed = false
    var cpu = 0
    var prio = 0
    var prev: Int?
    var next: Int?
}

struct RunQueue: Sendable {
    /// Bit p set ⇔ level p is non-empty.
    var bitmap: [UInt64] = [0, 0, 0, 0]
    var heads: [Int?] = Array(repeating: nil, count: 256)
    var tails: [Int?] = Array(repeating: nil, count: 256)

    /// The highest non-empty level.
    var highest: Int? {
        for w in stride(from: 3, through: 0, by: -1) where bitmap[w] != 0 {
            return w * 64 + 63 - bitmap[w].leadingZeroBitCount
        }
        return nil
    }

    mutating func mark(_ p: Int, nonEmpty: Bool) {
        if nonEmpty { bitmap[p / 64] |= 1 << UInt64(p % 64) } else { bitmap[p / 64] &= ~(1 << UInt64(p % 64)) }
    }
}

extension Kernel {
    /// kernel-api §9 — every (re)insertion goes to the front of its level except
    /// quantum expiry, which goes to the back. A thread that is not ready or has
    /// no home CPU is not listed.
    mutating func readyEnqueue(_ t: Int, front: Bool) {
        readyUnlink(t)
        guard threads[t].state == .ready, let c = threads[t].cpu, threads[t].header.life != .free else { return }
        let p = threads[t].prio
        var rq = runQueues[c]
        var link = ReadyLink(listed: true, cpu: c, prio: p)
        if front {
            link.next = rq.heads[p]
            if let h = rq.heads[p] { threads[h].readyLink.prev = t } else { rq.tails[p] = t }
            rq.heads[p] = t
        } else {
            link.prev = rq.tails[p]
            if let x = rq.tails[p] { threads[x].readyLink.next = t } else { rq.heads[p] = t }
            rq.tails[p] = t
        }
        rq.mark(p, nonEmpty: true)
        runQueues[c] = rq
        threads[t].readyLink = link
    }

    /// Takes a thread out of the ready list it is linked into (O(1)).
    mutating func readyUnlink(_ t: Int) {
        let link = threads[t].readyLink
        guard link.listed else { return }
        var rq = runQueues[link.cpu]
        if let p = link.prev { threads[p].readyLink.next = link.next } else { rq.heads[link.prio] = link.next }
        if let n = link.next { threads[n].readyLink.prev = link.prev } else { rq.tails[link.prio] = link.prev }
        if rq.heads[link.prio] != nil || !injected(.readyBitmapNotCleared) { rq.mark(link.prio, nonEmpty: rq.heads[link.prio] != nil) }
        runQueues[link.cpu] = rq
        threads[t].readyLink = ReadyLink()
    }

    /// The thread that runs on `cpu`, dropping stale (no longer ready) entries
    /// met at the head of the highest level — the lazy removal.
    mutating func schedule(_ cpu: Int) -> Int? {
        guard runQueues.indices.contains(cpu) else { return nil }
        var steps = 0
        while let p = runQueues[cpu].highest, let h = runQueues[cpu].heads[p], steps <= threads.count {
            if threads[h].state == .ready { return h }
            readyUnlink(h)
            steps += 1
        }
        return nil
    }

    /// The ready threads of `cpu` in scheduling order (stale entries skipped);
    /// the first one is the running thread.
    func readyOrder(_ cpu: Int) -> [Int] {
        var out: [Int] = []
        walkListed(cpu) { t in
            if threads[t].state == .ready { out.append(t) }
            return true
        }
        return out
    }

    /// Every linked entry of `cpu`, stale ones included, highest level first.
    func listedOrder(_ cpu: Int) -> [Int] {
        var out: [Int] = []
        walkListed(cpu) { t in
            out.append(t)
            return true
        }
        return out
    }

    /// The levels of `cpu` whose bitmap bit is set, highest first — the
    /// levels the scheduler looks at (a level with a clear bit is invisible to it).
    func markedLevels(_ cpu: Int, _ body: (Int) -> Bool) {
        guard runQueues.indices.contains(cpu) else { return }
        for w in stride(from: 3, through: 0, by: -1) {
            var bits = runQueues[cpu].bitmap[w]
            while bits != 0 {
                let b = 63 - bits.leadingZeroBitCount
                bits &= ~(UInt64(1) << UInt64(b))
                guard body(w * 64 + b) else { return }
            }
        }
    }

    /// Calls `body` on the linked entries of `cpu` in scheduling order (the
    /// marked levels, highest first, each front to back) until it returns
    /// false; bounded by the thread table.
    func walkListed(_ cpu: Int, _ body: (Int) -> Bool) {
        var n = 0
        markedLevels(cpu) { p in
            var cur = runQueues[cpu].heads[p]
            while let t = cur, n <= threads.count {
                n += 1
                guard body(t) else { return false }
                cur = threads[t].readyLink.next
            }
            return true
        }
    }

    /// kernel-api §9 preemption rule — a woken thread goes to the front of its
    /// level: it runs at once unless the running thread has strictly higher
    /// priority, and the preempted thread stays at the front behind it.
    mutating func wake(_ t: Int) {
        setState(t, .ready)
        threads[t].deadline = nil
        readyEnqueue(t, front: !injected(.wakeAtBack))
    }
}

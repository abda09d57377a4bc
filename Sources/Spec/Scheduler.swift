/// Fixed-priority scheduling per CPU (kernel-api §9, §3.5): the ready list of a
/// CPU is kept in scheduling order, so its head is the running thread and
/// "the highest priority runs" (SCHED-2) holds by construction.
extension KernelState {
    // MARK: - Ready lists

    /// kernel-api §9 — every (re)insertion goes to the front of its priority level,
    /// except quantum expiry, which goes to the back.
    mutating func enqueueReady(_ t: ThreadID, front: Bool) {
        unlistReady(t)
        let rec = threads[t.index]
        guard rec.state == .ready, rec.cpu != noID, rec.life != .free else { return }
        let c = Int(rec.cpu)
        var list = ready[c]
        let n = Int(list.count)
        var pos = 0
        while pos < n {
            let p = threads[Int(list.entries[pos])].prio
            if front ? p <= rec.prio : p < rec.prio { break }
            pos += 1
        }
        var i = n
        while i > pos {
            list.entries[i] = list.entries[i - 1]
            i -= 1
        }
        list.entries[pos] = t.raw
        list.count += 1
        ready[c] = list
    }

    /// Takes a thread off whichever ready list holds it (blocked ⇒ not ready).
    mutating func unlistReady(_ t: ThreadID) {
        for c in 0..<Capacity.cpus {
            var list = ready[c]
            let n = Int(list.count)
            guard let at = (0..<n).first(where: { list.entries[$0] == t.raw }) else { continue }
            for i in at..<(n - 1) { list.entries[i] = list.entries[i + 1] }
            list.entries[n - 1] = noID
            list.count -= 1
            ready[c] = list
        }
    }

    func isListed(_ t: ThreadID) -> Bool {
        for c in 0..<Capacity.cpus {
            let list = ready[c]
            for i in 0..<Int(list.count) where list.entries[i] == t.raw { return true }
        }
        return false
    }

    /// kernel-api §9 preemption rule — a woken thread goes to the front of its
    /// level, so it runs at once unless the running thread has strictly higher
    /// priority; the preempted thread stays at the front of its level behind it.
    mutating func wake(_ t: ThreadID) {
        threads[t.index].state = .ready
        threads[t.index].partner = noID
        threads[t.index].pending = .none
        enqueueReady(t, front: true)
    }

    // MARK: - Timer tick

    /// kernel-api §9 — quantum expiry: the running thread moves behind its peers
    /// (round robin among equal priorities). Every tick ends the quantum.
    mutating func timerTick(_ cpu: CPU) -> Outcome {
        guard let head = current(on: cpu) else { return .idle }
        unlistReady(head)
        enqueueReady(head, front: false)
        return .success
    }

    // MARK: - run_thread (kernel-api §3.5)

    /// `L4::Scheduler::run_thread`: no rights are checked on either capability;
    /// priority must be > 0 and is clamped to 255; the CPU must be present.
    func decodeRunThread(_ thread: SlotIndex?, prio: UInt8, cpu: UInt8, by caller: ThreadID) throws(SyscallError) -> (ThreadID, UInt8, UInt8) {
        let (t, _) = try objectArgument(thread, of: .thread, by: caller)
        guard prio > 0, cpu < config.cpuCount else { throw .l4(.einval) }
        return (ThreadID(Int(t)), prio, cpu)
    }

    /// Sets priority and home CPU; a ready target is re-inserted at the front of
    /// its (new) level on its (new) CPU, and the caller reschedules.
    mutating func performRunThread(_ t: ThreadID, prio: UInt8, cpu: UInt8) {
        threads[t.index].prio = prio
        threads[t.index].cpu = cpu
        enqueueReady(t, front: true)
    }
}

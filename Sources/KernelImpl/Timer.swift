/// The per-CPU timer (kernel-api §9 time slices, §1 timeouts): each tick
/// advances the kernel clock, ends the running thread's time slice (round
/// robin among equal priorities) and fires expired IPC timeouts of the
/// threads homed on that CPU.
extension Kernel {
    /// Quantum expiry: the running thread moves behind its peers
    /// (`Ready_queue_fp::requeue`).
    mutating func timeSliceExpired(_ t: Int) {
        readyUnlink(t)
        readyEnqueue(t, front: false)
    }

    /// Wakes every thread of `cpu` whose wait deadline has passed: a sender
    /// (or a gate waiter) gets SETIMEOUT, a receiver RETIMEOUT (§6.2, §6.3).
    mutating func expireTimeouts(on cpu: Int) {
        for t in threads.indices {
            guard let d = threads[t].deadline, d <= clock, threads[t].cpu == cpu else { continue }
            switch threads[t].state {
            case .sending(let r):
                dequeue(.thread(t), from: .thread(r))
                complete(t, .ipcError(.setimeout))
            case .onGate(let g):
                dequeue(.thread(t), from: .gate(g))
                complete(t, .ipcError(.setimeout))
            case .receiving:
                endReceive(t)
                complete(t, .ipcError(.retimeout))
            case .dead, .ready:
                threads[t].deadline = nil
            }
        }
    }
}

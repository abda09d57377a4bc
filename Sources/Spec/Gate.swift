/// IPC gates (kernel-api §3.3): forwarding with an unforgeable label, blocking
/// while unbound, and `bind_thread`.
extension KernelState {
    // MARK: - Forwarding

    /// kernel-api §3.3 — IPC through a gate goes to the bound thread with label
    /// `gate label | W/S of the invoking cap`. An unbound gate blocks the invoker
    /// with its send timeout (also a receive-only invocation); a gate bound to a
    /// dead thread fails with ENOT_EXISTENT.
    mutating func invokeGate(_ t: ThreadID, _ g: GateID, rights: CapRights, sendTimeout: Timeout) -> Outcome {
        let bound = gates[g.index].thread
        guard bound != noID else {
            guard sendTimeout == .never else { return .ipc(.setimeout) }
            enqueue(.thread(t), in: .gate(g))
            threads[t.index].state = .onGate
            threads[t.index].partner = g.raw
            unlistReady(t)
            return .blocked
        }
        let r = ThreadID(Int(bound))
        guard canReceive(r) else { return .ipc(.enotExistent) }
        if threads[t.index].pending == .receive {
            return receivePhase(t, from: r.raw, timeout: sendTimeout, buffer: ReceiveBuffer(encoded: threads[t.index].rcvBuf))
        }
        threads[t.index].sendLabel = gates[g.index].label | UInt16(rights.invocationBits.rawValue)
        threads[t.index].sendRights = rights.invocationBits.rawValue
        return sendPhase(t, to: r, timeout: sendTimeout)
    }

    // MARK: - bind_thread (kernel-api §3.3, op 0x10)

    /// Checks in the kernel's order: S on the gate (`-EPERM`), label low bits
    /// (`-EINVAL`), the thread item (`-EINVAL`), S on the thread (`-EPERM`).
    func decodeBindGate(rights: CapRights, thread: SlotIndex?, label: UInt16, by caller: ThreadID) throws(SyscallError) -> ThreadID {
        guard rights.contains(.s) else { throw .l4(.eperm) }
        guard label & 0x3 == 0 else { throw .l4(.einval) }
        let (t, tr) = try objectArgument(thread, of: .thread, by: caller)
        guard tr.contains(.s) else { throw .l4(.eperm) }
        return ThreadID(Int(t))
    }

    /// (Re)binds and wakes every sender blocked on the unbound gate; each re-runs
    /// its whole IPC against the new thread with its original timeouts.
    mutating func bindGate(_ g: GateID, to t: ThreadID, label: UInt16) {
        let old = gates[g.index].thread
        gates[g.index].thread = t.raw
        gates[g.index].label = label
        if old != noID && old != t.raw { freeThreadIfUnreferenced(ThreadID(Int(old))) }
        while let w = popGateWaiter(g) {
            threads[w.index].state = .ready
            threads[w.index].partner = noID
            let o = invokeGate(w, g, rights: CapRights(rawValue: threads[w.index].sendRights), sendTimeout: .never)
            settle(w, o)
        }
    }
}

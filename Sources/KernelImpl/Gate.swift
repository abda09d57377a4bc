/// IPC gates (kernel-api §3.3): forwarding with an unforgeable label, blocking
/// while unbound, and the KOBJECT protocol of the server view.
extension Kernel {
    // MARK: - Forwarding (`Ipc_gate::invoke`)

    /// IPC through gate `g` by `t`, already staged. The label delivered is
    /// `gate label | W/S of the invoking cap`. An unbound gate blocks the
    /// invoker with its send timeout (also for a receive-only invocation); a
    /// gate bound to a dead thread fails with ENOT_EXISTENT (`check_sender`).
    mutating func gateIpc(_ t: Int, gate g: Int) -> KernelOutcome {
        let (send, receive) = timeoutPair(t)
        guard let r = gates[g].thread else {
            let d = deadline(t, send)
            guard d != .expired else { return .ipcError(.setimeout) }
            enqueue(.thread(t), in: .gate(g))
            block(t, .onGate(g), until: d)
            return .blocked
        }
        guard canReceive(r) else { return .ipcError(.enotExistent) }
        if threads[t].ipc.op == .receive {
            // A receive-only invocation is a closed wait on the bound thread.
            return receivePhase(t, from: .thread(r), timeout: receive)
        }
        if !injected(.gateLabelNotDelivered) { threads[t].ipc.sendLabel = gates[g].label | UInt64(threads[t].ipc.rights) }
        return sendPhase(t, to: r, timeout: send)
    }

    // MARK: - Kernel protocol (`Ipc_gate_ctl::kinvoke`, KOBJECT label, server view)

    mutating func gateRpc(_ t: Int, gate g: Int, rights: UInt8) -> RpcResult {
        let req = request(t)
        guard req.words > 0 else { return .fail(.einval) }
        switch req.mr(0) {
        case 0x10:
            do { return .done(try bindThread(t, gate: g, rights: rights, req)) } catch { return error.result }
        case 0x11: return .done(RpcReply(words: [gates[g].label]))
        case 0: return decRefcnt(ObjectID(.gate, g), req)
        default: return .fail(.enosys)
        }
    }

    /// `bind_thread` (op 0x10), checks in the kernel's order: S on the gate,
    /// word count, label low bits, the thread item, S on the thread.
    private mutating func bindThread(_ t: Int, gate g: Int, rights: UInt8, _ req: Request) throws(RpcError) -> RpcReply {
        guard rights & Rights.s != 0 else { throw .l4(.eperm) }
        guard req.words >= 2 else { throw .l4(.emsgtooshort) }
        let label = req.mr(1)
        guard label & 0x3 == 0 else { throw .l4(.einval) }
        let (thread, threadRights) = try objectArgument(t, req, kind: .thread)
        guard threadRights & Rights.s != 0 else { throw .l4(.eperm) }
        bindGate(g, to: thread.index, label: label)
        return RpcReply()
    }

    /// `dec_refcnt` (op 0): lowers the counter without deleting, even at 0 (§5.2).
    private mutating func decRefcnt(_ id: ObjectID, _ req: Request) -> RpcResult {
        guard req.words >= 2 else { return .fail(.einval) }
        let diff = req.mr(1), counted = self[header: id].counted
        self[header: id].counted = UInt64(counted) > diff ? counted - Int(diff) : 0
        return .done(RpcReply(words: [UInt64(self[header: id].counted)]))
    }

    /// (Re)binds and wakes every sender blocked on the unbound gate; each
    /// re-runs its whole IPC against the new thread with its original timeout
    /// pair (§3.3, `Ipc_gate::block`).
    mutating func bindGate(_ g: Int, to t: Int, label: UInt64) {
        let old = gates[g].thread
        gates[g].thread = t
        gates[g].label = label
        if old != t {
            threads[t].pins += 1
            if let old { unpinThread(old) }
        }
        while case .thread(let w)? = popHead(.gate(g)) {
            setState(w, .ready)
            threads[w].deadline = nil
            settle(w, gateIpc(w, gate: g))
        }
    }
}

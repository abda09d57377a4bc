/// Page faults (kernel-api §6.6, `handle_page_fault_pager`): the kernel makes
/// a call to the thread's pager (label -2, MR0 = fault address | access bits,
/// MR1 = IP, never timeouts, receive window "all spaces") in a register
/// frame of its own, borrowing MR0/MR1/BDR/BR0/BR1 of the UTCB and restoring
/// them afterwards. An empty pager slot kills the thread.
extension Kernel {
    /// amd64 fault-address word: bit 1 = write access (`PF::addr_to_msgword0`).
    public static let pageFaultWriteBit: UInt64 = 0x2

    /// The current thread touches `address`. A present mapping with the needed
    /// right is a plain access; otherwise the fault IPC starts.
    mutating func memoryAccess(_ t: Int, address: UInt64, write: Bool) -> KernelOutcome {
        if let k = threads[t].task, let n = mdb.node(task: k, page: address >> 12),
           mdb.nodes[n].rights & (write ? Rights.memW : Rights.memR) != 0 {
            return .success
        }
        guard threads[t].pager != Tcb.noHandler, let pager = resolve(t, index: threads[t].pager),
              pager.object.kind == .thread || pager.object.kind == .gate else {
            halt(t)
            return .killed
        }
        beginFault(t, address: address, write: write, rights: pager.rights)
        let o = pager.object.kind == .gate
            ? gateIpc(t, gate: pager.object.index)
            : sendPhase(t, to: pager.object.index, timeout: L4Timeout(raw: 0))
        // A send-phase ENOT_EXISTENT leaves the fault unresolved (§6.6).
        if o == .ipcError(.enotExistent) {
            endFault(t)
            blockOnSelf(t)
            return .blocked
        }
        return o
    }

    private mutating func beginFault(_ t: Int, address: UInt64, write: Bool, rights: UInt8) {
        let u = threads[t].utcb
        threads[t].fault = FaultState(address: address, write: write, savedMr: (u[mr: 0], u[mr: 1]),
                                      savedBdr: u.bdr, savedBr: (u[br: 0], u[br: 1]))
        threads[t].utcb.bdr = 1 << 24                                    // L4_buf_desc(0, 0, 0, Inherit_fpu)
        threads[t].utcb[br: 0] = SendItem.map
        threads[t].utcb[br: 1] = Fpage.allSpaces.raw
        threads[t].utcb[mr: 0] = (address & ~0x7) | (write ? Kernel.pageFaultWriteBit : 0)
        threads[t].utcb[mr: 1] = threads[t].ip
        let tag = MsgTag(label: Proto.pageFault, words: 2).raw
        threads[t].faultFrame = Registers(destination: Abi.selector(Int(truncatingIfNeeded: threads[t].pager)) | Abi.send | Abi.recv, tag: tag)
        threads[t].ipc = PendingIpc(op: .pageFault, inputTag: tag, sendTag: tag, sendLabel: 0,
                                    rights: rights & (Rights.w | Rights.s), timeouts: 0)
    }

    /// Restores the borrowed UTCB words (`Pf_msg_utcb_saver::restore`).
    private mutating func endFault(_ t: Int) {
        guard let f = threads[t].fault else { return }
        threads[t].utcb[mr: 0] = f.savedMr.0
        threads[t].utcb[mr: 1] = f.savedMr.1
        threads[t].utcb.bdr = f.savedBdr
        threads[t].utcb[br: 0] = f.savedBr.0
        threads[t].utcb[br: 1] = f.savedBr.1
        threads[t].fault = nil
    }

    /// The fault IPC ended with `o`. A send-phase ENOT_EXISTENT (not while
    /// being canceled — a cancel ends the IPC first) or a pager reply of
    /// MR0 = ~0 leaves the fault unresolved; any other end counts as handled
    /// and the access is retried when the thread next runs.
    mutating func completeFault(_ t: Int, _ o: KernelOutcome) {
        let fault = threads[t].fault
        let rejected = o == .success && threads[t].utcb[mr: 0] == UInt64.max
        deliverResult(t, o)
        endFault(t)
        threads[t].lastOutcome = o
        threads[t].ipc = PendingIpc()
        wake(t)
        guard let fault else { return }
        if o == .ipcError(.enotExistent) || rejected {
            blockOnSelf(t)
        } else {
            threads[t].retry = RetryAccess(address: fault.address, write: fault.write)
        }
    }

    /// An unresolved fault would raise an exception IPC, which is not
    /// implemented; without a handler the kernel blocks the thread on itself
    /// (§6.6): only ex_regs cancel or deletion end that wait.
    private mutating func blockOnSelf(_ t: Int) {
        threads[t].ipc = PendingIpc(op: .pageFault)
        block(t, .receiving(from: .thread(t)), until: .never)
    }

    /// Re-runs the access of a handled fault when the thread next runs.
    mutating func retryFault(_ t: Int) -> KernelOutcome {
        guard let r = threads[t].retry else { return .faultRetried }
        threads[t].retry = nil
        let o = memoryAccess(t, address: r.address, write: r.write)
        if o != .blocked {
            threads[t].ipc = PendingIpc()
            if threads[t].state != .dead { threads[t].lastOutcome = o }
        }
        return .faultRetried
    }
}

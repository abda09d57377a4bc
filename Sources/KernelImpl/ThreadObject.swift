/// Thread operations (kernel-api §3.2, `L4_PROTO_THREAD`): control and
/// ex_regs. The opcode is the low 16 bits of MR0.
extension Kernel {
    /// `Ctl_set_pager`, `Ctl_bind_task`, `Ctl_alien_thread`, `Ctl_set_exc_handler`.
    public enum ThreadControl {
        public static let setPager: UInt64 = 0x1_0000
        public static let bindTask: UInt64 = 0x20_0000
        public static let alienThread: UInt64 = 0x40_0000
        public static let setExceptionHandler: UInt64 = 0x100_0000
    }

    /// `L4_THREAD_EX_REGS_CANCEL`, `..._TRIGGER_EXCEPTION`, amd64 arch bits 24–31.
    public enum ExRegs {
        public static let cancel: UInt64 = 0x1_0000
        public static let triggerException: UInt64 = 0x2_0000
        public static let archMask: UInt64 = 0xFF00_0000
    }

    mutating func threadRpc(_ t: Int, thread x: Int, rights: UInt8) -> RpcResult {
        let req = request(t)
        guard req.words > 0 else { return .fail(.emsgtooshort) }
        switch req.mr(0) & 0xFFFF {
        case 0:
            do { return .done(try control(t, thread: x, rights: rights, req)) } catch { return error.result }
        case 1:
            do { return .done(try exRegs(thread: x, req)) } catch { return error.result }
        default:
            // switch, stats_time, vCPU, del-IRQ, modify_senders: not implemented (§13 "later").
            return .fail(.enosys)
        }
    }

    // MARK: - control (op 0)

    /// S on the thread (`-EPERM`, checked before the word count), ≥ 6 words
    /// (`-EINVAL`); binding needs a task item with S and is one-shot. Pager and
    /// exception handler are stored as indices (selector >> 12), resolved at
    /// fault time; the old ones are returned as index << 12 in MR1/MR2.
    private mutating func control(_ t: Int, thread x: Int, rights: UInt8, _ req: Request) throws(RpcError) -> RpcReply {
        guard rights & Rights.s != 0 else { throw .l4(.eperm) }
        guard req.words >= 6 else { throw .l4(.einval) }
        let flags = req.mr(0)
        // Alien threads (every syscall an exception IPC) are not implemented.
        guard flags & ThreadControl.alienThread == 0 else { throw .l4(.enosys) }
        var bind: Int?
        if flags & ThreadControl.bindTask != 0 {
            let (task, taskRights) = try objectArgument(t, req, kind: .task)
            guard taskRights & Rights.s != 0 else { throw .l4(.eperm) }
            guard threads[x].task == nil else { throw .l4(.einval) }
            bind = task.index
        }
        let old = [UInt64(0), threads[x].pager << Abi.capShift, threads[x].excHandler << Abi.capShift]
        if flags & ThreadControl.setPager != 0 { threads[x].pager = req.mr(1) >> Abi.capShift }
        if flags & ThreadControl.setExceptionHandler != 0 { threads[x].excHandler = req.mr(2) >> Abi.capShift }
        if let k = bind {
            threads[x].task = k
            tasks[k].boundThreads += 1
        }
        return RpcReply(words: old)
    }

    // MARK: - ex_regs (op 1)

    /// Exactly 3 words; any amd64 arch flag → `-EINVAL` before anything else.
    /// No right is checked. A dead thread is resurrected (CANCEL ignored);
    /// otherwise CANCEL aborts its IPC (SECANCELED/RECANCELED). IP/SP are set
    /// unless ~0; the old flags, IP and SP come back in MR0–MR2.
    private mutating func exRegs(thread x: Int, _ req: Request) throws(RpcError) -> RpcReply {
        guard req.words == 3 else { throw .l4(.einval) }
        let flags = req.mr(0)
        guard flags & ExRegs.archMask == 0 else { throw .l4(.einval) }
        // Exception IPC is not implemented (§13 row 49, "later").
        guard flags & ExRegs.triggerException == 0 else { throw .l4(.enosys) }
        let old = [UInt64(0), threads[x].ip, threads[x].sp]
        guard threads[x].header.life == .live, !threads[x].dying else { return RpcReply(words: old) }
        if req.mr(1) != UInt64.max { threads[x].ip = req.mr(1) }
        if req.mr(2) != UInt64.max { threads[x].sp = req.mr(2) }
        if threads[x].state == .dead {
            threads[x].ipc = PendingIpc()
            wake(x)
        } else if flags & ExRegs.cancel != 0, let o = cancelIpc(x) {
            complete(x, o)
        }
        return RpcReply(words: old)
    }
}

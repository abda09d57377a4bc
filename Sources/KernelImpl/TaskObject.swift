/// Task operations (kernel-api §3.1, `L4_PROTO_TASK`): map, unmap, cap_info.
/// `Task::invoke` ignores the SEND flag; a foreign label gets `-EBADPROTO`
/// even without a receive phase (§1).
extension Kernel {
    enum TaskOp: UInt64 { case map = 0, unmap = 1, capInfo = 2, addKuMem = 3 }

    mutating func taskRpc(_ t: Int, task k: Int, rights: UInt8) -> RpcResult {
        let req = request(t)
        guard req.label == Proto.task else { return .badProtocolAlways }
        guard req.words > 0 else { return .fail(.emsgtooshort) }
        switch TaskOp(rawValue: req.mr(0)) {
        case .map?:
            do { return .done(try map(t, into: k, rights: rights, req)) } catch { return error.result }
        case .unmap?:
            return unmap(t, in: k, req)
        case .capInfo?:
            return capInfo(in: k, req)
        case .addKuMem?, nil:
            // Kernel-user memory is not modelled (kernel-api §13 row 21, "later").
            return .fail(.enosys)
        }
    }

    // MARK: - map (op 0)

    /// `l4_task_map(dst, src, fpage, snd_base)`: invoked on the destination
    /// (W, else `-EPERM`); MR1 = send item control word, MR2 = flexpage, typed
    /// item = source task. Receive window = the whole destination space; S of
    /// object caps survives only if both task caps carry S (§4.5).
    private mutating func map(_ t: Int, into k: Int, rights: UInt8, _ req: Request) throws(RpcError) -> RpcReply {
        guard rights & Rights.w != 0 || injected(.mapWithoutWriteRight) else { throw .l4(.eperm) }
        guard req.words >= 3 else { throw .l4(.einval) }
        let (src, srcRights) = try objectArgument(t, req, kind: .task)
        guard tasks[k].header.life == .live, tasks[src.index].header.life == .live else { throw .l4(.einval) }
        var fp = Fpage(raw: req.mr(2))
        if fp.kind == .object && rights & srcRights & Rights.s == 0 { fp = Fpage(raw: fp.raw & ~UInt64(Rights.s)) }
        guard fp.kind != .special else { return RpcReply() }
        if mapFlexpage(from: src.index, fp, to: k, window: .allSpaces, control: req.mr(1)) == .failed {
            throw .ipc(.semapfailed)
        }
        return RpcReply()
    }

    // MARK: - unmap (op 1)

    /// `l4_task_unmap`: MR1 = mask, MR2.. = flexpages. Each flexpage word is
    /// written back with its low 4 bits replaced by the (here always empty)
    /// referenced/dirty flags — into the UTCB even without a receive phase.
    private mutating func unmap(_ t: Int, in k: Int, _ req: Request) -> RpcResult {
        guard tasks[k].header.life == .live else { return .ipc(.enotExistent) }
        guard req.words >= 2 else { return .fail(.einval) }
        let mask = req.mr(1)
        for i in 2..<min(req.words, Utcb.messageRegisters) {
            let fp = Fpage(raw: req.mr(i))
            unmapFlexpage(in: k, fp, mask: mask)
            threads[t].utcb[mr: i] = fp.raw & ~0xF
        }
        return .done(RpcReply(words: (0..<req.words).map { threads[t].utcb[mr: $0] }))
    }

    /// kernel-api §5.1, §5.2 — memory: R in the rights removes the mappings of
    /// descendants (and the own one with ALL_SPACES), W/X only downgrade;
    /// objects change only with ALL_SPACES: R releases the slot (destroying the
    /// object with DELETE_OBJ and D), W/S/D alone strip those rights.
    mutating func unmapFlexpage(in k: Int, _ fp: Fpage, mask: UInt64) {
        let all = mask & UnmapMask.allSpaces != 0
        let rights = UInt8(truncatingIfNeeded: fp.rights)
        if fp.kind == .memory || fp.isAllSpaces {
            for p in unitRange(fp, bound: config.pages) {
                guard let n = mdb.node(task: k, page: p) else { continue }
                if rights & Rights.memR != 0 {
                    mdb.revoke(n, includingSelf: all)
                } else {
                    mdb.downgrade(n, removing: rights & (Rights.memW | Rights.memX), includingSelf: all)
                }
            }
        }
        guard (fp.kind == .object || fp.isAllSpaces) && all else { return }
        let delete = mask & UnmapMask.deleteObject == UnmapMask.deleteObject
        for s in unitRange(fp, bound: config.capSlots) {
            guard let n = slotNumber(k, s), caps[n].object != nil else { continue }
            if rights & Rights.r != 0 {
                removeCap(n, delete: delete)
            } else {
                caps[n].rights &= ~(rights & (Rights.w | Rights.s | Rights.d))
            }
        }
    }

    /// The units a flexpage covers, clipped to the space bound (base truncated
    /// to the order alignment, §4.1).
    func unitRange(_ fp: Fpage, bound: Int) -> Range<UInt64> {
        let b = UInt64(bound)
        if fp.isAllSpaces { return 0..<b }
        guard let order = fp.unitOrder else { return 0..<0 }
        guard order < 63 else { return 0..<b }
        let size = UInt64(1) << UInt64(order)
        let base = fp.unitBase & ~(size - 1)
        guard base < b else { return 0..<0 }
        let end = size >= b - base ? b : base + size
        // Seeded fault: a closed range for object spaces, one slot past the end.
        if fp.kind == .object && injected(.slotRangeOffByOne) { return base..<min(end + 1, b) }
        return base..<end
    }

    // MARK: - cap_info (op 2)

    /// 2 words: `cap_valid`; 3 words: `cap_equal` (`Task::sys_cap_valid`,
    /// `sys_caps_equal`, kernel-api §2); other counts `-EINVAL`.
    private func capInfo(in k: Int, _ req: Request) -> RpcResult {
        switch req.words {
        case 2: return .done(RpcReply(label: capValid(in: k, req.mr(1)), value: true))
        case 3: return .done(RpcReply(label: capEqual(in: k, req.mr(1), req.mr(2)), value: true))
        default: return .fail(.einval)
        }
    }

    static func isSpecial(_ selector: UInt64) -> Bool { selector & (Abi.replyCapBit | Abi.invalidCapBit) != 0 }

    /// 1 if the slot holds a capability; special selectors report 0.
    func capValid(in k: Int, _ sel: UInt64) -> Int64 {
        guard !Kernel.isSpecial(sel) else { return 0 }
        return cap(k, sel >> Abi.capShift) == nil ? 0 : 1
    }

    /// Identical selectors → 1; a special one → compare bits 10 and up; two
    /// empty slots → 1; else same object, same W/S and same interface view.
    func capEqual(in k: Int, _ a: UInt64, _ b: UInt64) -> Int64 {
        if a == b { return 1 }
        if Kernel.isSpecial(a) || Kernel.isSpecial(b) { return a >> 10 == b >> 10 ? 1 : 0 }
        let x = cap(k, a >> Abi.capShift), y = cap(k, b >> Abi.capShift)
        guard let x, let y else { return x == nil && y == nil ? 1 : 0 }
        let ws = Rights.w | Rights.s
        return x.object == y.object && x.rights & ws == y.rights & ws && x.server == y.server ? 1 : 0
    }
}

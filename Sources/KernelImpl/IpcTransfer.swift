/// The message transfer of a rendezvous (kernel-api §6.2 step 4, §4.2–§4.3):
/// untyped words, the tag and label, and the typed items matched against the
/// receiver's buffer registers.

/// One receive buffer found by a buffer iterator (kernel-api §4.3).
struct ReceiveBuffer {
    var window: Fpage
    /// Buffer registers the item occupies (1 single cap, 2 window, +1 forward task).
    var width: Int
    /// Task the mappings go to (the receiver's, or a forward-mappings task).
    var task: Int?
    var localId: Bool
}

extension Kernel {
    /// Copies the staged message of `s` into the UTCB of `r`. Returns the
    /// send-phase error on failure (MSGCUT, MAPFAILED); the words are copied
    /// and items before the failing one stay mapped either way.
    mutating func transfer(from s: Int, to r: Int) -> IpcErrorCode? {
        let ipc = threads[s].ipc
        let tag = MsgTag(raw: ipc.sendTag)
        let words = injected(.lastWordDropped) ? max(0, tag.words - 1) : tag.words
        for i in 0..<min(words, Utcb.messageRegisters) { threads[r].utcb[mr: i] = threads[s].utcb[mr: i] }
        let error = tag.items > 0 ? transferItems(from: s, to: r, tag: tag, rights: ipc.rights) : nil
        let delivered = (tag.raw & ~MsgTag.error) | (error != nil ? MsgTag.error : 0)
        setReceived(r, tag: delivered, label: ipc.sendLabel)
        return error
    }

    /// Writes a received tag and label into the frame of the receiving IPC.
    mutating func setReceived(_ r: Int, tag: UInt64, label: UInt64) {
        if threads[r].ipc.op == .pageFault {
            threads[r].faultFrame.tag = tag
            threads[r].faultFrame.label = label
        } else {
            threads[r].regs.tag = tag
            threads[r].regs.label = label
        }
    }

    /// kernel-api §4.3 — items in order, three buffer iterators (memory, I/O,
    /// object) from the BDR; a compound item does not advance its iterator.
    mutating func transferItems(from s: Int, to r: Int, tag: MsgTag, rights: UInt8) -> IpcErrorCode? {
        let bdr = threads[r].utcb.bdr
        var cursors = [BufferDescriptor.start(bdr, .memory), BufferDescriptor.start(bdr, .io), BufferDescriptor.start(bdr, .object)]
        var pos = tag.words
        for _ in 0..<tag.items {
            guard pos + 1 < Utcb.messageRegisters else { return .semsgcut }         // (v) items past MR62
            let w0 = threads[s].utcb[mr: pos], w1 = threads[s].utcb[mr: pos + 1]
            defer { pos += 2 }
            if w0 == 0 {                                                           // a void item is skipped
                threads[r].utcb[mr: pos] = 0
                continue
            }
            var fp = Fpage(raw: w1)
            guard w0 & SendItem.map != 0, fp.kind != .special else { return .semsgcut }   // (iii), (iv)
            let which = fp.kind == .memory ? 0 : (fp.kind == .io ? 1 : 2)
            guard let buffer = receiveBuffer(r, at: cursors[which]) else { return .semsgcut }   // (i), (ii), (vi)
            guard let dst = buffer.task, tasks[dst].header.life == .live else { return .semsgcut }  // (vii)
            threads[r].utcb[mr: pos] = (w0 & ~0x0FF6) | (w1 & 0x0FF0)
            // §4.5: S of a sent cap is masked by the S of the capability addressing the receiver.
            if fp.kind == .object && rights & Rights.s == 0 && !injected(.sendRightNotMasked) { fp = Fpage(raw: fp.raw & ~UInt64(Rights.s)) }
            if !(buffer.localId && transferLocalId(from: s, to: r, fp, at: pos)) {
                switch mapFlexpage(from: threads[s].task, fp, to: dst, window: buffer.window, control: w0) {
                case .mapped: break
                case .nothingMapped: threads[r].utcb[mr: pos] |= SendItem.resultNothingMapped
                case .failed: return .semapfailed
                }
            }
            if w0 & SendItem.cont == 0 { cursors[which] += buffer.width }
        }
        return nil
    }

    /// The receive buffer at BR index `i` of thread `r`, nil when it is void,
    /// lacks the map bit, lies past BR57, or names a bad forward task (§4.3).
    func receiveBuffer(_ r: Int, at i: Int) -> ReceiveBuffer? {
        let u = threads[r].utcb
        guard i >= 0, i < Utcb.bufferRegisters else { return nil }
        let b0 = u[br: i]
        guard b0 != 0, b0 & SendItem.map != 0 else { return nil }
        var buffer: ReceiveBuffer
        if b0 & RcvItem.singleCap != 0 {
            buffer = ReceiveBuffer(window: .object(index: Int(truncatingIfNeeded: b0 >> 12), rights: UInt64(Rights.all)), width: 1,
                                   task: threads[r].task, localId: b0 & RcvItem.localId != 0)
        } else {
            guard i + 1 < Utcb.bufferRegisters else { return nil }
            buffer = ReceiveBuffer(window: Fpage(raw: u[br: i + 1]), width: 2, task: threads[r].task, localId: false)
        }
        guard b0 & RcvItem.forwardMappings != 0 else { return buffer }
        // (vi): the forward task must be a task cap with W in the receiver's space.
        guard i + buffer.width < Utcb.bufferRegisters, let k = threads[r].task,
              let c = cap(k, u[br: i + buffer.width] >> Abi.capShift), let o = c.object,
              o.kind == .task, c.rights & Rights.w != 0 else { return nil }
        buffer.task = o.index
        buffer.width += 1
        return buffer
    }

    /// `L4_RCV_ITEM_LOCAL_ID` (§4.3, `try_transfer_local_id`): within one task
    /// the masked fpage comes back (type 6); a gate bound to a thread of the
    /// receiver's task comes back as label | W/S (type 4); else a real map.
    mutating func transferLocalId(from s: Int, to r: Int, _ fp: Fpage, at pos: Int) -> Bool {
        guard fp.kind == .object, let st = threads[s].task, let rt = threads[r].task else { return false }
        if st == rt {
            threads[r].utcb[mr: pos] |= SendItem.resultFlexpage
            threads[r].utcb[mr: pos + 1] = fp.raw
            return true
        }
        guard let c = cap(st, fp.unitBase), let o = c.object, o.kind == .gate,
              let bound = gates[o.index].thread, threads[bound].task == rt else { return false }
        threads[r].utcb[mr: pos] |= SendItem.resultLocalId
        threads[r].utcb[mr: pos + 1] = gates[o.index].label | (UInt64(c.rights) & fp.rights & UInt64(Rights.w | Rights.s))
        return true
    }
}

/// The kernel-object RPC convention (kernel-api §3 intro, §1 step 5): the
/// protocol in the tag label, the opcode in MR0, arguments in further MRs,
/// object arguments as typed items that are only looked up, and the result
/// written back "as if the object had replied" when there is a receive phase.

/// A request as the kernel reads it from the caller's registers and UTCB.
struct Request {
    let tag: MsgTag
    let utcb: Utcb
    let flags: UInt64
    var words: Int { tag.words }
    var items: Int { tag.items }
    var label: Int64 { tag.label }
    var hasReceive: Bool { flags & Abi.recv != 0 }
    func mr(_ i: Int) -> UInt64 { utcb[mr: i] }
}

/// A successful RPC reply: label, result words from MR0, an optional return
/// item word after them; `value` marks operations whose label is their result.
struct RpcReply {
    var label: Int64 = 0
    var words: [UInt64] = []
    var returnItem: UInt64?
    var value = false
}

enum RpcResult {
    case done(RpcReply)
    /// A `-L4_Exxx` result; dropped without a receive phase (§1).
    case fail(L4Err)
    /// `-EBADPROTO` from a task: written even without a receive phase (§1).
    case badProtocolAlways
    /// An IPC error (e.g. SEMSGCUT for a non-object argument): always written.
    case ipc(IpcErrorCode)
    /// A no-reply operation (Irq trigger/unmask): a receive phase may follow.
    case noReply
}

enum RpcError: Error {
    case l4(L4Err)
    case ipc(IpcErrorCode)

    var result: RpcResult {
        switch self {
        case .l4(let e): .fail(e)
        case .ipc(let e): .ipc(e)
        }
    }
}

extension Kernel {
    func request(_ t: Int) -> Request {
        Request(tag: MsgTag(raw: threads[t].regs.tag), utcb: threads[t].utcb, flags: threads[t].regs.destination & Abi.flagMask)
    }

    /// `Ko::deref` (kernel-api §3 intro): typed item `k` must be a non-void
    /// object flexpage naming an object of `kind` in the caller's space.
    /// Missing/void item, empty slot or wrong type → `-EINVAL`; a non-object
    /// flexpage → SEMSGCUT. Returns the object and the slot's rights.
    func objectArgument(_ t: Int, _ req: Request, kind: ObjectKind, item k: Int = 0) throws(RpcError) -> (ObjectID, UInt8) {
        let pos = req.words + 2 * k
        guard req.items > k, pos + 1 < Utcb.messageRegisters, req.mr(pos) != 0 else { throw .l4(.einval) }
        let fp = Fpage(raw: req.mr(pos + 1))
        guard fp.kind == .object else { throw .ipc(.semsgcut) }
        guard let task = threads[t].task, tasks[task].header.life == .live else { throw .l4(.einval) }
        guard let c = cap(task, fp.unitBase), let object = c.object else { throw .l4(injected(.emptySlotEnoent) ? .enoent : .einval) }
        guard object.kind == kind else { throw .l4(.einval) }
        return (object, c.rights)
    }

    /// Writes an RPC result into the caller's registers/UTCB. Nil for a
    /// no-reply operation (the caller continues with its receive phase).
    mutating func commitRpc(_ t: Int, _ result: RpcResult, hasReceive: Bool) -> KernelOutcome? {
        switch result {
        case .done(let r):
            if hasReceive {
                for (i, w) in r.words.enumerated() { threads[t].utcb[mr: i] = w }
                if let item = r.returnItem { threads[t].utcb[mr: r.words.count] = item }
                threads[t].regs.tag = MsgTag(label: r.label, words: r.words.count, items: r.returnItem == nil ? 0 : 1).raw
            }
            return .ok(value: r.value ? r.label : nil)
        case .fail(let e):
            guard hasReceive else { return .success }
            threads[t].regs.tag = MsgTag(label: e.label).raw
            return .error(e)
        case .badProtocolAlways:
            threads[t].regs.tag = MsgTag(label: L4Err.ebadproto.label).raw
            return .error(.ebadproto)
        case .ipc(let e):
            return .ipcError(e)
        case .noReply:
            return nil
        }
    }
}

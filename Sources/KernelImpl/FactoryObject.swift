/// Factory `create` (kernel-api §3.4, `L4_PROTO_FACTORY`): the new object is
/// allocated and charged **before** the target slot is touched, then inserted
/// as the root mapping with all rights into the caller's own task, displacing
/// any old cap with the delete flag.

/// What a create request asks for, decoded from MR0/MR2 and the typed item.
enum CreateRequest {
    case task(kuMemory: UInt64)
    case thread
    case gate(label: UInt64, thread: Int?)
    case irq
    case factory(limit: UInt64)

    var kind: ObjectKind {
        switch self {
        case .task: .task
        case .thread: .thread
        case .gate: .gate
        case .irq: .irq
        case .factory: .factory
        }
    }
}

extension Kernel {
    /// Checks in order: protocol (`-EBADPROTO`), S (`-EPERM`), 0 words
    /// (`-EMSGTOOSHORT`); without a receive phase nothing happens (§3.4).
    mutating func factoryRpc(_ t: Int, factory f: Int, rights: UInt8) -> RpcResult {
        let req = request(t)
        guard req.label == Proto.factory else { return .fail(.ebadproto) }
        guard rights & Rights.s != 0 else { return .fail(.eperm) }
        guard req.words > 0 else { return .fail(.emsgtooshort) }
        guard req.hasReceive else { return .done(RpcReply()) }
        do { return .done(try create(t, factory: f, req)) } catch { return error.result }
    }

    private mutating func create(_ t: Int, factory f: Int, _ req: Request) throws(RpcError) -> RpcReply {
        let slot = try createTarget(t)
        let what = try decodeCreate(t, req)
        guard slot < UInt64(config.capSlots), let k = threads[t].task, let n = slotNumber(k, slot) else { throw .l4(.enomem) }
        var amount = cost(what.kind)
        if case .factory(let limit) = what {
            let (sum, overflow) = amount.addingReportingOverflow(limit)
            guard !overflow else { throw .l4(.enomem) }
            amount = sum
        }
        guard let index = freeEntry(what.kind), charge(f, amount), !injected(.factoryChargedTwice) || charge(f, amount) else { throw .l4(.enomem) }
        let id = ObjectID(what.kind, index)
        construct(id, account: f)
        switch what {
        case .factory(let limit): factories[index].limit = limit
        case .gate(let label, let thread?): bindGate(index, to: thread, label: label)
        default: break
        }
        removeCap(n, delete: true)
        // Displacing a D cap to the caller's own task destroyed it: the new
        // object is freed again (`Factory::map_obj`).
        guard tasks[k].header.life == .live else {
            destroy(id)
            throw .ipc(.remsgcut)
        }
        insertCap(n, object: id, rights: Rights.all, counted: true, server: what.kind == .gate)
        var words: [UInt64] = []
        if case .task(let ku) = what, ku != 0 { words = [ku & ~0xF] }
        return RpcReply(words: words, returnItem: 0x38)
    }

    /// The slot named by the caller's object receive buffer: a single-cap item
    /// or the base index of an object window, as written. Missing, void,
    /// without the map bit or not an object window → REMSGCUT.
    private func createTarget(_ t: Int) throws(RpcError) -> UInt64 {
        let u = threads[t].utcb
        let i = BufferDescriptor.start(u.bdr, .object)
        let b0 = u[br: i]
        guard i < Utcb.bufferRegisters, b0 != 0, b0 & SendItem.map != 0 else { throw .ipc(.remsgcut) }
        if b0 & RcvItem.singleCap != 0 { return b0 >> Abi.capShift }
        let window = Fpage(raw: u[br: i + 1])
        guard i + 1 < Utcb.bufferRegisters, window.kind == .object else { throw .ipc(.remsgcut) }
        return window.unitBase
    }

    /// MR0 = protocol of the new object; values at MR2 (the varg type words
    /// are ignored); unknown protocol → `-ENODEV`.
    private func decodeCreate(_ t: Int, _ req: Request) throws(RpcError) -> CreateRequest {
        switch Int64(bitPattern: req.mr(0)) {
        case 0, Proto.kobject: return try decodeGate(t, req)
        case Proto.task:
            guard req.words >= 3 else { throw .l4(.einval) }
            let ku = req.mr(2)
            if ku != 0 {
                // ku-memory is not modelled, but its flexpage is checked (§3.1): order 12..17, inside user space.
                let fp = Fpage(raw: ku)
                let end = (fp.raw & ~0xFFF) &+ (UInt64(1) << UInt64(min(fp.order, 63)))
                guard fp.kind == .memory, (12...17).contains(fp.order), end <= UInt64(config.pages) << 12 else { throw .l4(.einval) }
            }
            return .task(kuMemory: ku)
        case Proto.thread: return .thread
        case Proto.irqSender: return .irq
        case Proto.factory:
            guard req.words >= 3 else { throw .l4(.emsgtooshort) }
            guard req.words == 3, req.items == 0 else { throw .l4(.emsgtoolong) }
            let limit = req.mr(2)
            guard limit > 0, limit < UInt64(Int64.max) else { throw .l4(.enomem) }
            return .factory(limit: limit)
        default:
            throw .l4(.enodev)
        }
    }

    /// `ipc_gate_factory`: an optional thread item (non-object, empty or not a
    /// thread → `-EINVAL`; no S → `-EPERM`) with the label in MR2 (fewer than 3
    /// words → `-EMSGTOOSHORT`, low bits set → `-EINVAL`); without a thread the
    /// gate starts unbound with label 0.
    private func decodeGate(_ t: Int, _ req: Request) throws(RpcError) -> CreateRequest {
        guard req.items > 0 else { return .gate(label: 0, thread: nil) }
        guard req.words >= 3 else { throw .l4(.emsgtooshort) }
        let thread: ObjectID, rights: UInt8
        do { (thread, rights) = try objectArgument(t, req, kind: .thread) } catch { throw .l4(.einval) }
        guard rights & Rights.s != 0 else { throw .l4(.eperm) }
        let label = req.mr(2)
        guard label & 0x3 == 0 else { throw .l4(.einval) }
        return .gate(label: label, thread: thread.index)
    }
}

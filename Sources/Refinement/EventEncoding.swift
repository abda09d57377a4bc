import KernelImpl
import Spec

/// Where the typed items of one IPC should land in a receive window that is
/// larger than one unit: the send base (hot spot) of the item's control word,
/// as an address (memory) or a selector (objects), kernel-api §4.2, §4.4.
public struct HotSpot: Sendable, Equatable {
    public var memory: UInt64 = 0
    public var object: UInt64 = 0
    public init(memory: UInt64 = 0, object: UInt64 = 0) {
        self.memory = memory
        self.object = object
    }
}

/// One system call as user code lays it out (kernel-api §1): the four
/// syscall registers and the caller's UTCB.
public struct EncodedCall: Sendable, Equatable {
    public var registers: Registers
    public var utcb: Utcb
}

/// Spec invocation → the register words and UTCB contents the L4Re C API
/// (`l4sys/include/*.h`) would produce for it (DESIGN §8: "translate each
/// spec Event into ABI register words + UTCB contents").
///
/// Decisions, each following the reference:
/// * Capability names become selectors `slot << 12`; `self` is
///   `L4_INVALID_CAP` (bit 11), kernel-api §1 selector layout.
/// * User IPC carries the spec's message label in the **label register**
///   (slabel) with tag label 0: the spec's `Message.label` is the
///   sender-chosen label a receiver sees through a thread cap (§6.7). A
///   kernel operation sets its protocol in the tag (§1) and, so that the
///   label a thread receives when the operation is sent to a thread or gate
///   (§1 dispatch: a foreign protocol is IPC) is the spec's one label, also
///   in the label register.
/// * Timeouts: `never` = 0, `zero` = 0x0400 (§1 Timeouts). `ipc.receive` and
///   `ipc.sleep` have one timeout in the spec: it is put in both halves, so a
///   receive through an unbound gate, which waits with the *send* half
///   (§3.3), uses the same value the spec uses.
/// * Operations are sent the way the C API sends them: `l4_irq_trigger` is a
///   send with `L4_IPC_BOTH_TIMEOUT_0`, `l4_irq_unmask` a send with
///   `L4_IPC_NEVER`, `l4_irq_receive` a call (unmask + closed wait) with the
///   given receive timeout, every other kernel operation a call with
///   `L4_IPC_NEVER` (`irq.h`, `task.h`, `factory.h`, `thread.h`, `scheduler.h`).
/// * Receive buffers (§4.3): BDR 0, so all three buffer iterators start at
///   BR0; an object buffer is a one-word single-cap item, a memory buffer a
///   map item with a one-page window; no buffer is a void BR0. Every call
///   with a receive phase writes them, so no buffer of an earlier call stays
///   in effect (the spec's receive buffer belongs to one invocation).
/// * Object arguments are typed items (§3 intro); a missing argument is no
///   item, and `self` as the source of `task.map` (which has no object
///   flexpage) is a void item — both `-EINVAL`, as in the spec.
/// * Flexpage orders above 7 cover every slot/page the model has; they are
///   sent as 7, the same clamp the spec applies (`performTaskMap`).
public enum EventEncoding {
    public static func selector(_ c: CapName) -> UInt64 {
        switch c {
        case .slot(let s): Abi.selector(s.index)
        case .this: Abi.invalidCap
        }
    }

    public static func timeout(_ t: Timeout) -> UInt16 { t == .never ? Timeouts.never : Timeouts.zero }

    /// Lays out `inv` for a caller whose UTCB currently is `utcb`.
    /// `keepItems` false leaves out the typed items and the receive buffer of
    /// a kernel operation that the implementation will treat as IPC
    /// (`ImplStep.becomesIpc`).
    public static func encode(_ inv: Invocation, utcb: Utcb, hotSpot: HotSpot = HotSpot(), keepItems: Bool = true) -> EncodedCall {
        var call = layout(inv, hotSpot: hotSpot)
        if !keepItems {
            call.items = []
            if call.buffers != nil { call.buffers = [0] }
        }
        return call.write(into: utcb)
    }

    static func layout(_ inv: Invocation, hotSpot: HotSpot) -> CallLayout {
        switch inv {
        case .ipcSend, .ipcCall, .ipcReceive, .ipcWait, .ipcReply, .ipcReplyAndWait, .ipcSleep:
            return ipc(inv, hotSpot: hotSpot)
        case .taskMap, .taskUnmap, .taskCapValid, .taskCapEqual:
            return task(inv)
        case .factoryCreate(let f, let kind, let slot):
            return factory(f, kind, slot)
        case .threadControl, .threadExRegs, .schedulerRunThread:
            return thread(inv)
        case .gateBindThread, .irqBind, .irqDetach, .irqTrigger, .irqUnmask, .irqReceive:
            return endpoint(inv)
        case .memAccess:
            // Not a system call: the harness drives `Kernel.memoryAccess` instead.
            return CallLayout(destination: Abi.invalidCap)
        }
    }

    // MARK: - IPC (kernel-api §6.1)

    static func ipc(_ inv: Invocation, hotSpot: HotSpot) -> CallLayout {
        switch inv {
        case .ipcSend(let cap, let m, let t):
            var c = CallLayout(destination: selector(cap) | Abi.send, send: timeout(t))
            c.message(m, hotSpot: hotSpot)
            return c
        case .ipcCall(let cap, let m, let s, let r, let buffer):
            var c = CallLayout(destination: selector(cap) | Abi.send | Abi.recv, send: timeout(s), receive: timeout(r))
            c.message(m, hotSpot: hotSpot)
            c.buffer(buffer)
            return c
        case .ipcReceive(let cap, let t, let buffer):
            var c = CallLayout(destination: selector(cap) | Abi.recv, send: timeout(t), receive: timeout(t))
            c.buffer(buffer)
            return c
        case .ipcWait(let t, let buffer):
            var c = CallLayout(destination: Abi.invalidCap | Abi.recv | Abi.openWait, receive: timeout(t))
            c.buffer(buffer)
            return c
        case .ipcReply(let m):
            var c = CallLayout(destination: Abi.invalidCap | Abi.reply | Abi.send)
            c.message(m, hotSpot: hotSpot)
            return c
        case .ipcReplyAndWait(let m, let t, let buffer):
            var c = CallLayout(destination: Abi.invalidCap | Abi.reply | Abi.send | Abi.recv | Abi.openWait, receive: timeout(t))
            c.message(m, hotSpot: hotSpot)
            c.buffer(buffer)
            return c
        case .ipcSleep(let t):
            return CallLayout(destination: Abi.invalidCap | Abi.recv, send: timeout(t), receive: timeout(t), buffers: [0])
        default:
            return CallLayout(destination: Abi.invalidCap)
        }
    }

    // MARK: - Task (kernel-api §3.1)

    static func task(_ inv: Invocation) -> CallLayout {
        switch inv {
        case .taskMap(let dst, let src, let item, let order, let sndBase):
            var c = CallLayout.rpc(dst, Proto.task, [0, mapControl(item, sendBase: unitBase(item.space, UInt64(sndBase))),
                                                     fpage(item.space, index: item.index, order: order, rights: item.rights)])
            if case .slot(let s) = src { c.objectArgument(s) } else { c.items = [(0, Abi.invalidCap | Fpage.Kind.object.rawValue << 4)] }
            return c
        case .taskUnmap(let t, let space, let index, let order, let rights, let scope, let delete):
            let mask = (scope == .allSpaces ? UnmapMask.allSpaces : 0) | (delete ? 0x4000_0000 : 0)
            return .rpc(t, Proto.task, [1, mask, fpage(space, index: index, order: order, rights: rights)])
        case .taskCapValid(let t, let cap):
            return .rpc(t, Proto.task, [2, selector(cap)])
        case .taskCapEqual(let t, let a, let b):
            return .rpc(t, Proto.task, [2, selector(a), selector(b)])
        default:
            return CallLayout(destination: Abi.invalidCap)
        }
    }

    // MARK: - Factory (kernel-api §3.4): MR0 protocol, MR1 varg type (ignored), MR2 value

    static func factory(_ f: CapName, _ kind: CreateKind, _ slot: SlotIndex?) -> CallLayout {
        var c: CallLayout
        switch kind {
        case .task: c = .rpc(f, Proto.factory, [UInt64(bitPattern: Proto.task), 0, 0])
        case .thread: c = .rpc(f, Proto.factory, [UInt64(bitPattern: Proto.thread)])
        case .irq: c = .rpc(f, Proto.factory, [UInt64(bitPattern: Proto.irqSender)])
        case .factory(let limit): c = .rpc(f, Proto.factory, [UInt64(bitPattern: Proto.factory), 0, UInt64(limit)])
        case .gate(let label, let thread):
            c = .rpc(f, Proto.factory, [UInt64(bitPattern: Proto.kobject), 0, UInt64(label)])
            if let thread { c.objectArgument(thread) }
        }
        c.buffer(slot.map { .object($0) } ?? .none)
        return c
    }

    // MARK: - Thread and scheduler (kernel-api §3.2, §3.5)

    static func thread(_ inv: Invocation) -> CallLayout {
        switch inv {
        case .threadControl(let t, let pager, let exc, let bind):
            let flags = (pager != nil ? Kernel.ThreadControl.setPager : 0) | (exc != nil ? Kernel.ThreadControl.setExceptionHandler : 0)
                | (bind != nil ? Kernel.ThreadControl.bindTask : 0)
            var c = CallLayout.rpc(t, Proto.thread, [flags, pager.map { Abi.selector($0.index) } ?? 0, exc.map { Abi.selector($0.index) } ?? 0, 0, 0, 0])
            if let bind { c.objectArgument(bind) }
            return c
        case .threadExRegs(let t, let cancel):
            return .rpc(t, Proto.thread, [1 | (cancel ? Kernel.ExRegs.cancel : 0), UInt64.max, UInt64.max])
        case .schedulerRunThread(let s, let thread, let prio, let cpu):
            // Legacy `l4_sched_param_t`: CPU set (granularity 0, offset 0) with the one CPU, priority, quantum 0.
            var c = CallLayout.rpc(s, Proto.scheduler, [1, 0, UInt64(1) << UInt64(cpu), UInt64(prio), 0])
            if let thread { c.objectArgument(thread) }
            return c
        default:
            return CallLayout(destination: Abi.invalidCap)
        }
    }

    // MARK: - Receive endpoints (kernel-api §3.3, §3.6)

    static func endpoint(_ inv: Invocation) -> CallLayout {
        switch inv {
        case .gateBindThread(let e, let thread, let label), .irqBind(let e, let thread, let label):
            var c = CallLayout.rpc(e, Proto.kobject, [0x10, UInt64(label)])
            if let thread { c.objectArgument(thread) }
            return c
        case .irqDetach(let i):
            return .rpc(i, Proto.irqSender, [1])
        case .irqTrigger(let i):
            var c = CallLayout.rpc(i, Proto.irq, [], flags: Abi.send)
            c.send = Timeouts.zero
            c.receive = Timeouts.zero
            return c
        case .irqUnmask(let i):
            return .rpc(i, Proto.irq, [4], flags: Abi.send)
        case .irqReceive(let i, let t):
            var c = CallLayout.rpc(i, Proto.irq, [4])
            c.receive = timeout(t)
            return c
        default:
            return CallLayout(destination: Abi.invalidCap)
        }
    }

    // MARK: - Flexpages and items (kernel-api §4.1, §4.2)

    /// Order in units (slots or pages), clamped to 7 (see the type comment).
    static func fpage(_ space: Spec.SendItem.Space, index: UInt8, order: UInt8, rights: UInt8) -> UInt64 {
        let o = Int(min(order, 7))
        switch space {
        case .object: return Fpage.object(index: Int(index), order: o, rights: UInt64(rights)).raw
        case .memory: return Fpage.memory(address: UInt64(index) << 12, order: o + 12, rights: UInt64(rights)).raw
        }
    }

    /// A unit index as a send base: slot index or page number, both `<< 12`.
    static func unitBase(_ space: Spec.SendItem.Space, _ index: UInt64) -> UInt64 { index << 12 }

    /// Word 0 of a send item: map bit, grant, and the object attributes
    /// `L4_FPAGE_C_NO_REF_CNT` (weak) and `L4_FPAGE_C_IPCGATE_SVR` (server), §4.2.
    static func mapControl(_ item: Spec.SendItem, sendBase: UInt64) -> UInt64 {
        let attributes = item.space == .object
            ? (item.weak ? KernelImpl.SendItem.noRefCount : 0) | (item.server ? KernelImpl.SendItem.gateServer : 0) : 0
        return KernelImpl.SendItem.control(sendBase: sendBase, grant: item.grant, attributes: attributes)
    }
}

/// A system call being laid out: registers plus the UTCB words it writes.
struct CallLayout {
    var destination: UInt64
    var tagLabel: Int64 = 0
    var slabel: UInt64 = 0
    var send: UInt16 = Timeouts.never
    var receive: UInt16 = Timeouts.never
    var words: [UInt64] = []
    var items: [(UInt64, UInt64)] = []
    /// BR0, BR1 when the call has a receive buffer (nil: BRs untouched).
    var buffers: [UInt64]?

    /// A kernel-object call: protocol in the tag and the label register,
    /// opcode and arguments in MRs. With a receive phase it offers no receive
    /// buffer (a void BR0), as the spec's kernel operations have none: a
    /// buffer left in the UTCB by an earlier call would otherwise take typed
    /// items if the operation turns into IPC (kernel-api §1 dispatch, §4.3).
    static func rpc(_ cap: CapName, _ proto: Int64, _ words: [UInt64], flags: UInt64 = Abi.send | Abi.recv) -> CallLayout {
        CallLayout(destination: EventEncoding.selector(cap) | flags, tagLabel: proto, slabel: UInt64(Vocabulary.label16(proto)), words: words,
                   buffers: flags & Abi.recv != 0 ? [0] : nil)
    }

    mutating func objectArgument(_ s: SlotIndex) {
        items.append((KernelImpl.SendItem.map, Fpage.object(index: s.index, rights: UInt64(Rights.all)).raw))
    }

    mutating func message(_ m: Message, hotSpot: HotSpot) {
        slabel = UInt64(m.label)
        words = m.words.prefix(Utcb.messageRegisters - 2).map { UInt64($0) }
        if let item = m.item {
            let base = item.space == .object ? hotSpot.object : hotSpot.memory
            items = [(EventEncoding.mapControl(item, sendBase: base),
                      EventEncoding.fpage(item.space, index: item.index, order: 0, rights: item.rights))]
        }
    }

    mutating func buffer(_ b: Spec.ReceiveBuffer) {
        switch b {
        case .none: buffers = [0]
        case .object(let s): buffers = [RcvItem.singleCap(index: s.index)]
        case .memory(let p):
            buffers = [KernelImpl.SendItem.map, Fpage.memory(address: UInt64(p.index) << 12, order: 12, rights: UInt64(Rights.memAll)).raw]
        }
    }

    /// The registers, and `utcb` with this call's MRs, BDR and BRs written.
    mutating func write(into utcb: Utcb) -> EncodedCall {
        var u = utcb
        for (i, w) in words.enumerated() { u[mr: i] = w }
        for (n, item) in items.enumerated() {
            u[mr: words.count + 2 * n] = item.0
            u[mr: words.count + 2 * n + 1] = item.1
        }
        if let buffers {
            u.bdr = 0
            for (i, b) in buffers.enumerated() { u[br: i] = b }
        }
        let tag = MsgTag(label: tagLabel, words: words.count, items: items.count).raw
        return EncodedCall(registers: Registers(destination: destination, tag: tag, label: slabel,
                                                timeouts: Abi.timeouts(send: send, receive: receive)), utcb: u)
    }
}

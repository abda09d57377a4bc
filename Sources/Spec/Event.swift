/// Events and invocations (DESIGN §2, §4). An event is one of: the current
/// thread of a CPU invokes a capability; a timer tick on a CPU; a hardware IRQ
/// line fires. Which thread acts is decided by the scheduler state, never by
/// the event (kernel-api §9).
public enum Event: Hashable, Sendable {
    case invoke(cpu: CPU, Invocation)
    case tick(cpu: CPU)
    case irqLine(UInt8)
}

/// How a capability is named in an invocation: a slot of the caller's task, or
/// the special "invalid" selector that means the calling thread (kernel-api §2).
public enum CapName: Hashable, Sendable, CustomStringConvertible {
    case slot(SlotIndex)
    case this
    public var description: String {
        switch self {
        case .slot(let s): "\(s)"
        case .this: "self"
        }
    }
}

/// IPC timeouts in the modelled subset: zero or never (kernel-api §1, §13 row 50).
public enum Timeout: UInt8, Hashable, Sendable, CustomStringConvertible {
    case never = 0, zero
    public var description: String { self == .never ? "never" : "zero" }
}

/// A typed send item (kernel-api §4.2): one object or memory flexpage of one
/// slot/page, with its rights mask and map-control attributes.
public struct SendItem: Hashable, Sendable {
    public enum Space: UInt8, Hashable, Sendable { case object = 1, memory = 2 }
    public var space: Space
    /// Sender-local slot or page.
    public var index: UInt8
    /// Rights mask (object: `CapRights` bits, memory: `MemRights` bits).
    public var rights: UInt8
    public var grant: Bool
    /// Object items: request the gate server view (`L4_FPAGE_C_IPCGATE_SVR`).
    public var server: Bool
    /// Object items: map as a weak capability (`L4_FPAGE_C_NO_REF_CNT`).
    public var weak: Bool
    public init(space: Space, index: Int, rights: UInt8, grant: Bool = false, server: Bool = false, weak: Bool = false) {
        self.space = space
        self.index = UInt8(truncatingIfNeeded: index)
        self.rights = rights
        self.grant = grant
        self.server = server
        self.weak = weak
    }
}

/// A receive buffer (kernel-api §4.3): where an incoming typed item may land.
public enum ReceiveBuffer: Hashable, Sendable {
    case none
    case object(SlotIndex)
    case memory(PageIndex)

    /// One byte: `noID`, an object slot (bit 6 clear) or a memory page (bit 6 set).
    /// Indices past the capacity all lie beyond every bound and behave alike
    /// (nothing lands there), so they share the sentinel 63 of their space.
    var encoded: UInt8 {
        switch self {
        case .none: noID
        case .object(let s): min(s.raw, 0x3F)
        case .memory(let p): 0x40 | min(p.raw, 0x3F)
        }
    }
    init(encoded: UInt8) {
        if encoded == noID { self = .none } else if encoded & 0x40 != 0 { self = .memory(PageIndex(Int(encoded & 0x3F))) } else { self = .object(SlotIndex(Int(encoded))) }
    }
}

/// An outgoing message: untyped words, the sender's label and at most one item.
public struct Message: Hashable, Sendable {
    public var words: [UInt16]
    public var label: UInt16
    public var item: SendItem?
    public init(words: [UInt16] = [], label: UInt16 = 0, item: SendItem? = nil) {
        self.words = words
        self.label = label
        self.item = item
    }
}

/// Object kinds a factory can create (kernel-api §3.4, core rows of §13).
public enum CreateKind: Hashable, Sendable {
    case task
    case thread
    case gate(label: UInt16, thread: SlotIndex?)
    case irq
    case factory(limit: UInt16)
}

/// Unmap scope (kernel-api §5.1): children only, or the own mapping too.
public enum UnmapScope: UInt8, Hashable, Sendable { case otherSpaces = 0, allSpaces }

/// One invocation by the current thread: `<object>.<operation>` as in the
/// L4Re C API (DESIGN §4). Object arguments are caller-local slot indices.
public enum Invocation: Hashable, Sendable {
    case ipcSend(cap: CapName, Message, timeout: Timeout)
    case ipcCall(cap: CapName, Message, send: Timeout, receive: Timeout, buffer: ReceiveBuffer)
    case ipcReceive(cap: CapName, timeout: Timeout, buffer: ReceiveBuffer)
    case ipcWait(timeout: Timeout, buffer: ReceiveBuffer)
    case ipcReply(Message)
    case ipcReplyAndWait(Message, timeout: Timeout, buffer: ReceiveBuffer)
    case ipcSleep(timeout: Timeout)
    /// `l4_task_map(dst, src, fpage, snd_base)`: map/grant object slots or pages.
    case taskMap(dst: CapName, src: CapName, item: SendItem, order: UInt8, sndBase: UInt8)
    /// `l4_task_unmap(task, fpage, map_mask)`.
    case taskUnmap(task: CapName, space: SendItem.Space, index: UInt8, order: UInt8, rights: UInt8, scope: UnmapScope, delete: Bool)
    case taskCapValid(task: CapName, cap: CapName)
    case taskCapEqual(task: CapName, a: CapName, b: CapName)
    case factoryCreate(factory: CapName, kind: CreateKind, slot: SlotIndex?)
    case threadControl(thread: CapName, pager: SlotIndex?, excHandler: SlotIndex?, bindTask: SlotIndex?)
    case threadExRegs(thread: CapName, cancel: Bool)
    case schedulerRunThread(scheduler: CapName, thread: SlotIndex?, prio: UInt8, cpu: UInt8)
    case gateBindThread(gate: CapName, thread: SlotIndex?, label: UInt16)
    case irqBind(irq: CapName, thread: SlotIndex?, label: UInt16)
    case irqDetach(irq: CapName)
    case irqTrigger(irq: CapName)
    case irqUnmask(irq: CapName)
    case irqReceive(irq: CapName, timeout: Timeout)
    /// The current thread touches one of its pages; a missing mapping raises a
    /// page-fault IPC to its pager (kernel-api §6.6).
    case memAccess(page: PageIndex, write: Bool)
}

/// The result of one step: what the acting thread (if any) got back, and which
/// thread acted.
public struct StepResult: Hashable, Sendable, BitwiseCopyable {
    public var outcome: Outcome
    public var actor: ThreadID?
    public init(_ outcome: Outcome, actor: ThreadID?) {
        self.outcome = outcome
        self.actor = actor
    }
}

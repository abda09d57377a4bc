/// The abstract kernel state (kernel-api §12 "Abstract state"), laid out flat:
/// every table is an `InlineArray` of small records made of `UInt8`/`UInt16`
/// fields, so a copy is a `memcpy` without heap traffic and equality/hashing
/// run over the raw bytes. Records are free of padding (a test checks
/// `size == stride`), which is what makes the byte view exact.
public struct KernelState: Sendable, BitwiseCopyable {
    // 2-byte aligned tables first, so the struct has no interior padding.
    public var threads = ThreadTable(repeating: ThreadRecord())
    public var gates = GateTable(repeating: GateRecord())
    public var irqs = IrqTable(repeating: IrqRecord())
    public var factories = FactoryTable(repeating: FactoryRecord())
    public var slots = SlotTable(repeating: Slot())
    public var pages = PageTable(repeating: PageEntry())
    public var tasks = TaskTable(repeating: TaskRecord())
    public var ready = ReadyTable(repeating: ReadyList())
    public var config: Config

    public init(config: Config) { self.config = config }
}

/// Scenario-chosen bounds that the rules consult (kernel-api §2: indices at or
/// beyond the object-space bound read as empty). Constant during a run.
public struct Config: Hashable, Sendable, BitwiseCopyable {
    /// Object-space bound: slot indices `0..<slotBound` exist in every task.
    public var slotBound: UInt8
    /// Memory-space bound: pages `0..<pageBound` exist in every task.
    public var pageBound: UInt8
    /// Present CPUs.
    public var cpuCount: UInt8
    public var reserved: UInt8 = 0

    public init(slotBound: Int, pageBound: Int, cpuCount: Int) {
        self.slotBound = UInt8(clamping: min(slotBound, Capacity.slotsPerTask))
        self.pageBound = UInt8(clamping: min(pageBound, Capacity.pagesPerTask))
        self.cpuCount = UInt8(clamping: min(max(cpuCount, 1), Capacity.cpus))
    }
}

/// Whether a table entry holds an object (kernel-api §5.3 two-phase destruction).
public enum Life: UInt8, Sendable {
    /// Unused entry.
    case free = 0
    /// A live object, reachable through capabilities.
    case live = 1
    /// Deleted: unreachable by capabilities, still referenced by the kernel
    /// (a thread a gate is bound to, a task with bound threads, a factory
    /// whose objects still exist) and still charged to its quota.
    case zombie = 2
}

/// One object-space slot (kernel-api §2): empty, or (object, rights, attributes).
public struct Slot: Hashable, Sendable, BitwiseCopyable {
    /// `0` = empty, else an `ObjectKind` raw value.
    public var kindRaw: UInt8 = 0
    public var object: UInt8 = 0
    public var rightsRaw: UInt8 = 0
    public var flags: UInt8 = 0

    public static let countedFlag: UInt8 = 0x1  // counts towards the refcount (no L4_FPAGE_C_NO_REF_CNT)
    public static let serverFlag: UInt8 = 0x2   // gate server view (L4_FPAGE_C_IPCGATE_SVR)

    public init() {}
    public init(_ ref: ObjectRef, rights: CapRights, counted: Bool = true, server: Bool = false) {
        kindRaw = ref.kind.rawValue
        object = ref.index
        rightsRaw = rights.union(.r).rawValue
        flags = (counted ? Slot.countedFlag : 0) | (server ? Slot.serverFlag : 0)
    }
    public var isEmpty: Bool { kindRaw == 0 }
    public var ref: ObjectRef? { ObjectKind(rawValue: kindRaw).map { ObjectRef($0, Int(object)) } }
    public var rights: CapRights {
        get { CapRights(rawValue: rightsRaw) }
        set { rightsRaw = newValue.rawValue }
    }
    public var counted: Bool { flags & Slot.countedFlag != 0 }
    public var server: Bool { flags & Slot.serverFlag != 0 }
}

/// One page of a task's memory space and its node in the frame's mapping tree
/// (kernel-api §5.1). `parent` is the node index of the mapping it was derived
/// from, or `noID` for sigma0's root mapping.
public struct PageEntry: Hashable, Sendable, BitwiseCopyable {
    public var frame: UInt8 = noID
    public var rightsRaw: UInt8 = 0
    public var parent: UInt8 = noID
    public init() {}
    public init(frame: FrameID, rights: MemRights, parent: Int?) {
        self.frame = frame.raw
        rightsRaw = rights.rawValue
        self.parent = parent.map { UInt8($0) } ?? noID
    }
    public var isMapped: Bool { frame != noID }
    public var rights: MemRights {
        get { MemRights(rawValue: rightsRaw) }
        set { rightsRaw = newValue.rawValue }
    }
}

public struct TaskRecord: Hashable, Sendable, BitwiseCopyable {
    public var lifeRaw: UInt8 = 0
    /// The factory this task is charged to (kernel-api §3.4).
    public var quota: UInt8 = noID
    /// Number of counted capability slots naming this task (kernel-api §5.2).
    public var counted: UInt8 = 0
    public init() {}
    public var life: Life { get { Life(rawValue: lifeRaw) ?? .free } set { lifeRaw = newValue.rawValue } }
}

/// Fiasco thread states that matter (kernel-api §3.2).
public enum ThreadState: UInt8, Sendable, CustomStringConvertible {
    /// Not started (new) or torn down.
    case dead = 0
    /// Ready or running.
    case ready
    /// Blocked in a send phase, queued at `partner`.
    case sending
    /// Blocked in a receive phase: open wait (`partner == noID`) or closed on `partner`.
    case receiving
    /// Blocked on the wait queue of the unbound gate `partner` (kernel-api §3.3).
    case onGate
    public var description: String {
        switch self {
        case .dead: "dead"
        case .ready: "ready"
        case .sending: "sending"
        case .receiving: "receiving"
        case .onGate: "blocked_on_gate"
        }
    }
}

/// The IPC a blocked thread is in the middle of; needed to finish it when woken
/// and to re-run it after a gate bind (kernel-api §3.3).
public enum PendingIpc: UInt8, Sendable {
    case none = 0, send, call, receive, pageFault
}

/// Encoding of a sender in a receiver's queue: a thread id, or `irqTag | irq`.
@usableFromInline let irqTag: UInt8 = 0x80

public struct ThreadRecord: Equatable, Sendable, BitwiseCopyable {
    // 2-byte fields first (no interior padding).
    /// Label of the outgoing message while blocked in a send (already gate-labelled).
    public var sendLabel: UInt16 = 0
    /// Label register after the last receive (rlabel).
    public var rcvLabel: UInt16 = 0
    public var sendWords = Words(repeating: 0)
    /// Message registers after the last receive.
    public var mr = Words(repeating: 0)

    public var lifeRaw: UInt8 = 0
    public var stateRaw: UInt8 = 0
    /// Marked for deletion; teardown runs when it next runs (kernel-api §5.3).
    public var dying: UInt8 = 0
    /// Bound task (`noID` = unbound).
    public var task: UInt8 = noID
    /// Pager and exception-handler capability indices (kernel-api §3.2, `noID` = never set).
    public var pager: UInt8 = noID
    public var excHandler: UInt8 = noID
    public var prio: UInt8 = 1
    /// Home CPU (`noID` until `run_thread`).
    public var cpu: UInt8 = noID
    /// Sending: the receiver; receiving: the closed-wait partner (sender encoding) or `noID`; on gate: the gate.
    public var partner: UInt8 = noID
    public var pendingRaw: UInt8 = 0
    /// Next sender in the queue this thread is in (sender encoding).
    public var queueNext: UInt8 = noID
    /// Head of the senders queued at this thread (sender encoding).
    public var queueHead: UInt8 = noID
    /// Implicit reply slot: the caller (kernel-api §6.4) and the rights it called with.
    public var replyTo: UInt8 = noID
    public var replyRights: UInt8 = 0
    /// Receive buffer: `noID`, object slot, or memory page (see `ReceiveBuffer`).
    public var rcvBuf: UInt8 = noID
    /// W/S bits of the capability the pending send addresses (label, S masking).
    public var sendRights: UInt8 = 0
    public var sendWordCount: UInt8 = 0
    public var sendItemKind: UInt8 = 0
    public var sendItemIndex: UInt8 = 0
    public var sendItemRights: UInt8 = 0
    public var sendItemFlags: UInt8 = 0
    /// The access a pending page fault retries: 0 none, 1 read, 2 write (kernel-api §6.6).
    public var faultAccess: UInt8 = 0
    /// Words received by the last receive.
    public var mrCount: UInt8 = 0
    /// Result of the last completed (or woken) IPC, `ResultCode` encoding.
    public var resultKind: UInt8 = 0
    public var resultCode: UInt8 = 0
    public var quota: UInt8 = noID
    public var counted: UInt8 = 0
    public var receiveTimeoutZero: UInt8 = 0

    public init() {}
    public var life: Life { get { Life(rawValue: lifeRaw) ?? .free } set { lifeRaw = newValue.rawValue } }
    public var state: ThreadState { get { ThreadState(rawValue: stateRaw) ?? .dead } set { stateRaw = newValue.rawValue } }
    public var pending: PendingIpc { get { PendingIpc(rawValue: pendingRaw) ?? .none } set { pendingRaw = newValue.rawValue } }
    public var isDying: Bool { dying != 0 }
}

public struct GateRecord: Hashable, Sendable, BitwiseCopyable {
    /// Gate label (low two bits always 0, kernel-api §3.3).
    public var label: UInt16 = 0
    public var lifeRaw: UInt8 = 0
    /// Bound thread (`noID` = unbound).
    public var thread: UInt8 = noID
    /// Head of the threads blocked on the unbound gate (thread ids).
    public var waitHead: UInt8 = noID
    public var quota: UInt8 = noID
    public var counted: UInt8 = 0
    public var reserved: UInt8 = 0
    public init() {}
    public var life: Life { get { Life(rawValue: lifeRaw) ?? .free } set { lifeRaw = newValue.rawValue } }
}

/// Delivery state of an Irq (kernel-api §7).
public enum IrqDelivery: UInt8, Sendable, CustomStringConvertible {
    case idle = 0, queued, pending
    public var description: String {
        switch self {
        case .idle: "idle"
        case .queued: "queued"
        case .pending: "pending"
        }
    }
}

public struct IrqRecord: Hashable, Sendable, BitwiseCopyable {
    public var label: UInt16 = 0
    public var lifeRaw: UInt8 = 0
    public var thread: UInt8 = noID
    public var deliveryRaw: UInt8 = 0
    public var masked: UInt8 = 0
    /// Next sender in the receiver queue it is in (sender encoding).
    public var queueNext: UInt8 = noID
    public var quota: UInt8 = noID
    public var counted: UInt8 = 0
    /// Hardware line this Irq is attached to (`noID` = virtual only).
    public var line: UInt8 = noID
    public init() {}
    public var life: Life { get { Life(rawValue: lifeRaw) ?? .free } set { lifeRaw = newValue.rawValue } }
    public var delivery: IrqDelivery { get { IrqDelivery(rawValue: deliveryRaw) ?? .idle } set { deliveryRaw = newValue.rawValue } }
}

/// A factory is a kernel-memory quota account (kernel-api §3.4, `Ram_quota`).
public struct FactoryRecord: Hashable, Sendable, BitwiseCopyable {
    public var limit: UInt16 = 0
    public var used: UInt16 = 0
    public var lifeRaw: UInt8 = 0
    /// Parent account (`noID` for the root factory).
    public var parent: UInt8 = noID
    public var counted: UInt8 = 0
    /// Only the root factory is unlimited (kernel-api §3.4).
    public var unlimited: UInt8 = 0
    public init() {}
    public var life: Life { get { Life(rawValue: lifeRaw) ?? .free } set { lifeRaw = newValue.rawValue } }
}

/// A CPU's ready threads in scheduling order (kernel-api §9): sorted by
/// priority, highest first; the head is the running thread.
public struct ReadyList: Equatable, Sendable, BitwiseCopyable {
    public var entries = InlineArray<6, UInt8>(repeating: noID)
    public var count: UInt8 = 0
    public init() {}
}

extension ThreadRecord {
    public static func == (a: Self, b: Self) -> Bool { rawBytesEqual(a, b) }
}

extension ReadyList {
    public static func == (a: Self, b: Self) -> Bool { rawBytesEqual(a, b) }
}

extension KernelState: Hashable {
    public static func == (a: Self, b: Self) -> Bool { rawBytesEqual(a, b) }
    public func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }

    /// A stable 64-bit fingerprint of the whole state: four independent
    /// multiply-xorshift lanes over the raw 8-byte words (so the CPU overlaps
    /// the multiplications), each finished with fmix64 and combined. Never
    /// derived from `Hasher`, which is seeded per process (DESIGN §9).
    public var fingerprint: UInt64 {
        withUnsafeBytes(of: self) { raw in
            let m: UInt64 = 0x9E37_79B9_7F4A_7C15
            var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x8422_2325_cbf2_9ce4
            var c: UInt64 = 0x0000_0100_0000_01b3, d: UInt64 = 0x27d4_eb2f_1656_67c5
            var i = 0
            let n = raw.count
            while i + 32 <= n {
                a = (a ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* m; a ^= a >> 31
                b = (b ^ raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)) &* m; b ^= b >> 31
                c = (c ^ raw.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)) &* m; c ^= c >> 31
                d = (d ^ raw.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)) &* m; d ^= d >> 31
                i += 32
            }
            while i < n {
                a = (a ^ UInt64(raw[i])) &* 0x0000_0100_0000_01b3
                i += 1
            }
            return fmix64(fmix64(a) &+ fmix64(b ^ 0x5555) &* 3 &+ fmix64(c ^ 0xAAAA) &* 5 &+ fmix64(d) &* 7 ^ UInt64(n))
        }
    }
}

/// Murmur3's 64-bit finaliser.
@inlinable public func fmix64(_ x: UInt64) -> UInt64 {
    var k = x
    k ^= k >> 33
    k = k &* 0xff51_afd7_ed55_8ccd
    k ^= k >> 33
    k = k &* 0xc4ce_b9fe_1a85_ec53
    k ^= k >> 33
    return k
}

/// Byte-wise equality; exact because the records have no padding.
@inlinable func rawBytesEqual<T>(_ a: T, _ b: T) -> Bool {
    withUnsafeBytes(of: a) { x in withUnsafeBytes(of: b) { y in x.elementsEqual(y) } }
}

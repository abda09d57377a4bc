/// Kernel objects other than threads (kernel-api §3), each a fixed-size table
/// entry with a common header, the way Fiasco derives every object from
/// `Kobject`. Handles are table indices.

/// The kinds of kernel object a capability can name (kernel-api §3).
public enum ObjectKind: UInt8, Hashable, Sendable, CaseIterable {
    case task = 1, thread, gate, irq, factory, scheduler
}

/// One kernel object: kind + table index (the scheduler is index 0 of its own kind).
public struct ObjectID: Hashable, Sendable, CustomStringConvertible {
    public var kind: ObjectKind
    public var index: Int
    public init(_ kind: ObjectKind, _ index: Int) {
        self.kind = kind
        self.index = index
    }
    public static let scheduler = ObjectID(.scheduler, 0)
    public var description: String { "\(kind)\(index)" }
}

/// Two-phase destruction (kernel-api §5.3): a deleted object is a zombie —
/// unreachable by capabilities, still referenced by the kernel and still
/// charged — until its last internal reference goes.
public enum Lifetime: UInt8, Hashable, Sendable {
    case free = 0, live, zombie
}

/// The part every object shares (`Kobject`): lifetime, quota account, the
/// counter of counted capabilities, and the head of the list of capability
/// slots naming it (`Kobject_mapdb`, kernel-api §5.2).
struct ObjectHeader: Sendable {
    var life: Lifetime = .free
    /// The factory the object is charged to; for a factory, its parent.
    var account: Int?
    /// Counted (non-weak) capability references (`dec_refcnt` may lower it further).
    var counted = 0
    /// First capability slot (global slot number) naming this object.
    var capHead: Int?
}

/// A task: object space (capability table) + memory space (page table) live
/// in the `CapTable` and `MappingDatabase` storage, indexed by the task handle.
struct TaskObject: Sendable {
    var header = ObjectHeader()
    /// Threads bound to the task: they keep a zombie task alive (kernel-api §3.1).
    var boundThreads = 0
}

/// An IPC gate (kernel-api §3.3).
struct GateObject: Sendable {
    var header = ObjectHeader()
    var thread: Int?
    /// Low two bits always 0 (they carry W/S on delivery).
    var label: UInt64 = 0
    /// Threads blocked while the gate is unbound, priority ordered.
    var waiters = SenderQueue()
}

/// Delivery state of an Irq (kernel-api §7).
public enum IrqDelivery: UInt8, Hashable, Sendable {
    case idle = 0, queued, pending
}

/// An Irq / IRQ sender (kernel-api §3.6, §7), edge triggered.
struct IrqObject: Sendable {
    var header = ObjectHeader()
    var thread: Int?
    var label: UInt64 = 0
    var delivery = IrqDelivery.idle
    var masked = false
    /// Hardware line the Irq is attached to (nil = virtual only).
    var line: Int?
    /// Link in the sender queue of the bound thread while `queued`.
    var link = QueueLink()
    /// Threads in a closed wait on this Irq: they pin a zombie Irq.
    var closedWaiters = 0
}

/// A factory = a kernel-memory account (`Ram_quota`, kernel-api §3.4). The
/// header's `account` is the parent it reserved `size + limit` from.
struct FactoryObject: Sendable {
    var header = ObjectHeader()
    /// nil = unlimited (only the root).
    var limit: UInt64?
    var used: UInt64 = 0
}

/// The scheduler singleton (kernel-api §3.5): always live, never deleted.
struct SchedulerObject: Sendable {
    var header = ObjectHeader(life: .live)
}

/// The value types of the read-only introspection API (`Introspection.swift`):
/// what an abstraction function outside the module sees of the kernel state.

public struct CapView: Hashable, Sendable {
    public var slot: Int
    public var object: ObjectID
    /// W 1, S 2, R 4, D 8.
    public var rights: UInt8
    public var counted: Bool
    /// The IPC-gate server view.
    public var server: Bool

    public init(slot: Int, object: ObjectID, rights: UInt8, counted: Bool, server: Bool) {
        self.slot = slot
        self.object = object
        self.rights = rights
        self.counted = counted
        self.server = server
    }
}

public struct MappingView: Hashable, Sendable {
    public var node: Int
    public var task: Int
    public var page: Int
    public var frame: UInt64
    /// X 1, W 2, R 4.
    public var rights: UInt8
    /// The mapping this one was derived from; nil for a root (sigma0's).
    public var parent: Int?

    public init(node: Int, task: Int, page: Int, frame: UInt64, rights: UInt8, parent: Int?) {
        self.node = node
        self.task = task
        self.page = page
        self.frame = frame
        self.rights = rights
        self.parent = parent
    }
}

public enum ThreadStateView: Hashable, Sendable {
    case dead
    case ready
    case sending(to: Int)
    /// Open wait (nil) or closed wait; closed on itself = sleep / unresolved fault.
    case receiving(from: Partner?)
    case blockedOnGate(Int)
}

public enum SenderView: Hashable, Sendable {
    case thread(Int)
    case irq(Int)
}

/// The system call a blocked thread is in.
public enum PendingView: Hashable, Sendable {
    case none, send, call, sendAndWait, receive, pageFault
}

/// A thread as a whole: its scheduling and IPC state (`core`, whose fields
/// read as `view.<field>` too), queue, registers and UTCB.
@dynamicMemberLookup
public struct ThreadView: Hashable, Sendable {
    public var index: Int
    public var core: ThreadCoreView
    /// Senders queued at this thread, in order.
    public var senders: [SenderView]
    public var pending: PendingView
    /// The user register file (the last syscall's return values).
    public var registers: Registers
    public var utcb: Utcb
    public var ip: UInt64
    public var sp: UInt64
    /// Kernel-clock deadline of the current wait, nil = never.
    public var deadline: UInt64?
    /// Kernel references holding a zombie TCB (bound gates/Irqs, closed waiters).
    public var pins: Int

    public subscript<T>(dynamicMember field: KeyPath<ThreadCoreView, T>) -> T { core[keyPath: field] }
}

public struct FaultView: Hashable, Sendable {
    public var address: UInt64
    public var write: Bool

    public init(address: UInt64, write: Bool) {
        self.address = address
        self.write = write
    }
}

public struct TaskView: Hashable, Sendable {
    public var index: Int
    public var life: Lifetime
    public var account: Int?
    public var countedCaps: Int
    public var boundThreads: Int

    public init(index: Int, life: Lifetime, account: Int?, countedCaps: Int, boundThreads: Int) {
        self.index = index
        self.life = life
        self.account = account
        self.countedCaps = countedCaps
        self.boundThreads = boundThreads
    }
}

public struct GateView: Hashable, Sendable {
    public var index: Int
    public var life: Lifetime
    public var thread: Int?
    public var label: UInt64
    /// Threads blocked while the gate is unbound, in order.
    public var waiters: [Int]
    public var account: Int?
    public var countedCaps: Int

    public init(index: Int, life: Lifetime, thread: Int?, label: UInt64, waiters: [Int], account: Int?, countedCaps: Int) {
        self.index = index
        self.life = life
        self.thread = thread
        self.label = label
        self.waiters = waiters
        self.account = account
        self.countedCaps = countedCaps
    }
}

public struct IrqView: Hashable, Sendable {
    public var index: Int
    public var life: Lifetime
    public var thread: Int?
    public var label: UInt64
    public var delivery: IrqDelivery
    public var masked: Bool
    public var line: Int?
    public var account: Int?
    public var countedCaps: Int

    public init(index: Int, life: Lifetime, thread: Int?, label: UInt64, delivery: IrqDelivery, masked: Bool, line: Int?, account: Int?, countedCaps: Int) {
        self.index = index
        self.life = life
        self.thread = thread
        self.label = label
        self.delivery = delivery
        self.masked = masked
        self.line = line
        self.account = account
        self.countedCaps = countedCaps
    }
}

public struct FactoryView: Hashable, Sendable {
    public var index: Int
    public var life: Lifetime
    /// nil = unlimited (the root).
    public var limit: UInt64?
    /// Bytes charged to this account.
    public var used: UInt64
    public var parent: Int?
    public var countedCaps: Int

    public init(index: Int, life: Lifetime, limit: UInt64?, used: UInt64, parent: Int?, countedCaps: Int) {
        self.index = index
        self.life = life
        self.limit = limit
        self.used = used
        self.parent = parent
        self.countedCaps = countedCaps
    }
}

public struct ReadyQueueView: Hashable, Sendable {
    public var cpu: Int
    /// Ready threads in scheduling order; the first one runs.
    public var order: [Int]
    /// Every linked entry, stale (no longer ready) ones included.
    public var listed: [Int]
    /// Priority levels whose bitmap bit is set, highest first.
    public var levels: [Int]
}

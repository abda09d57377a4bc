import KernelImpl
import Spec

/// The comparable view of a kernel state (DESIGN §8): what both descriptions
/// must agree on after every step. Both the spec (`SpecView`) and the
/// implementation (`Abstraction`) are mapped into it; every object is named
/// by its *spec* reference (implementation objects through the
/// `Correspondence`). Tables are indexed by spec index; nil = free entry.
public struct AbstractState: Equatable, Sendable {
    public var tasks: [AbsTask?]
    public var threads: [AbsThread?]
    public var gates: [AbsGate?]
    public var irqs: [AbsIrq?]
    public var factories: [AbsFactory?]
    /// Ready threads per CPU in scheduling order; the first one runs (kernel-api §9).
    public var ready: [[ObjectRef]]
    /// Implementation objects without a spec counterpart (created where the spec created none).
    public var unmatched: [String]

    public init(cpus: Int) {
        tasks = Array(repeating: nil, count: Capacity.tasks)
        threads = Array(repeating: nil, count: Capacity.threads)
        gates = Array(repeating: nil, count: Capacity.gates)
        irqs = Array(repeating: nil, count: Capacity.irqs)
        factories = Array(repeating: nil, count: Capacity.factories)
        ready = Array(repeating: [], count: cpus)
        unmatched = []
    }
}

/// kernel-api §5.3: live, or deleted but still referenced (zombie).
public enum AbsLife: String, Sendable { case live, zombie }

/// A capability slot (kernel-api §2): object, rights W/S/R/D, counted, gate server view.
public struct AbsSlot: Equatable, Sendable {
    public var object: ObjectRef
    public var rights: UInt8
    public var counted: Bool
    public var server: Bool
}

/// A mapping-tree node named by (task, page) (kernel-api §5.1); `parent` nil = sigma0.
public struct AbsNode: Hashable, Sendable {
    public var task: Int
    public var page: Int
}

public struct AbsPage: Equatable, Sendable {
    public var frame: UInt64
    public var rights: UInt8
    public var parent: AbsNode?
}

public struct AbsTask: Equatable, Sendable {
    public var life: AbsLife
    public var quota: ObjectRef?
    public var counted: Int
    /// Slots `0..<slot bound`, pages `0..<page bound` (inline: the bounds are
    /// at most `Capacity.slotsPerTask` and `Capacity.pagesPerTask`).
    public var slots: InlineList<8, AbsSlot?>
    public var pages: InlineList<4, AbsPage?>
}

/// Thread states that matter (kernel-api §3.2), partners as spec objects.
public enum AbsThreadState: Equatable, Sendable {
    case dead, ready
    case sending(to: ObjectRef)
    /// Open wait (nil) or closed on a thread or an Irq (oneself = sleep).
    case receiving(from: ObjectRef?)
    case onGate(ObjectRef)
}

public struct AbsThread: Equatable, Sendable {
    public var life: AbsLife
    public var state: AbsThreadState
    public var dying: Bool
    public var task: ObjectRef?
    /// Pager / exception handler cap index; nil = never set (§3.2 control).
    public var pager: UInt64?
    public var excHandler: UInt64?
    public var prio: Int
    public var cpu: Int?
    /// Implicit reply slot: the caller and the W/S rights it called with (§6.4).
    public var replyTo: ObjectRef?
    public var replyRights: UInt8
    /// Senders queued at the thread (threads and Irqs), in order (§6.2).
    public var senders: RefList
    /// The result of the thread's last completed system call, without the
    /// value (the spec records only the kind of result).
    public var result: AbsResult?
    /// A handled page fault whose access re-runs when the thread next runs
    /// (kernel-api §6.6): the page and whether it was a write.
    public var retry: AbsAccess?
    public var quota: ObjectRef?
    public var counted: Int
}

/// A thread's last result: a spec outcome, or an implementation result the
/// spec has no name for (which never equals a spec result).
public enum AbsResult: Equatable, Sendable, CustomStringConvertible {
    case outcome(Outcome)
    case foreign(KernelOutcome)

    public var description: String {
        switch self {
        case .outcome(let o): o.description
        case .foreign(let o): Vocabulary.describe(o)
        }
    }
}

public struct AbsGate: Equatable, Sendable {
    public var life: AbsLife
    public var thread: ObjectRef?
    public var label: UInt64
    /// Threads blocked on the unbound gate, in order (§3.3).
    public var waiters: RefList
    public var quota: ObjectRef?
    public var counted: Int
}

public struct AbsIrq: Equatable, Sendable {
    public var life: AbsLife
    public var thread: ObjectRef?
    public var label: UInt64
    /// 0 idle, 1 queued, 2 pending (§7).
    public var delivery: UInt8
    public var masked: Bool
    public var line: Int?
    public var quota: ObjectRef?
    public var counted: Int
}

public struct AbsFactory: Equatable, Sendable {
    public var life: AbsLife
    /// nil = unlimited (only the root, §3.4).
    public var limit: UInt64?
    /// Quota units charged (implementation bytes with unit object sizes).
    public var used: UInt64
    public var parent: ObjectRef?
    public var counted: Int
}

/// A user memory access (page, write) — the one a faulting thread retries.
public struct AbsAccess: Equatable, Sendable, CustomStringConvertible {
    public var page: Int
    public var write: Bool
    public var description: String { "page \(page)\(write ? " write" : " read")" }
}

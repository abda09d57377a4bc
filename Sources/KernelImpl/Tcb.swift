/// The thread control block (kernel-api §3.2, §9): scheduling, binding, the
/// user register file and UTCB, and the state of an IPC in progress.

/// Whom a closed receive waits for (kernel-api §6.3): a thread or an Irq.
public enum Partner: Hashable, Sendable {
    case thread(Int)
    case irq(Int)
}

/// Fiasco thread states that matter (kernel-api §3.2).
enum ThreadState: Equatable, Sendable {
    /// Not started, killed, or torn down.
    case dead
    case ready
    /// Queued in the sender list of a thread.
    case sending(to: Int)
    /// Open (nil) or closed receive; closed on itself = sleep.
    case receiving(from: Partner?)
    /// Blocked on the wait queue of an unbound gate (kernel-api §3.3).
    case onGate(Int)
}

/// Which system call a blocked thread is in, to finish it when woken.
enum IpcOp: UInt8, Sendable {
    case none = 0
    /// Send only.
    case send
    /// Send, then a closed receive on the partner (also "call the caller").
    case call
    /// Send (or reply), then an open wait.
    case sendAndWait
    /// Receive only.
    case receive
    /// Kernel-generated page-fault call to the pager (kernel-api §6.6).
    case pageFault
}

/// The IPC a thread is in the middle of (`_snd_regs`, `_ipc_send_rights`).
struct PendingIpc: Sendable {
    var op = IpcOp.none
    /// The tag register on entry (receive errors are reported on it, §1).
    var inputTag: UInt64 = 0
    /// The tag and label delivered to the receiver.
    var sendTag: UInt64 = 0
    var sendLabel: UInt64 = 0
    /// W/S bits of the capability used to address the partner (S masking, §4.5).
    var rights: UInt8 = 0
    /// Raw timeout pair; a gate wait re-runs with it after a bind (§3.3).
    var timeouts: UInt64 = 0
}

/// A page fault in progress (kernel-api §6.6): the access and the UTCB words
/// the fault IPC borrows (`Pf_msg_utcb_saver`: MR0, MR1, BDR, BR0, BR1).
struct FaultState: Sendable {
    var address: UInt64
    var write: Bool
    var savedMr: (UInt64, UInt64)
    var savedBdr: UInt64
    var savedBr: (UInt64, UInt64)
}

/// The access to re-run when the thread next runs (the fault was handled).
struct RetryAccess: Equatable, Sendable {
    var address: UInt64
    var write: Bool
}

/// The implicit reply slot (kernel-api §6.4): the caller and the rights it called with.
struct ReplySlot: Equatable, Sendable {
    var caller: Int
    var rights: UInt8
}

struct Tcb: Sendable {
    /// Pager / exception-handler index never set: reads back as `~0 << 12` (§3.2).
    static let noHandler: UInt64 = UInt64.max >> 12

    var header = ObjectHeader()
    var state = ThreadState.dead
    /// Marked for deletion; torn down when it next runs (kernel-api §5.3).
    var dying = false
    var task: Int?
    var pager = Tcb.noHandler
    var excHandler = Tcb.noHandler
    var prio = 1
    /// Home CPU (nil until `run_thread`).
    var cpu: Int?
    var readyLink = ReadyLink()
    /// User-visible state: syscall registers, UTCB, instruction and stack pointer.
    var regs = Registers()
    var utcb = Utcb()
    var ip: UInt64 = 0
    var sp: UInt64 = 0
    /// Register frame of the kernel-made page-fault IPC (not the user's registers).
    var faultFrame = Registers()
    var ipc = PendingIpc()
    /// Kernel-clock deadline of the current wait (nil = never).
    var deadline: UInt64?
    var reply: ReplySlot?
    /// Senders queued at this thread (threads and Irqs), priority ordered.
    var senders = SenderQueue()
    /// Link in the sender queue of a thread or the wait queue of a gate.
    var link = QueueLink()
    var fault: FaultState?
    var retry: RetryAccess?
    /// Kernel references that keep a zombie TCB: bound gates and Irqs, and
    /// threads in a closed wait on it (kernel-api §3.2, §5.4).
    var pins = 0
    /// Trace bookkeeping for the refinement harness, not kernel state: what the
    /// thread's last completed kernel entry returned to user mode.
    var lastOutcome: KernelOutcome?
}

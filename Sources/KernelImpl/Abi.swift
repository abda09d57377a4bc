/// The user/kernel binary interface (kernel-api §1): the register file of the
/// amd64 `l4_ipc` binding, the operation flags and special bits of the
/// destination selector, the message tag, protocol labels and result codes.
/// The vocabulary is duplicated from the reference on purpose (DESIGN §1:
/// KernelImpl never imports Spec).

/// The four syscall registers (kernel-api §1, amd64 `l4_ipc`). On entry they
/// carry the request; on return the kernel has overwritten `tag` and `label`.
public struct Registers: Hashable, Sendable {
    /// Destination selector | operation flags (`dest | flags`).
    public var destination: UInt64
    /// Message tag (`MsgTag`), in and out.
    public var tag: UInt64
    /// In: the sender-chosen label ("slabel"); out: the received label ("rlabel").
    public var label: UInt64
    /// Timeout pair: receive timeout in bits 0–15, send timeout in bits 16–31.
    public var timeouts: UInt64

    public init(destination: UInt64 = 0, tag: UInt64 = 0, label: UInt64 = 0, timeouts: UInt64 = 0) {
        self.destination = destination
        self.tag = tag
        self.label = label
        self.timeouts = timeouts
    }
}

/// Bits of the destination word (kernel-api §1 selector layout, `consts.h`).
public enum Abi {
    /// `L4_SYSF_SEND`: there is a send phase.
    public static let send: UInt64 = 0x1
    /// `L4_SYSF_RECV`: there is a receive phase.
    public static let recv: UInt64 = 0x2
    /// `L4_SYSF_OPEN_WAIT`: receive from anyone.
    public static let openWait: UInt64 = 0x4
    /// `L4_SYSF_REPLY`: the send phase goes to the caller in the reply slot.
    public static let reply: UInt64 = 0x8
    public static let flagMask: UInt64 = 0xF
    /// `L4_REPLY_CAP_BIT`: an explicit reply-cap slot (only with bit 11 clear).
    public static let replyCapBit: UInt64 = 1 << 10
    /// `L4_INVALID_CAP_BIT`: the calling thread itself.
    public static let invalidCapBit: UInt64 = 1 << 11
    /// `L4_CAP_SHIFT`: capability index position in a selector.
    public static let capShift: UInt64 = 12
    /// `L4_INVALID_CAP`: "self" (sleep, open wait).
    public static let invalidCap: UInt64 = invalidCapBit
    /// `L4_INVALID_REPLY_CAP` (bits 10 + 11): the implicit reply slot.
    public static let invalidReplyCap: UInt64 = invalidCapBit | replyCapBit

    /// The selector naming capability index `index`.
    public static func selector(_ index: Int) -> UInt64 { UInt64(truncatingIfNeeded: index) << capShift }

    /// A timeout pair register value from raw 16-bit send and receive timeouts.
    public static func timeouts(send: UInt16, receive: UInt16) -> UInt64 { UInt64(send) << 16 | UInt64(receive) }
}

/// The message tag (kernel-api §1, `L4_msg_tag`): words 0–5, items 6–11,
/// flags 12–15, signed label 16–63.
public struct MsgTag: Hashable, Sendable {
    public var raw: UInt64

    /// `L4_MSGTAG_TRANSFER_FPU`, `L4_MSGTAG_SCHEDULE`, `L4_MSGTAG_PROPAGATE`, `L4_MSGTAG_ERROR`.
    public static let transferFpu: UInt64 = 0x1000
    public static let schedule: UInt64 = 0x2000
    public static let propagate: UInt64 = 0x4000
    public static let error: UInt64 = 0x8000
    public static let flagMask: UInt64 = 0xF000

    public init(raw: UInt64) { self.raw = raw }
    public init(label: Int64, words: Int = 0, items: Int = 0, flags: UInt64 = 0) {
        raw = UInt64(bitPattern: label) << 16 | (flags & MsgTag.flagMask)
            | UInt64(truncatingIfNeeded: items & 0x3F) << 6 | UInt64(truncatingIfNeeded: words & 0x3F)
    }

    public var words: Int { Int(raw & 0x3F) }
    public var items: Int { Int((raw >> 6) & 0x3F) }
    public var flags: UInt64 { raw & MsgTag.flagMask }
    /// The signed label (protocol id, user label or kernel result).
    public var label: Int64 { Int64(bitPattern: raw) >> 16 }
    public var hasError: Bool { raw & MsgTag.error != 0 }
}

/// Reserved kernel protocol labels (kernel-api §1, `L4_msgtag_protocol`).
public enum Proto {
    public static let irq: Int64 = -1
    public static let pageFault: Int64 = -2
    public static let exception: Int64 = -5
    public static let kobject: Int64 = -10
    public static let task: Int64 = -11
    public static let thread: Int64 = -12
    public static let scheduler: Int64 = -14
    public static let factory: Int64 = -15
    public static let irqSender: Int64 = -18
}

/// IPC error codes as written to the UTCB `error` TCR (kernel-api §6.9);
/// bit 0 is the phase (0 send, 1 receive).
public enum IpcErrorCode: UInt64, Hashable, Sendable, CaseIterable {
    case setimeout = 0x02, retimeout = 0x03, enotExistent = 0x04
    case secanceled = 0x06, recanceled = 0x07, semsgcut = 0x08, remsgcut = 0x09
    case semapfailed = 0x10, remapfailed = 0x11, noReplyCap = 0x13

    public var isReceivePhase: Bool { rawValue & 1 == 1 }

    /// The same error seen by the other side of a failed transfer (`L4_error::Rcv`).
    var receiveSide: IpcErrorCode {
        switch self {
        case .semsgcut: .remsgcut
        case .semapfailed: .remapfailed
        default: self
        }
    }
}

/// `-L4_Exxx` results in the reply tag label (kernel-api §1, `err.h`).
public enum L4Err: Int64, Hashable, Sendable, CaseIterable {
    case eperm = 1, enoent = 2, enomem = 12, efault = 14, ebusy = 16, eexist = 17, enodev = 19
    case einval = 22, erange = 34, enosys = 38, ebadproto = 39, emsgtooshort = 1001, emsgtoolong = 1002

    /// The negative label the kernel writes.
    public var label: Int64 { -rawValue }
}

/// What one entry into the kernel produced for the thread that acted, in the
/// kernel's two result channels (kernel-api §1) plus the non-syscall cases.
public enum KernelOutcome: Hashable, Sendable, CustomStringConvertible {
    /// Success; `value` is the label of operations that return one (cap_valid,
    /// cap_equal, irq detach), nil otherwise.
    case ok(value: Int64?)
    /// An IPC error (tag error flag + UTCB error code).
    case ipcError(IpcErrorCode)
    /// A negative `-L4_Exxx` result label.
    case error(L4Err)
    /// The acting thread blocked; its result arrives when it is woken.
    case blocked
    /// No thread runs on the CPU.
    case idle
    /// The current thread was dying: its deferred teardown ran (kernel-api §5.3).
    case tornDown
    /// The kernel killed the thread (page fault without pager, kernel-api §6.6).
    case killed
    /// The current thread re-ran its faulting access (kernel-api §6.6).
    case faultRetried

    public static let success = KernelOutcome.ok(value: nil)

    public var description: String {
        switch self {
        case .ok(nil): "ok"
        case .ok(let v?): "ok(\(v))"
        case .ipcError(let e): "\(e)"
        case .error(let e): "\(e)"
        case .blocked: "blocked"
        case .idle: "idle"
        case .tornDown: "torn_down"
        case .killed: "killed"
        case .faultRetried: "fault_retried"
        }
    }
}

/// The return of one kernel entry point.
public struct Exit: Hashable, Sendable {
    public var outcome: KernelOutcome
    /// The thread that acted (the CPU's current thread), nil for idle and IRQ lines.
    public var thread: Int?
    /// The acting thread's registers as the kernel returned them (nil while it is blocked).
    public var registers: Registers?

    public init(_ outcome: KernelOutcome, thread: Int?, registers: Registers? = nil) {
        self.outcome = outcome
        self.thread = thread
        self.registers = registers
    }
}

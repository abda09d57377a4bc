/// `-L4_Exxx` results (kernel-api §1, §3): negative labels in the reply tag.
public enum L4Error: UInt8, Sendable, CaseIterable, CustomStringConvertible, BitwiseCopyable {
    case eperm = 1, enoent = 2, enomem = 12, ebusy = 16, eexist = 17, enodev = 19
    case einval = 22, erange = 34, enosys = 38, ebadproto = 39, emsgtooshort = 40, emsgtoolong = 41
    /// The raw negative value the kernel puts in the label (`-L4_Exxx`).
    public var code: Int { -Int(rawValue) }
    public var description: String {
        switch self {
        case .eperm: "EPERM"
        case .enoent: "ENOENT"
        case .enomem: "ENOMEM"
        case .ebusy: "EBUSY"
        case .eexist: "EEXIST"
        case .enodev: "ENODEV"
        case .einval: "EINVAL"
        case .erange: "ERANGE"
        case .enosys: "ENOSYS"
        case .ebadproto: "EBADPROTO"
        case .emsgtooshort: "EMSGTOOSHORT"
        case .emsgtoolong: "EMSGTOOLONG"
        }
    }
}

/// IPC errors (kernel-api §6.9), raw code as in the UTCB `error` TCR;
/// bit 0 is the phase (0 send, 1 receive).
public enum IpcError: UInt8, Sendable, CaseIterable, CustomStringConvertible, BitwiseCopyable {
    case setimeout = 0x02, retimeout = 0x03, enotExistent = 0x04
    case secanceled = 0x06, recanceled = 0x07, semsgcut = 0x08, remsgcut = 0x09
    case semapfailed = 0x10, remapfailed = 0x11, noReplyCap = 0x13
    public var isReceivePhase: Bool { rawValue & 1 == 1 }
    public var description: String {
        switch self {
        case .setimeout: "SETIMEOUT"
        case .retimeout: "RETIMEOUT"
        case .enotExistent: "ENOT_EXISTENT"
        case .secanceled: "SECANCELED"
        case .recanceled: "RECANCELED"
        case .semsgcut: "SEMSGCUT"
        case .remsgcut: "REMSGCUT"
        case .semapfailed: "SEMAPFAILED"
        case .remapfailed: "REMAPFAILED"
        case .noReplyCap: "NO_REPLY_CAP"
        }
    }
}

/// What one step did for the thread that acted (or the event itself).
/// The two kernel result channels stay apart (kernel-api §1): `.ipc` versus `.error`.
public enum Outcome: Hashable, Sendable, CustomStringConvertible, BitwiseCopyable {
    /// Success; `value` is the returned label/word when the operation has one.
    case ok(value: Int? = nil)
    /// An IPC error (tag error flag + UTCB error code).
    case ipc(IpcError)
    /// A negative `-L4_Exxx` result label.
    case error(L4Error)
    /// The acting thread blocked; its result arrives when it is woken.
    case blocked
    /// No thread runs on the event's CPU: nothing happened.
    case idle
    /// The current thread was dying: this step ran its deferred teardown (kernel-api §5.3).
    case tornDown
    /// The thread was killed by the kernel (e.g. page fault without pager, kernel-api §6.6).
    case killed
    /// The current thread re-ran its faulting access (kernel-api §6.6: the access
    /// is retried when the thread next runs); its result is in the thread's state.
    case faultRetried

    public static let success = Outcome.ok(value: nil)

    public var description: String {
        switch self {
        case .ok(nil): "ok"
        case .ok(let v?): "ok(\(v))"
        case .ipc(let e): e.description
        case .error(let e): e.description
        case .blocked: "blocked"
        case .idle: "idle"
        case .tornDown: "torn_down"
        case .killed: "killed"
        case .faultRetried: "fault_retried"
        }
    }
}

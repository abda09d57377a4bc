import KernelImpl
import Spec

/// The two descriptions of the kernel duplicate their vocabulary on purpose
/// (DESIGN §1); this file is the only place that connects the two spellings.
/// Both sides use the kernel's own numbers (kernel-api §1, §2, §6.9), so most
/// conversions are by raw value; the exceptions are named.
typealias SpecKind = Spec.ObjectKind
typealias ImplKind = KernelImpl.ObjectKind

enum Vocabulary {
    static func implKind(_ k: SpecKind) -> ImplKind {
        switch k {
        case .task: .task
        case .thread: .thread
        case .gate: .gate
        case .irq: .irq
        case .factory: .factory
        case .scheduler: .scheduler
        }
    }

    static func specKind(_ k: ImplKind) -> SpecKind {
        switch k {
        case .task: .task
        case .thread: .thread
        case .gate: .gate
        case .irq: .irq
        case .factory: .factory
        case .scheduler: .scheduler
        }
    }

    /// `-L4_Exxx` codes: the same names; the spec stores EMSGTOOSHORT/-LONG in
    /// one byte (40/41), the implementation uses the kernel's 1001/1002 (`err.h`).
    static func specError(_ e: L4Err) -> L4Error? {
        switch e {
        case .eperm: .eperm
        case .enoent: .enoent
        case .enomem: .enomem
        case .efault: nil
        case .ebusy: .ebusy
        case .eexist: .eexist
        case .enodev: .enodev
        case .einval: .einval
        case .erange: .erange
        case .enosys: .enosys
        case .ebadproto: .ebadproto
        case .emsgtooshort: .emsgtooshort
        case .emsgtoolong: .emsgtoolong
        }
    }

    /// IPC error codes are the UTCB `error` TCR values on both sides (§6.9).
    static func specIpcError(_ code: UInt64) -> IpcError? {
        code <= 0xFF ? IpcError(rawValue: UInt8(code)) : nil
    }

    /// The implementation's own summary of a kernel entry, in spec terms;
    /// nil for a code the spec has no name for (`-EFAULT`).
    /// `ok` values are kept; comparisons that the spec cannot make drop them.
    static func outcome(_ o: KernelOutcome) -> Outcome? {
        switch o {
        case .ok(let v): .ok(value: v.map { Int(truncatingIfNeeded: $0) })
        case .ipcError(let e): specIpcError(e.rawValue).map { .ipc($0) }
        case .error(let e): specError(e).map { .error($0) }
        case .blocked: .blocked
        case .idle: .idle
        case .tornDown: .tornDown
        case .killed: .killed
        case .faultRetried: .faultRetried
        }
    }

    /// A result for reports and comparison: its spec name, or the
    /// implementation's with a note (which never equals a spec result).
    static func describe(_ o: KernelOutcome) -> String {
        outcome(o)?.description ?? "\(o) (no spec counterpart)"
    }

    /// 16-bit two's complement of a kernel protocol label, as the spec stores it.
    static func label16(_ label: Int64) -> UInt16 { UInt16(truncatingIfNeeded: label) }
}

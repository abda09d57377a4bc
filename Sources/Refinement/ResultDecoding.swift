import KernelImpl
import Spec

/// Reading results back the way user code does (kernel-api §1 "Two distinct
/// result channels"): the tag's error flag with the code in the UTCB `error`
/// TCR is an IPC error; otherwise a negative tag label is a `-L4_Exxx`
/// result of a kernel object — unless the call received a message, whose tag
/// label is the sender's protocol (a page fault's -2, §6.6). Which of the two
/// a negative label is can only be told from what was invoked, as in user code.
enum ResultDecoding {
    /// The spec operations whose result label is their value (§3.1 cap_info, §3.6 detach).
    static func returnsValue(_ inv: Invocation) -> Bool {
        switch inv {
        case .taskCapValid, .taskCapEqual, .irqDetach: true
        default: false
        }
    }

    /// Whether a negative tag label returned by `inv` is a received message's
    /// protocol rather than an error: receive-type IPC on a thread or gate
    /// (or on oneself); `invoked` is the kind of the object the selector named.
    static func receivesMessages(_ inv: Invocation, invoked: ImplKind?) -> Bool {
        switch inv {
        case .ipcWait, .ipcReplyAndWait: true
        case .ipcReceive: invoked == .thread || invoked == .gate
        default: false
        }
    }

    /// The acting thread's result from the returned registers and its UTCB.
    /// Entries that return no registers (ticks, IRQ lines, memory accesses,
    /// blocking, teardown, fault retry) report through the exit itself.
    /// A call without a receive phase gets only IPC errors back (§1 "Without
    /// a receive phase"): its tag register still holds the tag it passed in,
    /// so an unchanged tag means success; only a task writes `-EBADPROTO`.
    /// nil when the registers hold a code the spec has no name for.
    static func actor(_ exit: Exit, utcb: Utcb?, call: EncodedCall, invocation: Invocation?, invoked: ImplKind?) -> Outcome? {
        switch exit.outcome {
        case .blocked, .idle, .tornDown, .killed, .faultRetried: return Vocabulary.outcome(exit.outcome)
        case .ok, .ipcError, .error: break
        }
        guard let regs = exit.registers, let invocation else { return Vocabulary.outcome(exit.outcome) }
        let tag = MsgTag(raw: regs.tag)
        if tag.hasError { return ipcError(utcb?.error ?? 0) }
        if call.registers.destination & Abi.recv == 0 && regs.tag == call.registers.tag { return .success }
        if tag.label < 0 && !receivesMessages(invocation, invoked: invoked) {
            guard tag.label >= -Int64(UInt16.max), let e = L4Err(rawValue: -tag.label) else { return nil }
            return Vocabulary.specError(e).map { .error($0) }
        }
        return .ok(value: returnsValue(invocation) ? Int(truncatingIfNeeded: tag.label) : nil)
    }

    /// A blocked thread's result once it was woken: only the error flag and
    /// code tell (a received message's label is data, §6.3).
    static func woken(tag raw: UInt64, utcb: Utcb) -> Outcome? {
        MsgTag(raw: raw).hasError ? ipcError(utcb.error) : .success
    }

    /// `l4_ipc_error`: the TCR masked with `L4_IPC_ERROR_MASK` (0x1F).
    static func ipcError(_ code: UInt64) -> Outcome? {
        Vocabulary.specIpcError(code & 0x1F).map { .ipc($0) }
    }
}

/// A received message in comparable form.
struct ReceivedMessage: Equatable, Sendable, CustomStringConvertible {
    var words: [UInt16]
    var label: UInt16
    var description: String { "words \(words) label \(label)" }
}

/// What a thread of the implementation received, read from its registers
/// and MRs right after the step (DESIGN §8 "received words, labels").
struct ImplMessage: Sendable {
    var tag: MsgTag
    var labelRegister: UInt64
    var mr0: UInt64
    var mr1: UInt64

    init(registers: Registers, utcb: Utcb) {
        tag = MsgTag(raw: registers.tag)
        labelRegister = registers.label
        mr0 = utcb[mr: 0]
        mr1 = utcb[mr: 1]
    }

    /// The words the spec can carry (`Capacity.words`), truncated to 16 bits as the spec's words are.
    var words: [UInt16] {
        Array([UInt16(truncatingIfNeeded: mr0), UInt16(truncatingIfNeeded: mr1)].prefix(min(tag.words, Capacity.words)))
    }

    /// The message in spec terms, for reports.
    var description: String {
        "tag label \(tag.label), \(tag.words) word(s) \(words), label register \(labelRegister)"
    }

    /// Whether this is what the spec delivered. Three cases:
    /// * User IPC and IRQ messages (tag label 0): words and label register
    ///   must equal the spec's words and label.
    /// * Page faults (tag label -2, kernel-api §6.6): the implementation
    ///   sends MR0 = fault address | 0x2 for a write and MR1 = the faulting
    ///   IP, the spec `[page, write]`; compared up to that encoding. Through a
    ///   thread cap the label register is 0 (§6.7 "via thread cap: 0") where
    ///   the spec, which has one label for tag and register, shows -2; through
    ///   a gate both carry gate label | W/S.
    /// * Other kernel protocols, i.e. a kernel operation invoked on a thread or
    ///   gate cap (§1 dispatch): the implementation delivers the operation's
    ///   real MRs, the spec the protocol label only; only the label is compared.
    func matches(_ spec: ReceivedMessage) -> Bool {
        let reg16 = UInt16(truncatingIfNeeded: labelRegister)
        switch tag.label {
        case 0:
            return words == spec.words && reg16 == spec.label
        case Proto.pageFault:
            let fault: [UInt16] = [UInt16(truncatingIfNeeded: mr0 >> 12), mr0 & Kernel.pageFaultWriteBit != 0 ? 1 : 0]
            let label = labelRegister == 0 ? Vocabulary.label16(Proto.pageFault) : reg16
            return tag.words == 2 && fault == spec.words && label == spec.label
        default:
            return reg16 == spec.label
        }
    }
}

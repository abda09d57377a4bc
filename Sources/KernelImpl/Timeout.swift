/// L4 timeouts (kernel-api §1 "Timeouts", `__timeout.h`): 16 bits each.
/// Raw 0 = never. Bit 15 clear: relative, mantissa (bits 0–9) × 2^exponent
/// (bits 10–14) µs; a mantissa of 0 (the canonical zero is raw 0x0400) is an
/// already expired timeout. Bit 15 set: absolute, the low 6 bits index the
/// buffer register holding the 64-bit kernel-clock deadline.
struct L4Timeout: Equatable {
    let raw: UInt16

    /// The send half (bits 16–31) and the receive half (bits 0–15) of the register.
    static func pair(_ register: UInt64) -> (send: L4Timeout, receive: L4Timeout) {
        (L4Timeout(raw: UInt16(truncatingIfNeeded: register >> 16)), L4Timeout(raw: UInt16(truncatingIfNeeded: register)))
    }

    /// When a wait with this timeout ends, seen at clock `now`.
    /// `zeroMeansNever` is the seeded fault `zeroTimeoutNever` (`FaultInjection.swift`).
    func deadline(now: UInt64, utcb: Utcb, zeroMeansNever: Bool = false) -> Deadline {
        if raw == 0 { return .never }
        if raw & 0x8000 != 0 {
            let at = utcb[br: Int(raw & 0x3F)]
            return at > now ? .at(at) : .expired
        }
        let mantissa = UInt64(raw & 0x3FF), exponent = UInt64((raw >> 10) & 0x1F)
        guard mantissa != 0 else { return zeroMeansNever ? .never : .expired }
        let (end, overflow) = now.addingReportingOverflow(mantissa << exponent)
        return overflow ? .never : .at(end)
    }
}

/// The end of a wait: never, already over, or at a kernel-clock time (µs).
enum Deadline: Equatable {
    case never
    case expired
    case at(UInt64)

    var time: UInt64? {
        if case .at(let t) = self { return t }
        return nil
    }
}

/// Raw timeout values for callers (kernel-api §1).
public enum Timeouts {
    /// `L4_IPC_TIMEOUT_NEVER`.
    public static let never: UInt16 = 0
    /// `L4_IPC_TIMEOUT_0`: mantissa 0, exponent 1.
    public static let zero: UInt16 = 0x0400
    /// A relative timeout of `mantissa × 2^exponent` µs.
    public static func relative(mantissa: UInt16, exponent: UInt16) -> UInt16 { (exponent & 0x1F) << 10 | (mantissa & 0x3FF) }
}

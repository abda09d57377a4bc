import SMT

/// What a system call returns, in `Spec`'s result encoding (Ipc.swift
/// `ResultCode`: kind 1 ok, 2 IPC error, 3 `-L4_Exxx`), plus the word an
/// `ok` may carry (cap_valid / cap_equal).
public struct SymbolicOutcome {
    public var kind: Expr
    public var code: Expr
    public var hasValue: Expr
    public var value: Expr

    static func ok(_ v: Vocabulary) throws(SMTError) -> SymbolicOutcome {
        SymbolicOutcome(kind: try v.b8(1), code: try v.b8(0), hasValue: try v.truth(false), value: try v.b8(0))
    }
    static func ok(value: Expr, _ v: Vocabulary) throws(SMTError) -> SymbolicOutcome {
        SymbolicOutcome(kind: try v.b8(1), code: try v.b8(0), hasValue: try v.truth(true), value: value)
    }
    /// An IPC error code (kernel-api §6.9), `Spec.IpcError` raw value.
    static func ipc(_ code: UInt8, _ v: Vocabulary) throws(SMTError) -> SymbolicOutcome {
        SymbolicOutcome(kind: try v.b8(2), code: try v.b8(code), hasValue: try v.truth(false), value: try v.b8(0))
    }
    /// A `-L4_Exxx` result (kernel-api §1), `Spec.L4Error` raw value.
    static func error(_ code: UInt8, _ v: Vocabulary) throws(SMTError) -> SymbolicOutcome {
        SymbolicOutcome(kind: try v.b8(3), code: try v.b8(code), hasValue: try v.truth(false), value: try v.b8(0))
    }

    static func ite(_ c: Expr, _ a: SymbolicOutcome, _ b: SymbolicOutcome) throws(SMTError) -> SymbolicOutcome {
        SymbolicOutcome(kind: try c.ite(a.kind, b.kind), code: try c.ite(a.code, b.code),
                        hasValue: try c.ite(a.hasValue, b.hasValue), value: try c.ite(a.value, b.value))
    }

    public func isOk(_ v: Vocabulary) throws(SMTError) -> Expr { try kind.eq(v.b8(1)) }

    /// The caller waits (`Outcome.blocked`, result encoding 0).
    static func blocked(_ v: Vocabulary) throws(SMTError) -> SymbolicOutcome {
        SymbolicOutcome(kind: try v.b8(0), code: try v.b8(0), hasValue: try v.truth(false), value: try v.b8(0))
    }
}

/// One symbolic step: the successor state, the result, and whether the
/// concrete path lies inside the encoding (`inScope`). Paths the encoding
/// leaves out — destroying a task, a thread or an Irq, a gate with blocked
/// senders, a weak capability's last release, IPC through a thread or gate —
/// make `inScope` false; obligations are discharged under `inScope`, and the
/// explorer covers the rest (the report says so).
public struct SymbolicStep {
    public var state: SymbolicState
    public var outcome: SymbolicOutcome
    public var inScope: Expr
    /// The messages the step handed over (IPC-1, IPC-2); none outside IPC.
    public var deliveries: Deliveries
}

/// Error codes used by the encoded operations (`Spec.L4Error`/`IpcError` raw values).
enum Code {
    static let eperm: UInt8 = 1, enoent: UInt8 = 2, enomem: UInt8 = 12, einval: UInt8 = 22, ebadproto: UInt8 = 39
    static let setimeout: UInt8 = 0x02, retimeout: UInt8 = 0x03, enotExistent: UInt8 = 0x04
    static let secanceled: UInt8 = 0x06, recanceled: UInt8 = 0x07, remsgcut: UInt8 = 0x09
}

/// Object kinds (`Spec.ObjectKind` raw values) and lives (`Spec.Life`).
public enum Kind {
    public static let task: UInt8 = 1, thread: UInt8 = 2, gate: UInt8 = 3, irq: UInt8 = 4, factory: UInt8 = 5, scheduler: UInt8 = 6
}
public enum LifeValue {
    public static let free: UInt8 = 0, live: UInt8 = 1, zombie: UInt8 = 2
}

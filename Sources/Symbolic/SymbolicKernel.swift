import SMT

/// The system calls of the capability, memory and quota core as Z3 terms
/// (issue "Z3 proofs", point 2). A rule takes a state whose fields may be
/// symbolic constants (proofs) or concrete store chains (the differential
/// test against `Spec`), and builds the successor; one description serves
/// both, so what the test checks is what the prover uses.
///
/// The rule files follow `Spec`'s: object spaces (SymbolicObjectSpace),
/// mapping trees (SymbolicMapping), objects and quotas (SymbolicDeletion,
/// SymbolicFactory), dispatch (SymbolicSyscall).
public struct SymbolicKernel {
    public let v: Vocabulary
    /// Deliberate defects for the weak-check tests (issue point 6); empty
    /// everywhere else.
    public let weakening: Weakening

    public init(_ v: Vocabulary, weakening: Weakening = []) {
        self.v = v
        self.weakening = weakening
    }
}

/// Test-only mutations of the encoding: each removes one clause a proof
/// relies on; the differential tests show each is observable against
/// `Spec` (a check that cannot fail proves nothing).
public struct Weakening: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Map ignores the caller's rights mask (kernel-api §4.5).
    public static let noRightsMask = Weakening(rawValue: 1 << 0)
    /// Deleting an object leaves the slots that name it (§5.3 step 1).
    public static let keepStaleSlots = Weakening(rawValue: 1 << 4)
    /// Grant leaves the source capability in place (§4.7).
    public static let grantKeepsSource = Weakening(rawValue: 1 << 5)
    /// Unmap and downgrade touch the node itself only, not its descendants (§5.1).
    public static let flatRevoke = Weakening(rawValue: 1 << 6)
    /// Freeing an object returns nothing to its account (§3.4, MEM-3).
    public static let noRefund = Weakening(rawValue: 1 << 7)
    /// A create is charged even beyond the account's limit (§3.4, MEM-1).
    public static let noLimitCheck = Weakening(rawValue: 1 << 8)
    /// A reply (or a send to the waiting caller) leaves the reply slot filled (§6.4, IPC-4).
    public static let replyKeepsSlot = Weakening(rawValue: 1 << 9)
    /// A receive leaves the sender it took in the queue (§6.3, IPC-3).
    public static let receiveKeepsQueued = Weakening(rawValue: 1 << 10)
    /// A gate passes the sender's own label instead of its label (§3.3, IPC-2).
    public static let senderChosenGateLabel = Weakening(rawValue: 1 << 11)
    /// A send through any capability goes to the thread with the cap's object index (§6.1, IPC-1).
    public static let anyCapSends = Weakening(rawValue: 1 << 12)
    /// Detaching an Irq leaves its queued delivery in the thread's sender list (§7, IRQ-1).
    public static let detachKeepsQueued = Weakening(rawValue: 1 << 13)
    /// A receive takes the chosen sender without checking it is queued at the receiver (§6.3, IPC-1).
    public static let receiveUnchecked = Weakening(rawValue: 1 << 14)
    /// gate.bind_thread does not require S on the gate (§3.3, IPC-2).
    public static let bindWithoutS = Weakening(rawValue: 1 << 15)
    /// ex_regs cancel leaves a sending thread in its receiver's queue (§3.2, IPC-3).
    public static let cancelKeepsQueued = Weakening(rawValue: 1 << 16)
    /// A hit queues the Irq without marking its delivery queued (§7, IRQ-1).
    public static let irqQueueUnmarked = Weakening(rawValue: 1 << 17)
    /// Unmask clears the mask even with a delivery pending (§7, IRQ-1).
    public static let unmaskAlways = Weakening(rawValue: 1 << 18)
    /// Inserting a counted capability leaves the object's counter (§5.2, CAP-5).
    public static let uncountedInsert = Weakening(rawValue: 1 << 19)
    /// A factory's create takes a limit whose reservation 1 + limit wraps (§3.4, AUX-RESERVE).
    public static let noLimitOverflowCheck = Weakening(rawValue: 1 << 20)
}

// MARK: - Addressing

extension SymbolicKernel {
    /// The position of a slot or page: `task ‖ index`.
    public func at(_ task: Expr, _ index: Expr) throws(SMTError) -> Expr { try task.concat(index) }
    /// An object: `kind ‖ index`.
    public func ref(_ kind: Expr, _ index: Expr) throws(SMTError) -> Expr { try kind.concat(index) }
    public func ref(_ kind: UInt8, _ index: Expr) throws(SMTError) -> Expr { try v.b8(kind).concat(index) }
    public func kindOf(_ ref: Expr) throws(SMTError) -> Expr { try ref.extract(high: 15, low: 8) }
    public func indexOf(_ ref: Expr) throws(SMTError) -> Expr { try ref.extract(high: 7, low: 0) }

    /// `Spec.KernelState.life(of:)`: the scheduler singleton is always live.
    public func life(_ s: SymbolicState, _ ref: Expr) throws(SMTError) -> Expr {
        try kindOf(ref).eq(v.b8(Kind.scheduler)).ite(v.b8(LifeValue.live), s.life.select(ref))
    }
    public func isLive(_ s: SymbolicState, _ ref: Expr) throws(SMTError) -> Expr { try life(s, ref).eq(v.b8(LifeValue.live)) }
    /// A table entry that holds an object, live or a zombie (the scheduler is no table entry).
    public func isAllocated(_ s: SymbolicState, _ ref: Expr) throws(SMTError) -> Expr {
        try kindOf(ref).ne(v.b8(Kind.scheduler)).and(s.life.select(ref).ne(v.b8(LifeValue.free)))
    }

    /// Bit test on an 8-bit field.
    public func has(_ bits: Expr, _ mask: UInt8) throws(SMTError) -> Expr { try bits.bvand(v.b8(mask)).ne(v.b8(0)) }

    /// Conditionally applied update: `c ? f(s) : s`, with the scope of the
    /// taken branch only.
    func when(_ c: Expr, _ s: SymbolicState, _ f: (SymbolicState) throws(SMTError) -> Scoped) throws(SMTError) -> Scoped {
        let r = try f(s)
        return Scoped(try SymbolicState.ite(c, r.state, s), inScope: try c.implies(r.inScope))
    }
}

/// A state together with whether the path that built it is encoded.
struct Scoped {
    var state: SymbolicState
    var inScope: Expr
    init(_ state: SymbolicState, inScope: Expr) {
        self.state = state
        self.inScope = inScope
    }
    init(_ state: SymbolicState, _ v: Vocabulary) throws(SMTError) {
        self.state = state
        inScope = try v.truth(true)
    }
    /// Sequential composition: both parts must be in scope.
    func then(_ f: (SymbolicState) throws(SMTError) -> Scoped) throws(SMTError) -> Scoped {
        let r = try f(state)
        return Scoped(r.state, inScope: try inScope.and(r.inScope))
    }
}

import SMT

/// The kernel state as Z3 arrays (issue "Z3 proofs", point 2; DESIGN §7):
/// the part of `KernelState` that capabilities, memory mappings and kernel-
/// memory quotas live in, with every table indexed by bit-vectors.
///
/// Each array mirrors one `Spec` field (named in the comment) so the
/// differential test can compare field by field. `ancestor` is a ghost: the
/// transitive closure of the mapping tree's parent links, which `Spec`
/// recomputes by walking parent chains (MappingTree.swift); carrying it in the
/// state is what makes recursive revocation a single λ (properties §9 step 4:
/// "depth/tree-id ghosts for trees").
public struct SymbolicState {
    // Object spaces, indexed by task ‖ slot — `KernelState.slots`.
    public var slotKind: Expr      // Slot.kindRaw (0 = empty)
    public var slotObject: Expr    // Slot.object
    public var slotRights: Expr    // Slot.rightsRaw
    public var slotFlags: Expr     // Slot.flags (counted 0x1, server 0x2)
    // Memory spaces, indexed by node = task ‖ page — `KernelState.pages`.
    public var pageFrame: Expr     // PageEntry.frame (0xFF = unmapped)
    public var pageRights: Expr    // PageEntry.rightsRaw
    public var pageParent: Expr    // PageEntry.parent as a node (meaningless when rooted)
    public var pageRooted: Expr    // PageEntry.parent == noID (derived from sigma0)
    public var ancestor: Expr      // ghost: ancestor[a ‖ n] ⇔ a is a strict ancestor of n
    // Object headers, indexed by kind ‖ index.
    public var life: Expr          // Life raw value (scheduler: always live)
    public var counted: Expr       // counted-capability counter (kernel-api §5.2)
    public var quota: Expr         // account charged (factories: parent account)
    // Quota accounts, indexed by factory — `FactoryRecord`.
    public var limit: Expr
    public var used: Expr
    public var unlimited: Expr
    // The few thread and gate fields the encoded operations read.
    public var threadTask: Expr    // ThreadRecord.task
    public var gateThread: Expr    // GateRecord.thread
    public var gateWaitHead: Expr  // GateRecord.waitHead
    public var gateLabel: Expr     // GateRecord.label (16 bits)
    // IPC (kernel-api §6; Spec Ipc.swift), indexed by thread — `ThreadRecord`.
    public var threadState: Expr   // ThreadRecord.stateRaw
    public var partner: Expr       // ThreadRecord.partner (sender encoding)
    public var pending: Expr       // ThreadRecord.pendingRaw
    public var replyTo: Expr       // ThreadRecord.replyTo (implicit reply slot)
    public var dying: Expr         // ThreadRecord.dying
    public var prio: Expr          // ThreadRecord.prio
    public var sendLabel: Expr     // ThreadRecord.sendLabel (16 bits)
    public var rcvLabel: Expr      // ThreadRecord.rcvLabel (16 bits)
    public var sendRights: Expr    // ThreadRecord.sendRights
    public var receiveZero: Expr   // ThreadRecord.receiveTimeoutZero
    public var sendItem: Expr      // ThreadRecord.sendItemKind
    /// The sender queues as a membership function (properties §1.2: "a
    /// membership predicate plus a position function"): for a sender (thread
    /// id, or 0x80 | Irq), the queue it is in — `thread ‖ r` for r's sender
    /// list, `gate ‖ g` for g's wait queue, 0 for none. The order is
    /// abstracted away: which queued sender a receive takes is an argument of
    /// the call (`IpcCall.picked`), so a proof covers every order.
    public var queuedAt: Expr
    // Irqs (kernel-api §7; Spec Irq.swift), indexed by Irq — `IrqRecord`.
    public var irqThread: Expr     // IrqRecord.thread
    public var irqDelivery: Expr   // IrqRecord.deliveryRaw (idle 0, queued 1, pending 2)
    public var irqMasked: Expr     // IrqRecord.masked
    public var irqLabel: Expr      // IrqRecord.label (16 bits)
    /// Ghost: the policy domain owning each object (tasks: their domain;
    /// objects created at run time: the creating task's domain). Not part of
    /// `Spec`'s state, so the differential test does not compare it.
    public var owner: Expr
    /// Ghost: per-account prefix sums of the charged objects' costs
    /// (SymbolicLedger.swift; MEM-2). Determined by `life`, `quota` and
    /// `limit`, not a field of `Spec`'s state.
    public var ledger: Expr
    /// Ghost: per-object prefix counts of the counted slots naming it
    /// (SymbolicRefLedger.swift; CAP-5's exact count). Determined by the
    /// slot arrays, not a field of `Spec`'s state.
    public var refLedger: Expr
    // Configuration (constant during a run).
    public var slotBound: Expr
    public var pageBound: Expr

    /// An arbitrary state: every field a fresh array constant named `prefix.field`.
    public init(named prefix: String, _ v: Vocabulary) throws(SMTError) {
        func array(_ name: String, _ index: Sort, _ element: Sort) throws(SMTError) -> Expr {
            try v.context.constant("\(prefix).\(name)", v.context.array(index, element))
        }
        slotKind = try array("slotKind", v.bv16, v.bv8)
        slotObject = try array("slotObject", v.bv16, v.bv8)
        slotRights = try array("slotRights", v.bv16, v.bv8)
        slotFlags = try array("slotFlags", v.bv16, v.bv8)
        pageFrame = try array("pageFrame", v.bv16, v.bv8)
        pageRights = try array("pageRights", v.bv16, v.bv8)
        pageParent = try array("pageParent", v.bv16, v.bv16)
        pageRooted = try array("pageRooted", v.bv16, v.bool)
        ancestor = try array("ancestor", v.bv32, v.bool)
        life = try array("life", v.bv16, v.bv8)
        counted = try array("counted", v.bv16, v.bv8)
        quota = try array("quota", v.bv16, v.bv8)
        limit = try array("limit", v.bv8, v.bv16)
        used = try array("used", v.bv8, v.bv16)
        unlimited = try array("unlimited", v.bv8, v.bool)
        threadTask = try array("threadTask", v.bv8, v.bv8)
        gateThread = try array("gateThread", v.bv8, v.bv8)
        gateWaitHead = try array("gateWaitHead", v.bv8, v.bv8)
        gateLabel = try array("gateLabel", v.bv8, v.bv16)
        threadState = try array("threadState", v.bv8, v.bv8)
        partner = try array("partner", v.bv8, v.bv8)
        pending = try array("pending", v.bv8, v.bv8)
        replyTo = try array("replyTo", v.bv8, v.bv8)
        dying = try array("dying", v.bv8, v.bv8)
        prio = try array("prio", v.bv8, v.bv8)
        sendLabel = try array("sendLabel", v.bv8, v.bv16)
        rcvLabel = try array("rcvLabel", v.bv8, v.bv16)
        sendRights = try array("sendRights", v.bv8, v.bv8)
        receiveZero = try array("receiveZero", v.bv8, v.bv8)
        sendItem = try array("sendItem", v.bv8, v.bv8)
        queuedAt = try array("queuedAt", v.bv8, v.bv16)
        irqThread = try array("irqThread", v.bv8, v.bv8)
        irqDelivery = try array("irqDelivery", v.bv8, v.bv8)
        irqMasked = try array("irqMasked", v.bv8, v.bv8)
        irqLabel = try array("irqLabel", v.bv8, v.bv16)
        owner = try array("owner", v.bv16, v.bv8)
        ledger = try array("ledger", v.bv32, v.bv16)
        refLedger = try array("refLedger", v.bv32, v.bv16)
        slotBound = try v.context.constant("\(prefix).slotBound", v.bv8)
        pageBound = try v.context.constant("\(prefix).pageBound", v.bv8)
    }

    /// Every array field with its name, in declaration order (for merging,
    /// read-back and equality).
    static var arrayFields: [(String, WritableKeyPath<SymbolicState, Expr>)] { [
        ("slotKind", \.slotKind), ("slotObject", \.slotObject), ("slotRights", \.slotRights), ("slotFlags", \.slotFlags),
        ("pageFrame", \.pageFrame), ("pageRights", \.pageRights), ("pageParent", \.pageParent), ("pageRooted", \.pageRooted),
        ("ancestor", \.ancestor), ("life", \.life), ("counted", \.counted), ("quota", \.quota),
        ("limit", \.limit), ("used", \.used), ("unlimited", \.unlimited),
        ("threadTask", \.threadTask), ("gateThread", \.gateThread), ("gateWaitHead", \.gateWaitHead), ("gateLabel", \.gateLabel),
        ("threadState", \.threadState), ("partner", \.partner), ("pending", \.pending), ("replyTo", \.replyTo),
        ("dying", \.dying), ("prio", \.prio), ("sendLabel", \.sendLabel), ("rcvLabel", \.rcvLabel),
        ("sendRights", \.sendRights), ("receiveZero", \.receiveZero), ("sendItem", \.sendItem), ("queuedAt", \.queuedAt),
        ("irqThread", \.irqThread), ("irqDelivery", \.irqDelivery), ("irqMasked", \.irqMasked), ("irqLabel", \.irqLabel),
        ("owner", \.owner), ("ledger", \.ledger), ("refLedger", \.refLedger),
    ] }

    /// Fields the differential test against `Spec` does not compare: ghosts
    /// `Spec` has no counterpart of (`owner`, the policy domain). A ghost
    /// that `Spec` determines (`ancestor`, the closure of the parent links)
    /// is compared and does not belong here — except the ledgers, functions
    /// of the whole state over 2³² positions: `LedgerTests` compares them
    /// with the ledgers of `Spec`'s next state on random walks instead.
    public static let ghostFields: Set<String> = ["owner", "ledger", "refLedger"]

    /// Positions where `Spec` leaves a field meaningless, so the differential
    /// test skips them: `field` at position p is not compared where the
    /// expected (`Spec`) state's `unless` field holds `value` at p. A rooted
    /// page has no parent in `Spec` (`PageEntry.parent` is noID); the
    /// encoding leaves whatever `pageParent` held.
    public static let dontCare: [(field: String, unless: String, value: Literal)] = [
        ("pageParent", "pageRooted", .truth(true)),
    ]

    /// Every field, the configuration included: for evaluating a state in
    /// a model or substituting one state for another.
    public static var fields: [(String, WritableKeyPath<SymbolicState, Expr>)] {
        arrayFields + [("slotBound", \.slotBound), ("pageBound", \.pageBound)]
    }

    /// The terms of every field, in `fields` order (for substituting one
    /// state for another).
    public var fieldTerms: [Expr] { Self.fields.map { self[keyPath: $0.1] } }

    /// `condition ? a : b`, field by field (the configuration is shared).
    public static func ite(_ condition: Expr, _ a: SymbolicState, _ b: SymbolicState) throws(SMTError) -> SymbolicState {
        var r = b
        for (_, k) in arrayFields { r[keyPath: k] = try condition.ite(a[keyPath: k], b[keyPath: k]) }
        return r
    }

    /// Field-wise equality of two states (same configuration assumed).
    public func equals(_ o: SymbolicState, _ v: Vocabulary) throws(SMTError) -> Expr {
        var terms: [Expr] = []
        for (_, k) in Self.arrayFields { terms.append(try self[keyPath: k].eq(o[keyPath: k])) }
        terms.append(try slotBound.eq(o.slotBound))
        terms.append(try pageBound.eq(o.pageBound))
        return try v.context.and(terms)
    }
}

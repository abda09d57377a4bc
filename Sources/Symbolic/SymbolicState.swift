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
    /// Ghost: the policy domain owning each object (tasks: their domain;
    /// objects created at run time: the creating task's domain). Not part of
    /// `Spec`'s state, so the differential test does not compare it.
    public var owner: Expr
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
        owner = try array("owner", v.bv16, v.bv8)
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
        ("threadTask", \.threadTask), ("gateThread", \.gateThread), ("gateWaitHead", \.gateWaitHead),
        ("owner", \.owner),
    ] }

    /// Every field, the configuration included: for evaluating a state in
    /// a model or substituting one state for another.
    public static var fields: [(String, WritableKeyPath<SymbolicState, Expr>)] {
        arrayFields + [("slotBound", \.slotBound), ("pageBound", \.pageBound)]
    }

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

import SMT

/// The ghost behind CAP-5's exact count (properties §3.1 "counting without
/// cardinality", table row CAP-5): "an object's counter equals the number
/// of counted slots naming it" counts a set, which first-order logic cannot
/// state. As for MEM-2's ledger (SymbolicLedger.swift), the slot positions
/// `task ‖ index` form one fixed, ordered universe, so the ghost is a prefix
/// count per object: `refLedger[r ‖ p]` is the number of counted slots
/// below p that name r,
///
///     refLedger[r ‖ 0] = 0,   refLedger[r ‖ p+1] = refLedger[r ‖ p] + refItem(r, p),
///
/// and CAP-5 becomes `counted[r] = refTotal(r)`. A slot write at p moves
/// the counts of its old and its new object above p (one λ); deleting an
/// object empties every slot naming it and zeroes its row.
///
/// The counts are 16-bit and exact: the prefixes never decrease
/// (AUX-REFS-MONO, so none wrapped) and the total equals the 8-bit counter.
/// The counter's saturation (`Spec` clamps at 255, Fiasco counts in a
/// machine word) is out of scope (`insertCap`); `Spec`'s 32 slots never
/// reach it.
extension SymbolicKernel {
    /// Ledger position `r ‖ p` (32 bits: high half object, low half slot).
    public func refLedgerAt(_ r: Expr, _ p: Expr) throws(SMTError) -> Expr { try r.concat(p) }

    /// The last slot position; the total adds its own item.
    public var lastSlot: Expr { get throws(SMTError) { try v.b16(0xFFFF) } }

    /// `refItem(r, p)`: 1 if slot p holds a counted capability to r, else 0.
    /// The scheduler has no counter (`adjustCounted`), so it never counts.
    func refItem(_ value: SlotValue, _ r: Expr) throws(SMTError) -> Expr {
        let names = try value.kind.ne(v.b8(0)).and(value.kind.ne(v.b8(Kind.scheduler)), refOf(value).eq(r), has(value.flags, 0x1))
        return try names.ite(v.b16(1), v.b16(0))
    }

    /// The raw slot at position p (no bound check: the ledger counts every entry).
    func rawSlot(_ s: SymbolicState, _ p: Expr) throws(SMTError) -> SlotValue {
        SlotValue(kind: try s.slotKind.select(p), object: try s.slotObject.select(p),
                  rights: try s.slotRights.select(p), flags: try s.slotFlags.select(p))
    }

    public func refItem(_ s: SymbolicState, _ r: Expr, _ p: Expr) throws(SMTError) -> Expr { try refItem(rawSlot(s, p), r) }

    /// How many counted slots name r.
    public func refTotal(_ s: SymbolicState, _ r: Expr) throws(SMTError) -> Expr {
        try s.refLedger.select(refLedgerAt(r, lastSlot)).bvadd(refItem(s, r, lastSlot))
    }

    /// The ref ledger after slot p changed from `old` to `new`: every
    /// object's counts above p move by the change of its item at p.
    func refLedgerAfterWrite(_ s: SymbolicState, _ p: Expr, old: SlotValue, new: SlotValue) throws(SMTError) -> Expr {
        let x = try v.bound("refs", v.bv32)
        let r = try x.extract(high: 31, low: 16)
        let delta = try refItem(new, r).bvsub(refItem(old, r))
        return try v.context.lambda([x], s.refLedger.select(x).bvadd(x.extract(high: 15, low: 0).ugt(p).ite(delta, v.b16(0))))
    }

    /// The ref ledger once no slot names `ref` any more: its row is zero.
    func refLedgerWithout(_ s: SymbolicState, _ ref: Expr) throws(SMTError) -> Expr {
        let x = try v.bound("refs", v.bv32)
        return try v.context.lambda([x], x.extract(high: 31, low: 16).eq(ref).ite(v.b16(0), s.refLedger.select(x)))
    }
}

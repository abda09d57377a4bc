import SMT

/// The sorts and literals every symbolic rule is written with. One per Z3
/// context (a context is single-threaded, SMT pitfall 7).
///
/// Encoding assumptions (issue "Z3 proofs", point 2): every identifier —
/// task, slot, page, frame, thread, gate, Irq, factory — is an 8-bit vector,
/// so each table has 2⁸ entries (the explorer's have 2–32); a slot or a page
/// is addressed by `task ‖ index` (16 bits); an object by `kind ‖ index`
/// (16 bits); quota amounts are 16 bits, as in `Spec`. 0xFF is "none", as in
/// `Spec`, so index 0xFF of each table is the sentinel and never allocated.
public final class Vocabulary {
    public let context: SMTContext
    public let bool: Sort
    public let bv8: Sort
    public let bv16: Sort
    public let bv32: Sort

    public init(_ context: SMTContext) throws(SMTError) {
        self.context = context
        bool = try context.boolSort()
        bv8 = try context.bitVector(8)
        bv16 = try context.bitVector(16)
        bv32 = try context.bitVector(32)
    }

    public func b8(_ v: UInt8) throws(SMTError) -> Expr { try context.bv(UInt64(v), bv8) }
    public func b16(_ v: UInt16) throws(SMTError) -> Expr { try context.bv(UInt64(v), bv16) }
    public func truth(_ v: Bool) throws(SMTError) -> Expr { try context.bool(v) }

    /// The "no such id" byte.
    public var none: Expr { get throws(SMTError) { try b8(0xFF) } }

    /// A fresh bound variable for a λ or ∀ over one table.
    public func bound(_ name: String, _ sort: Sort) throws(SMTError) -> Expr { try context.freshConstant(name, sort) }

    /// `x ∈ {set}` over 8-bit values.
    public func isOneOf(_ x: Expr, _ values: [UInt8]) throws(SMTError) -> Expr {
        var terms: [Expr] = []
        for v in values { terms.append(try x.eq(b8(v))) }
        return try context.or(terms)
    }
}

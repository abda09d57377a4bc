import CZ3

/// A Z3 term. It holds one reference count on its AST and a strong reference
/// to its context, so a term never outlives the context that owns it.
///
/// Every operator throws `SMTError` instead of trapping: Z3 checks sorts
/// when a term is built, and an ill-sorted term (`bvadd` of a bit vector and
/// a Boolean, `select` on a non-array, operands of different widths) comes
/// back as Z3's error code and message. Terms of two different contexts are
/// rejected before Z3 sees them.
///
/// Z3 hash-conses terms: building the same term twice gives the same AST,
/// so making terms is cheap and needs no caching on the Swift side.
public final class Expr: CustomStringConvertible {
    let context: SMTContext
    let ast: Z3_ast

    init(_ context: SMTContext, _ ast: Z3_ast) {
        self.context = context
        self.ast = ast
        Z3_inc_ref(context.raw, ast)
    }

    deinit { Z3_dec_ref(context.raw, ast) }

    /// Z3's printed form (SMT-LIB syntax), copied at once: Z3's string is
    /// only valid until the next call.
    public var description: String { context.string(Z3_ast_to_string(context.raw, ast)) }

    /// The sort of this term.
    public func sort() throws(SMTError) -> Sort { try context.sort(Z3_get_sort(context.raw, ast)) }

    /// The width of a bit-vector term, nil for other sorts.
    public var bitWidth: UInt32? {
        guard let s = try? sort(), case .bitVector(let w) = s.kind else { return nil }
        return w
    }

    /// Z3's rewriter applied to the term: a term over literals only becomes a
    /// literal, which makes concrete evaluation of a symbolic step cheap.
    public func simplified() throws(SMTError) -> Expr { try unary(Z3_simplify) }

    /// The value of a bit-vector literal of at most 64 bits; nil for any
    /// other term (simplify or evaluate in a model first).
    public var uint64Value: UInt64? {
        guard Z3_is_numeral_ast(context.raw, ast) else { return nil }
        var n: UInt64 = 0
        let ok = Z3_get_numeral_uint64(context.raw, ast, &n)
        // A literal wider than 64 bits is not an error for the caller: clear it.
        guard (try? context.check()) != nil, ok else { return nil }
        return n
    }

    /// The value of `true` or `false`; nil for any other term.
    public var boolValue: Bool? {
        let value = Z3_get_bool_value(context.raw, ast)
        // A non-Boolean term is not an error for the caller: clear it.
        guard (try? context.check()) != nil else { return nil }
        switch value {
        case Z3_L_TRUE: return true
        case Z3_L_FALSE: return false
        default: return nil
        }
    }

    // The three shapes of Z3 term constructors. `self` and the operands are
    // alive for the whole call (parameters and `self` are retained by the
    // caller), so handing their raw ASTs to C is safe (reference pitfall 4).

    func unary(_ make: (Z3_context?, Z3_ast?) -> Z3_ast?) throws(SMTError) -> Expr {
        try context.expr(make(context.raw, ast))
    }

    func binary(_ o: Expr, _ make: (Z3_context?, Z3_ast?, Z3_ast?) -> Z3_ast?) throws(SMTError) -> Expr {
        try context.own(o)
        return try context.expr(make(context.raw, ast, o.ast))
    }

    func indexed(_ i: UInt32, _ make: (Z3_context?, UInt32, Z3_ast?) -> Z3_ast?) throws(SMTError) -> Expr {
        try context.expr(make(context.raw, i, ast))
    }

    // MARK: - Equality and Boolean structure

    /// `self = o` (both of the same sort).
    public func eq(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_eq) }
    /// `self ≠ o`.
    public func ne(_ o: Expr) throws(SMTError) -> Expr { try context.distinct([self, o]) }
    public func not() throws(SMTError) -> Expr { try unary(Z3_mk_not) }
    public func and(_ o: Expr...) throws(SMTError) -> Expr { try context.and([self] + o) }
    public func or(_ o: Expr...) throws(SMTError) -> Expr { try context.or([self] + o) }
    public func xor(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_xor) }
    public func implies(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_implies) }
    /// `if self then then else otherwise`; `self` must be Boolean and the two
    /// branches of one sort.
    public func ite(_ then: Expr, _ otherwise: Expr) throws(SMTError) -> Expr {
        // Z3 hash-conses terms: equal pointers are equal terms, and the
        // state-wide ites of the symbolic kernel leave most fields unchanged.
        if then.ast == otherwise.ast, try sort().kind == .bool { return then }
        try context.own(then)
        try context.own(otherwise)
        return try context.expr(Z3_mk_ite(context.raw, ast, then.ast, otherwise.ast))
    }

    // MARK: - Bit-vector arithmetic and logic (operands of one width)

    public func bvadd(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvadd) }
    public func bvsub(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvsub) }
    public func bvmul(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvmul) }
    /// Unsigned division; division by zero yields all ones (SMT-LIB).
    public func bvudiv(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvudiv) }
    /// Unsigned remainder; `x urem 0 = x` (SMT-LIB).
    public func bvurem(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvurem) }
    public func bvneg() throws(SMTError) -> Expr { try unary(Z3_mk_bvneg) }
    public func bvand(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvand) }
    public func bvor(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvor) }
    public func bvxor(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvxor) }
    public func bvnot() throws(SMTError) -> Expr { try unary(Z3_mk_bvnot) }
    /// Shift left by `o` bits (as an unsigned number of the same width).
    public func shl(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvshl) }
    /// Logical shift right (zeros in).
    public func lshr(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvlshr) }
    /// Arithmetic shift right (the sign bit in).
    public func ashr(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvashr) }

    // MARK: - Bit-vector comparisons

    public func ule(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvule) }
    public func ult(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvult) }
    public func uge(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvuge) }
    public func ugt(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvugt) }
    public func sle(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvsle) }
    public func slt(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvslt) }
    public func sge(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvsge) }
    public func sgt(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_bvsgt) }

    // MARK: - Widths

    /// Bits `high` down to `low` (inclusive), a vector of `high − low + 1`
    /// bits; Z3 rejects `high` ≥ width or `high` < `low`.
    public func extract(high: UInt32, low: UInt32) throws(SMTError) -> Expr {
        try context.expr(Z3_mk_extract(context.raw, high, low, ast))
    }
    /// `bits` more zero bits on top.
    public func zeroExtend(by bits: UInt32) throws(SMTError) -> Expr { try indexed(bits, Z3_mk_zero_ext) }
    /// `bits` more copies of the sign bit on top.
    public func signExtend(by bits: UInt32) throws(SMTError) -> Expr { try indexed(bits, Z3_mk_sign_ext) }
    /// `self` as the high bits, `o` as the low bits.
    public func concat(_ o: Expr) throws(SMTError) -> Expr { try binary(o, Z3_mk_concat) }

    /// `self` with every occurrence of `from[i]` replaced by `to[i]` (pairs
    /// of one sort each): for evaluating a formula over a changed state.
    public func substitute(_ from: [Expr], _ to: [Expr]) throws(SMTError) -> Expr {
        guard from.count == to.count else { throw .wrapper("substitute: \(from.count) terms for \(to.count) replacements") }
        for e in from + to { try context.own(e) }
        let a: [Z3_ast?] = from.map(\.ast), b: [Z3_ast?] = to.map(\.ast)
        let made = withExtendedLifetime((from, to)) {
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in Z3_substitute(context.raw, ast, UInt32(pa.count), pa.baseAddress, pb.baseAddress) }
            }
        }
        return try context.expr(made)
    }

    // MARK: - Arrays

    /// `self[index]`.
    public func select(_ index: Expr) throws(SMTError) -> Expr { try binary(index, Z3_mk_select) }
    /// `self` with `index` mapped to `value`.
    public func store(_ index: Expr, _ value: Expr) throws(SMTError) -> Expr {
        try context.own(index)
        try context.own(value)
        return try context.expr(Z3_mk_store(context.raw, ast, index.ast, value.ast))
    }
}

/// Not `Sendable`: a Z3 context must stay on one thread (see `SMTContext`).
@available(*, unavailable)
extension Expr: Sendable {}

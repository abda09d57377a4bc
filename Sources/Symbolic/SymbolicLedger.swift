import SMT

/// The ghost ledger behind the symbolic form of MEM-2 (exact accounting,
/// properties §3.1 "counting without cardinality", table row MEM-2).
///
/// "used(q) = Σ charges of the objects charged to q" is a sum over a set,
/// which first-order logic cannot state. Hyperkernel and Serval keep a
/// permutation per owner so that the owned items occupy ranks 0..<n. Here
/// the items are objects, whose identifiers `kind ‖ index` already form one
/// fixed, ordered, finite universe, so no permutation is needed: the ghost
/// `ledger[0 ‖ q ‖ x]` is the prefix sum of the charges to account q of the
/// objects below x,
///
///     ledger[q ‖ 0] = 0,   ledger[q ‖ x+1] = ledger[q ‖ x] + item(q, x),
///
/// where `item(q, x)` is x's charge when x is allocated and charged to q and
/// 0 otherwise, and MEM-2 becomes `used[q] = ledger[q ‖ 0xFFFF]` (0xFFFF is
/// kind 0xFF, never an object). Creating or freeing object o in account q
/// adds or subtracts o's charge above o: one λ, and every clause above stays
/// a statement about one or two positions.
///
/// The arithmetic is 16-bit, as `used` is; the sums are exact because `Spec`
/// refuses a charge that would overflow `used` (`charge`'s overflow check),
/// and the invariant that the prefix sums are monotone (AUX-LEDGER-MONO)
/// says no prefix wrapped: so an account whose total is 0 has nothing
/// charged to it, and a refund never exceeds what is used.
extension SymbolicKernel {
    /// The ledger position of account `q` below object `x`: `0x00 ‖ q ‖ x`
    /// (32 bits, so read indices split into account and object as
    /// `TermsByValue` splits every 32-bit index).
    public func ledgerAt(_ q: Expr, _ x: Expr) throws(SMTError) -> Expr { try v.b8(0).concat(q).concat(x) }

    /// The object above every object: its prefix sum is the account's total.
    public var ledgerTop: Expr { get throws(SMTError) { try v.b16(0xFFFF) } }

    /// What an object costs the account it is charged to: its kind's cost,
    /// plus the reserved limit for a factory (Properties/Memory.swift
    /// `charge(of:in:)`; a charged factory is limited by MEM-1, so `Spec`'s
    /// "limited factories only" condition needs no term here).
    public func itemCharge(_ s: SymbolicState, _ x: Expr) throws(SMTError) -> Expr {
        let kind = try kindOf(x)
        return try cost(kind).bvadd(kind.eq(v.b8(Kind.factory)).ite(s.limit.select(indexOf(x)), v.b16(0)))
    }

    /// `item(q, x)`: x's charge if it is allocated and charged to q, else 0.
    /// Scheduler and invalid kinds cost 0, so they never count.
    public func item(_ s: SymbolicState, account q: Expr, _ x: Expr) throws(SMTError) -> Expr {
        let charged = try s.life.select(x).ne(v.b8(LifeValue.free)).and(s.quota.select(x).eq(q))
        return try charged.ite(itemCharge(s, x), v.b16(0))
    }

    /// An account's total: the sum of its items' charges.
    public func ledgerTotal(_ s: SymbolicState, _ q: Expr) throws(SMTError) -> Expr { try s.ledger.select(ledgerAt(q, ledgerTop)) }

    /// The ledger after object `x` starts (`adding`) or stops being charged
    /// `amount` to account `q`: every prefix of q above x moves by `amount`.
    func shiftLedger(_ s: SymbolicState, account q: Expr, above x: Expr, by amount: Expr, adding: Bool) throws(SMTError) -> Expr {
        let p = try v.bound("ledger", v.bv32)
        let affected = try p.extract(high: 23, low: 16).eq(q).and(p.extract(high: 15, low: 0).ugt(x))
        let delta = try affected.ite(adding ? amount : v.b16(0).bvsub(amount), v.b16(0))
        // `old + δ` rather than `ite(c, old ± a, old)`: the reads of the old
        // ledger stay summands, which Z3's rewriter flattens and cancels
        // (STEP's two sides share them), instead of ite branches.
        return try v.context.lambda([p], s.ledger.select(p).bvadd(delta))
    }
}

extension SymbolicKernel {
    /// The ledger of `after`, a copy of `before` whose object `x` changed
    /// header (life, account or limit) and nothing else the ledger reads:
    /// every account's prefixes above x move by the change of x's item.
    public func reledgered(_ before: SymbolicState, _ after: SymbolicState, object x: Expr) throws(SMTError) -> Expr {
        let p = try v.bound("ledger", v.bv32)
        let q = try p.extract(high: 23, low: 16), old = try before.ledger.select(p)
        let delta = try item(after, account: q, x).bvsub(item(before, account: q, x))
        return try v.context.lambda([p], old.bvadd(p.extract(high: 15, low: 0).ugt(x).ite(delta, v.b16(0))))
    }
}

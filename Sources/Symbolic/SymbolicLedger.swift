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
/// kind 0xFF, never an object). A step that creates or frees objects moves
/// each account's prefixes above each of them by the change of its charge:
/// one λ per step (`reledgered`), and every clause above stays a statement
/// about one or two positions.
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
}

extension SymbolicKernel {
    /// The ledger of `after`, a successor of `before` in which only the
    /// objects `xs` may have changed header (life, account or limit): every
    /// account's prefixes above each of them move by the change of its item.
    ///
    /// The step sets the ledger once, from its first and its last state,
    /// rather than shifting it inside every branch that creates or frees:
    /// the proofs then read one sum of guarded deltas instead of λs nested
    /// in the step's `ite`s (an order of magnitude faster for the creates).
    /// If another object's item changed, AUX-LEDGER-STEP fails there, so
    /// the list cannot hide a charge. A repeated object counts once.
    public func reledgered(_ before: SymbolicState, _ after: SymbolicState, objects xs: [Expr]) throws(SMTError) -> Expr {
        let p = try v.bound("ledger", v.bv32)
        let q = try p.extract(high: 23, low: 16), position = try p.extract(high: 15, low: 0)
        var sum = try before.ledger.select(p)
        for (i, x) in xs.enumerated() {
            var counts = try position.ugt(x)
            for earlier in xs[..<i] { counts = try counts.and(x.ne(earlier)) }
            let delta = try item(after, account: q, x).bvsub(item(before, account: q, x))
            sum = try sum.bvadd(counts.ite(delta, v.b16(0)))
        }
        return try v.context.lambda([p], sum)
    }

    /// The objects whose header a core call may change: the one it creates
    /// and those its slots name (displaced, deleted or released by it).
    func touchedObjects(_ s: SymbolicState, task: Expr, cap: SlotValue, _ call: SymbolicCall) throws(SMTError) -> [Expr] {
        func named(_ t: Expr, _ i: Expr) throws(SMTError) -> Expr { try refOf(rawSlot(s, at(t, i))) }
        switch call {
        case .map(let m) where m.space == .object:
            return [try named(cap.object, m.sndBase), try named(slot(s, task, m.src).object, m.index)]
        case .unmap(let u) where u.space == .object: return [try named(cap.object, u.index)]
        case .create(let c): return [try ref(c.kind.code, c.entry), try named(task, c.slot)]
        default: return []
        }
    }
}

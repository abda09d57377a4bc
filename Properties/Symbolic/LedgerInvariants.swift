import SMT
import Symbolic

/// MEM-2's symbolic form and the ledger invariants that make it inductive
/// (SymbolicLedger.swift explains the ghost; properties §3.1).
extension SymbolicInvariants {
    /// MEM-2 and its strengthening invariants. Not in `all`: their
    /// obligations take 10–30 s each and more where a create or a deletion
    /// shifts the ledger, so `l4spec prove` adds them (as goals and as
    /// hypotheses of every obligation) only when one of them is asked for.
    public static let ledger: [SymbolicInvariant] = [mem2, ledgerBase, ledgerStep, ledgerMonotone]

    static func account(_ q: Expr, _ v: Vocabulary) throws(SMTError) -> Expr { try q.ne(v.none) }

    static let mem2 = SymbolicInvariant(
        id: "MEM-2", title: "every account uses exactly the sum of the charges of the objects charged to it (ghost ledger)",
        strengthening: false, bound: [.factory]
    ) { (p, s, x) throws(SMTError) in
        try account(x[0], p.v).implies(s.used.select(x[0]).eq(p.kernel.ledgerTotal(s, x[0])))
    }

    static let ledgerBase = SymbolicInvariant(
        id: "AUX-LEDGER-BASE", title: "an account's ledger starts at 0 below the first object", strengthening: true, bound: [.factory]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel, v = p.v
        return try account(x[0], v).implies(s.ledger.select(k.ledgerAt(x[0], v.b16(0))).eq(v.b16(0)))
    }

    static let ledgerStep = SymbolicInvariant(
        id: "AUX-LEDGER-STEP", title: "each ledger prefix adds the next object's charge if it is charged to the account",
        strengthening: true, bound: [.factory, .object], seeding: .focus
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel, v = p.v, q = x[0], o = x[1]
        let next = try s.ledger.select(k.ledgerAt(q, o.bvadd(v.b16(1))))
        let sum = try s.ledger.select(k.ledgerAt(q, o)).bvadd(k.item(s, account: q, o))
        return try account(q, v).and(o.ne(k.ledgerTop)).implies(next.eq(sum))
    }

    /// No prefix sum wrapped around 2^16: the 16-bit sums are the exact ones.
    static let ledgerMonotone = SymbolicInvariant(
        id: "AUX-LEDGER-MONO", title: "an account's ledger prefixes never decrease (no 16-bit sum wrapped)",
        strengthening: true, bound: [.factory, .object, .object], seeding: .focus
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel, q = x[0]
        let low = try s.ledger.select(k.ledgerAt(q, x[1])), high = try s.ledger.select(k.ledgerAt(q, x[2]))
        return try account(q, p.v).and(x[1].ule(x[2])).implies(low.ule(high))
    }
}

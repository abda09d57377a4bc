import SMT
import Symbolic

/// The counting invariants: MEM-2 (exact accounting) and CAP-5 (exact
/// reference counts), each an equation between a counter and the total of
/// a ghost prefix sum, with the invariants that make the prefix sums what
/// they claim (SymbolicLedger.swift, SymbolicRefLedger.swift; properties
/// §3.1 "counting without cardinality").
///
/// They form a layer above `all`: their obligations assume `all` and
/// `counting`, while the obligations of `all` assume `all` only (they never
/// need a count). Each obligation is thus proved from a subset of the
/// invariants, and together they are inductive.
extension SymbolicInvariants {
    public static let counting: [SymbolicInvariant] = ledger + refCounts

    public static let ledger: [SymbolicInvariant] = [mem2] + accountLedger.invariants
    public static let refCounts: [SymbolicInvariant] = [cap5] + refLedger.invariants

    static func account(_ q: Expr, _ v: Vocabulary) throws(SMTError) -> Expr { try q.ne(v.none) }

    static let mem2 = SymbolicInvariant(
        id: "MEM-2", title: "every account uses exactly the sum of the charges of the objects charged to it (ghost ledger)",
        strengthening: false, bound: [.factory]
    ) { (p, s, x) throws(SMTError) in
        try account(x[0], p.v).implies(s.used.select(x[0]).eq(p.kernel.ledgerTotal(s, x[0])))
    }

    /// MEM-2's ledger: per account q, the charges of the objects below x.
    static let accountLedger = PrefixSum(
        tag: "LEDGER", what: "the ledger prefixes of an account", item: "the next object's charge if it is charged to the account",
        group: .factory, position: .object, top: 0xFFFF,
        applies: { (p, q) throws(SMTError) in try account(q, p.v) },
        read: { (p, s, q, x) throws(SMTError) in try s.ledger.select(p.kernel.ledgerAt(q, x)) },
        item: { (p, s, q, x) throws(SMTError) in try p.kernel.item(s, account: q, x) })

    static let cap5 = SymbolicInvariant(
        id: "CAP-5", title: "an object's counter equals the number of counted capabilities naming it (ghost prefix counts)",
        strengthening: false, bound: [.object]
    ) { (p, s, x) throws(SMTError) in
        let k = p.kernel, v = p.v
        return try counts(x[0], k).implies(v.b8(0).concat(s.counted.select(x[0])).eq(k.refTotal(s, x[0])))
    }

    /// Objects with a counter: the five kinds of `Spec`'s tables (not the
    /// scheduler, not an invalid kind).
    static func counts(_ r: Expr, _ k: SymbolicKernel) throws(SMTError) -> Expr {
        let kind = try k.kindOf(r), v = k.v
        return try kind.uge(v.b8(Kind.task)).and(kind.ult(v.b8(Kind.scheduler)))
    }

    /// CAP-5's ledger: per object r, the counted slots below p naming r.
    static let refLedger = PrefixSum(
        tag: "REFS", what: "the slot counts of an object", item: "1 if the next slot holds a counted capability to the object",
        group: .object, position: .slot, top: 0xFFFF,
        applies: { (p, _) throws(SMTError) in try p.v.truth(true) },
        read: { (p, s, r, x) throws(SMTError) in try s.refLedger.select(p.kernel.refLedgerAt(r, x)) },
        item: { (p, s, r, x) throws(SMTError) in try p.kernel.refItem(s, r, x) })
}

/// BASE, STEP and MONO of a 16-bit prefix sum `read(g, x)` over positions
/// x of each group g: it starts at 0, adds `item(g, x)` from x to x + 1,
/// and never decreases — so no 16-bit sum wrapped, and a total of 0 has no
/// item in it.
struct PrefixSum: Sendable {
    typealias Applies = @Sendable (ProofSetting, Expr) throws(SMTError) -> Expr
    typealias Read = @Sendable (ProofSetting, SymbolicState, Expr, Expr) throws(SMTError) -> Expr
    let tag: String, what: String, item: String
    let group: BoundSort, position: BoundSort
    let top: UInt16
    let applies: Applies
    let read: Read
    let itemOf: Read

    init(tag: String, what: String, item: String, group: BoundSort, position: BoundSort, top: UInt16,
         applies: @escaping Applies, read: @escaping Read, item itemOf: @escaping Read) {
        self.tag = tag; self.what = what; self.item = item
        self.group = group; self.position = position; self.top = top
        self.applies = applies; self.read = read; self.itemOf = itemOf
    }

    var invariants: [SymbolicInvariant] { [base, step, monotone] }

    var base: SymbolicInvariant {
        let (applies, read) = (self.applies, self.read)
        return SymbolicInvariant(id: "AUX-\(tag)-BASE", title: "\(what) start at 0",
                                 strengthening: true, bound: [group], seeding: .witnessGroup) { (p, s, x) throws(SMTError) in
            try applies(p, x[0]).implies(read(p, s, x[0], p.v.b16(0)).eq(p.v.b16(0)))
        }
    }

    var step: SymbolicInvariant {
        let (applies, read, itemOf, top) = (self.applies, self.read, self.itemOf, self.top)
        return SymbolicInvariant(id: "AUX-\(tag)-STEP", title: "each of \(what) adds \(item) to the one before",
                                 strengthening: true, bound: [group, position], seeding: .witnessGroup) { (p, s, x) throws(SMTError) in
            let v = p.v, g = x[0], o = x[1]
            let next = try read(p, s, g, o.bvadd(v.b16(1))), sum = try read(p, s, g, o).bvadd(itemOf(p, s, g, o))
            return try applies(p, g).and(o.ne(v.b16(top))).implies(next.eq(sum))
        }
    }

    var monotone: SymbolicInvariant {
        let (applies, read) = (self.applies, self.read)
        return SymbolicInvariant(id: "AUX-\(tag)-MONO", title: "the prefixes of \(what) never decrease (no 16-bit sum wrapped)",
                                 strengthening: true, bound: [group, position, position], seeding: .witnessGroup) { (p, s, x) throws(SMTError) in
            let g = x[0], low = try read(p, s, g, x[1]), high = try read(p, s, g, x[2])
            return try applies(p, g).and(x[1].ule(x[2])).implies(low.ule(high))
        }
    }
}

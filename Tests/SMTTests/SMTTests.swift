import Foundation
import Testing
@testable import SMT

@Suite struct SMTTests {
    /// reference/swift-z3-and-explorer.md §1 (a): sat, then unsat under a
    /// pushed constraint, then sat again after the pop.
    @Test func satUnsatAndPushPop() throws {
        let z = try SMTContext()
        let bv8 = try z.bitVector(8)
        let x = try z.constant("x", bv8), y = try z.constant("y", bv8)
        let a = try z.constant("a", try z.array(bv8, bv8))
        let b = try z.constant("b", z.boolSort())
        let formula = try a.select(x).eq(y.bvadd(z.bv(1, bv8)))
            .and(y.ult(z.bv(10, bv8)), b.eq(x.eq(z.bv(3, bv8))), b, a.store(x, z.bv(5, bv8)).select(y).eq(z.bv(7, bv8)))
        let solver = try Solver(z)
        try solver.assert(formula)
        guard case .sat(let m) = try solver.check() else { Issue.record("expected sat"); return }
        #expect(try m.bool(formula))
        #expect(try m.eval(formula).boolValue == true)
        #expect(try m.uint64(x) == 3)
        #expect(try m.bool(b))
        #expect(try m.uint64(y) < 10)
        #expect(try m.uint64(a.select(x)) == (try m.uint64(y)) + 1)
        #expect(m.description.contains("x ->"), "\(m)")
        try solver.push()
        #expect(solver.scopes == 1)
        try solver.assert(x.eq(y))
        guard case .unsat = try solver.check() else { Issue.record("expected unsat under x = y"); return }
        try solver.pop()
        #expect(solver.scopes == 0)
        guard case .sat(let again) = try solver.check() else { Issue.record("expected sat after the pop"); return }
        #expect(try again.bool(formula))
    }

    /// Ill-sorted terms are Swift errors carrying Z3's code and message, and
    /// the same context then answers the next query (Z3's default handler
    /// would have exited the process at the first one).
    @Test func illSortedTerms_throw_andTheContextGoesOn() throws {
        let z = try SMTContext()
        let bv8 = try z.bitVector(8), bv16 = try z.bitVector(16)
        let x = try z.constant("x", bv8), wide = try z.constant("w", bv16)
        let flag = try z.constant("flag", z.boolSort())
        let ill: [(String, () throws(SMTError) -> Expr)] = [
            ("bvadd of bv8 and Bool", { () throws(SMTError) in try x.bvadd(flag) }),
            ("select on a bit vector", { () throws(SMTError) in try x.select(x) }),
            ("= of bv8 and bv16", { () throws(SMTError) in try x.eq(wide) }),
            ("ult of bv8 and bv16", { () throws(SMTError) in try x.ult(wide) }),
            ("not of a bit vector", { () throws(SMTError) in try x.not() }),
            ("ite on a bit-vector condition", { () throws(SMTError) in try x.ite(x, x) }),
            ("extract beyond the width", { () throws(SMTError) in try x.extract(high: 8, low: 0) }),
            ("store of a Bool into bv8 → bv8", { () throws(SMTError) in try z.constArray(bv8, x).store(x, flag) }),
        ]
        for (what, make) in ill {
            do {
                let e = try make()
                Issue.record("\(what): no error, got \(e)")
            } catch {
                #expect(error.code != 0 && error.code != SMTError.wrapperCode, "\(what): \(error)")
                #expect(!error.message.isEmpty, "\(what)")
            }
        }
        // The context and its solvers still work.
        let solver = try Solver(z)
        try solver.assert(try x.eq(z.bv(4, bv8)))
        guard case .sat(let m) = try solver.check() else { Issue.record("expected sat"); return }
        #expect(try m.uint64(x) == 4)
        // So does an error raised by a solver operation.
        #expect(throws: SMTError.self) { try solver.pop(3) }
        #expect(throws: SMTError.self) { try solver.assert(x) }
        guard case .sat = try solver.check() else { Issue.record("expected sat after the solver errors"); return }
    }

    /// Z3 does not notice terms of two contexts meeting (it would corrupt
    /// memory); the wrapper does.
    @Test func termsOfTwoContexts_areRejected() throws {
        let z1 = try SMTContext(), z2 = try SMTContext()
        let x1 = try z1.constant("x", z1.bitVector(8)), x2 = try z2.constant("x", z2.bitVector(8))
        #expect(throws: SMTError.wrapper("a term of another context: x")) { try x1.bvadd(x2) }
        #expect(throws: SMTError.self) { try z1.and([x1.eq(x1), x2.eq(x2)]) }
        #expect(throws: SMTError.self) { try Solver(z1).assert(x2.eq(x2)) }
        #expect(throws: SMTError.self) { try z1.bv(1, z2.bitVector(8)) }
    }

    /// Each operator means what its doc comment says, checked on literals
    /// through Z3's rewriter (0x81 is 129 unsigned, −127 signed).
    @Test func operators_onLiterals() throws {
        let z = try SMTContext()
        let bv8 = try z.bitVector(8)
        let v = try z.bv(0x81, bv8), one = try z.bv(1, bv8), zero = try z.bv(0, bv8)
        func n(_ e: Expr) throws -> UInt64? { try e.simplified().uint64Value }
        func b(_ e: Expr) throws -> Bool? { try e.simplified().boolValue }
        #expect(try n(v.bvadd(v)) == 0x02)
        #expect(try n(v.bvsub(one)) == 0x80)
        #expect(try n(v.bvmul(z.bv(3, bv8))) == 0x83)
        #expect(try n(v.bvudiv(zero)) == 0xFF)
        #expect(try n(v.bvurem(z.bv(0x10, bv8))) == 0x01)
        #expect(try n(v.bvneg()) == 0x7F)
        #expect(try n(v.bvand(z.bv(0x0F, bv8))) == 0x01)
        #expect(try n(v.bvor(z.bv(0x0F, bv8))) == 0x8F)
        #expect(try n(v.bvxor(z.bv(0xFF, bv8))) == 0x7E)
        #expect(try n(v.bvnot()) == 0x7E)
        #expect(try n(v.shl(one)) == 0x02)
        #expect(try n(v.lshr(one)) == 0x40)
        #expect(try n(v.ashr(one)) == 0xC0)
        #expect(try b(v.ugt(one)) == true)
        #expect(try b(v.uge(v)) == true)
        #expect(try b(v.ult(one)) == false)
        #expect(try b(v.ule(one)) == false)
        #expect(try b(v.slt(zero)) == true)
        #expect(try b(v.sle(one)) == true)
        #expect(try b(v.sgt(zero)) == false)
        #expect(try b(v.sge(v)) == true)
        #expect(try n(v.extract(high: 7, low: 4)) == 0x8)
        #expect(try v.extract(high: 7, low: 4).bitWidth == 4)
        #expect(try n(v.zeroExtend(by: 8)) == 0x0081)
        #expect(try n(v.signExtend(by: 8)) == 0xFF81)
        #expect(try n(v.concat(z.bv(0x3, z.bitVector(4)))) == 0x813)
        #expect(try v.concat(z.bv(0x3, z.bitVector(4))).bitWidth == 12)
        #expect(try n(z.bv(0x1FF, bv8)) == 0xFF)  // literals are taken modulo 2^width
        #expect(try b(v.eq(v)) == true)
        #expect(try b(v.ne(one)) == true)
        #expect(try b(z.distinct([v, one, v])) == false)
        #expect(try b(z.distinct([v, one, zero])) == true)
        #expect(try b(z.distinct([])) == true)
        let t = try z.bool(true), f = try z.bool(false)
        #expect(try b(t.and(f)) == false)
        #expect(try b(t.or(f)) == true)
        #expect(try b(t.xor(t)) == false)
        #expect(try b(f.implies(f)) == true)
        #expect(try b(t.not()) == false)
        #expect(try b(z.and([])) == true)
        #expect(try b(z.or([])) == false)
        #expect(try n(t.ite(v, one)) == 0x81)
        #expect(try n(z.constArray(bv8, v).store(one, zero).select(one)) == 0)
        #expect(try n(z.constArray(bv8, v).store(one, zero).select(zero)) == 0x81)
        // Non-literals have no value, and asking is not an error.
        let x = try z.constant("x", bv8)
        #expect(x.uint64Value == nil)
        #expect(x.boolValue == nil)
        #expect(try z.bv(1, z.bitVector(128)).uint64Value == 1)
        #expect(try z.bv(1, z.bitVector(128)).shl(z.bv(100, z.bitVector(128))).simplified().uint64Value == nil)
        #expect(try x.bvadd(one).description == "(bvadd x #x01)")
    }

    @Test func sorts_areInspectable() throws {
        let z = try SMTContext()
        let bv8 = try z.bitVector(8), bool = try z.boolSort()
        let arr = try z.array(bv8, bool)
        #expect(bv8.kind == .bitVector(width: 8))
        #expect(bool.kind == .bool)
        #expect(arr.kind == .array)
        #expect(try arr.arrayIndex().isSame(as: bv8))
        #expect(try arr.arrayElement().isSame(as: bool))
        #expect(!bv8.isSame(as: try z.bitVector(16)))
        #expect(throws: SMTError.self) { try bv8.arrayIndex() }
        #expect(try z.constant("x", bv8).sort().isSame(as: bv8))
        #expect(bv8.description == "(_ BitVec 8)")
        #expect(arr.description == "(Array (_ BitVec 8) Bool)")
        let k1 = try z.freshConstant("k", bv8), k2 = try z.freshConstant("k", bv8)
        #expect(k1.description != k2.description)
    }

    /// Terms keep their context alive: the last reference to the context can
    /// be a term, and Z3's strings are copied before the next call.
    @Test func termsOutliveTheirContextVariable_andStringsAreCopied() throws {
        func makeTerms() throws -> (Expr, Expr) {
            let z = try SMTContext()
            let x = try z.constant("x", z.bitVector(8))
            return (try x.bvadd(z.bv(1, z.bitVector(8))), try x.bvmul(z.bv(2, z.bitVector(8))))
        }
        let (sum, product) = try makeTerms()
        let s1 = sum.description, s2 = product.description
        #expect(s1 == "(bvadd x #x01)")
        #expect(s2 == "(bvmul #x02 x)" || s2 == "(bvmul x #x02)")
        let both = try sum.eq(product)
        #expect(both.description.contains(s1))
        #expect(sum.bitWidth == 8)
    }

    /// Completion fills in constants the model leaves open; without it they
    /// stay symbolic.
    @Test func modelEvaluation_withAndWithoutCompletion() throws {
        let z = try SMTContext()
        let bv8 = try z.bitVector(8)
        let x = try z.constant("x", bv8), free = try z.constant("free", bv8)
        let solver = try Solver(z)
        try solver.assert(x.ugt(z.bv(200, bv8)))
        guard case .sat(let m) = try solver.check() else { Issue.record("expected sat"); return }
        #expect(try m.uint64(x) > 200)
        #expect(try m.eval(free, completion: false).description == "free")
        #expect(try m.eval(free, completion: true).uint64Value != nil)
        #expect(throws: SMTError.self) { try m.uint64(z.constant("wide", z.bitVector(65)).bvor(z.bv(1, z.bitVector(65)).shl(z.bv(64, z.bitVector(65))))) }
    }

    /// ∀/∃ with the general solver (the prover instantiates by hand, but the
    /// API has them): ¬∀i. K(0)[i] = 0 is unsat; ∃i. a[i] = 5 is sat.
    @Test func quantifiers_withTheGeneralSolver() throws {
        let z = try SMTContext()
        let bv8 = try z.bitVector(8)
        let i = try z.constant("i", bv8), zero = try z.bv(0, bv8)
        let a = try z.constant("a", z.array(bv8, bv8))
        let solver = try Solver(z, logic: nil)
        try solver.push()
        try solver.assert(z.forall([i], z.constArray(bv8, zero).select(i).eq(zero)).not())
        guard case .unsat = try solver.check() else { Issue.record("expected unsat"); return }
        try solver.pop()
        try solver.assert(z.exists([i], a.select(i).eq(z.bv(5, bv8))))
        guard case .sat = try solver.check() else { Issue.record("expected sat"); return }
        // Only constants can be bound.
        #expect(throws: SMTError.self) { try z.forall([i.bvadd(zero)], i.eq(i)) }
        #expect(throws: SMTError.self) { try z.forall([z.forall([i], i.eq(i))], i.eq(i)) }
    }

    /// Factoring a 62-bit semiprime with 128-bit multiplication does not
    /// finish in 50 ms: the query ends `unknown` at the deadline, not in a
    /// hang, and the solver answers the next query after the pop.
    @Test func timeout_endsUnknown_andTheSolverGoesOn() throws {
        let z = try SMTContext()
        let bv64 = try z.bitVector(64), bv128 = try z.bitVector(128)
        let p = try z.constant("p", bv64), q = try z.constant("q", bv64)
        let n: UInt64 = 4_611_686_014_132_420_609      // (2^31 - 1)^2, 2^31 - 1 prime
        let product = try p.zeroExtend(by: 64).bvmul(q.zeroExtend(by: 64))
        let solver = try Solver(z)
        try solver.push()
        try solver.assert(product.eq(z.bv(n, bv128)))
        try solver.assert(z.bv(1, bv64).ult(p))
        try solver.assert(z.bv(1, bv64).ult(q))
        try solver.assert(p.ule(q))
        let clock = ContinuousClock()
        let start = clock.now
        let result = try solver.check(timeoutMilliseconds: 50)
        let elapsed = clock.now - start
        #expect(elapsed < .seconds(5), "a 50 ms timeout took \(elapsed)")
        guard case .unknown(let why) = result else { Issue.record("expected unknown, got \(result) (use a harder instance)"); return }
        #expect(why.contains("timeout") || why.contains("canceled"), "\(why)")
        try solver.pop()
        try solver.assert(p.eq(z.bv(6, bv64)))
        guard case .sat(let m) = try solver.check(timeoutMilliseconds: 10_000) else { Issue.record("expected sat after the timeout"); return }
        #expect(try m.uint64(p) == 6)
    }

    @Test func version_isReported() {
        #expect(SMTContext.version.wholeMatch(of: /\d+\.\d+\.\d+/) != nil, "\(SMTContext.version)")
    }

    /// Inductive-invariant shape (reference §1 (b)): Inv ∧ T ∧ ¬Inv′ with the
    /// ∀ of Inv instantiated at the touched index t and a skolem j.
    /// prio ≤ 7 is preserved by a saturating increment and by a guarded set,
    /// and broken by an unguarded set, with a counterexample.
    @Test func inductiveCheck_provesAndRefutes() throws {
        let z = try SMTContext()
        let bv8 = try z.bitVector(8)
        let prio = try z.constant("prio", try z.array(bv8, bv8))
        let t = try z.constant("t", bv8), j = try z.constant("j", bv8), v = try z.constant("v", bv8)
        let seven = try z.bv(7, bv8)
        func inv(_ arr: Expr, _ i: Expr) throws -> Expr { try arr.select(i).ule(seven) }
        let old = try prio.select(t)
        let saturating = try prio.store(t, old.ult(seven).ite(old.bvadd(z.bv(1, bv8)), old))
        let guarded = try prio.store(t, v.ule(seven).ite(v, old))
        let unguarded = try prio.store(t, v)
        let solver = try Solver(z)
        for (name, post, expectProved) in [("saturating", saturating, true), ("guarded", guarded, true), ("unguarded", unguarded, false)] {
            try solver.push()
            try solver.assert(try inv(prio, j).and(inv(prio, t), inv(post, j).not()))
            switch try solver.check() {
            case .unsat:
                #expect(expectProved, "\(name)")
            case .sat(let m):
                #expect(!expectProved, "\(name): \(m)")
                #expect(try m.uint64(post.select(j)) > 7)
                #expect(try m.uint64(j) == (try m.uint64(t)))
                #expect(try m.uint64(v) > 7)
            case .unknown(let why):
                Issue.record("\(name): unknown: \(why)")
            }
            try solver.pop()
        }
    }

}

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
        #expect(try m.uint64(x) == 3)
        #expect(try m.uint64(a.select(x)) == (try m.uint64(y)) + 1)
        solver.push()
        try solver.assert(x.eq(y))
        guard case .unsat = try solver.check() else { Issue.record("expected unsat under x = y"); return }
        try solver.pop()
        guard case .sat = try solver.check() else { Issue.record("expected sat after the pop"); return }
    }

    /// An ill-sorted term is a Swift error, and the context stays usable.
    @Test func illSortedTerms_throw_andTheContextGoesOn() throws {
        let z = try SMTContext()
        let x = try z.constant("x", z.bitVector(8))
        let flag = try z.constant("flag", z.boolSort())
        #expect(throws: SMTError.self) { try x.bvadd(flag) }
        #expect(throws: SMTError.self) { try x.select(x) }
        let solver = try Solver(z)
        try solver.assert(try x.eq(z.bv(4, z.bitVector(8))))
        guard case .sat(let m) = try solver.check() else { Issue.record("expected sat"); return }
        #expect(try m.uint64(x) == 4)
    }

    /// Factoring a 62-bit semiprime with bit-vector multiplication does not
    /// finish in 50 ms: the query ends `unknown`, not in a hang.
    @Test func timeout_endsUnknown() throws {
        let z = try SMTContext()
        let bv64 = try z.bitVector(64), bv128 = try z.bitVector(128)
        let p = try z.constant("p", bv64), q = try z.constant("q", bv64)
        let n: UInt64 = 4_611_686_014_132_420_609      // (2^31 - 1)^2, both factors prime
        let product = try p.zeroExtend(by: 64).bvmul(q.zeroExtend(by: 64))
        let solver = try Solver(z)
        try solver.assert(product.eq(z.bv(n, bv128)))
        try solver.assert(z.bv(1, bv64).ult(p))
        try solver.assert(z.bv(1, bv64).ult(q))
        try solver.assert(p.ule(q))
        let clock = ContinuousClock()
        let start = clock.now
        let result = try solver.check(timeoutMilliseconds: 50)
        #expect(clock.now - start < .seconds(10))
        guard case .unknown(let why) = result else { Issue.record("expected unknown, got \(result)"); return }
        #expect(why.contains("timeout") || why.contains("canceled"), "\(why)")
    }

    @Test func version_isReported() {
        #expect(SMTContext.version.split(separator: ".").count == 3)
        #expect(SMTContext.version.split(separator: ".").allSatisfy { Int($0) != nil })
    }

    /// Inductive-invariant shape (reference §1 (b)): prio ≤ 7 is preserved
    /// by a saturating increment and broken by an unguarded store.
    @Test func inductiveCheck_provesAndRefutes() throws {
        let z = try SMTContext()
        let bv8 = try z.bitVector(8)
        let prio = try z.constant("prio", try z.array(bv8, bv8))
        let t = try z.constant("t", bv8), j = try z.constant("j", bv8), v = try z.constant("v", bv8)
        let seven = try z.bv(7, bv8)
        func inv(_ arr: Expr, _ i: Expr) throws -> Expr { try arr.select(i).ule(seven) }
        let old = try prio.select(t)
        let saturating = try prio.store(t, old.ult(seven).ite(old.bvadd(z.bv(1, bv8)), old))
        let unguarded = try prio.store(t, v)
        let solver = try Solver(z)
        for (post, expectProved) in [(saturating, true), (unguarded, false)] {
            solver.push()
            try solver.assert(try inv(prio, j).and(inv(prio, t), inv(post, j).not()))
            let r = try solver.check()
            switch r {
            case .unsat: #expect(expectProved)
            case .sat(let m): #expect(!expectProved); #expect(try m.uint64(post.select(j)) > 7)
            case .unknown(let why): Issue.record("unknown: \(why)")
            }
            try solver.pop()
        }
    }

    /// Reference counting: 20,000 push/assert/check/pop queries, each over
    /// terms no other query shares (Z3 hash-conses equal terms, so only new
    /// numerals show a leak), must not grow the resident set; with the
    /// `Z3_dec_ref` in `Expr.deinit` removed this test fails.
    @Test func manyQueries_doNotLeak() throws {
        let z = try SMTContext()
        let bv32 = try z.bitVector(32)
        let x = try z.constant("x", bv32)
        let solver = try Solver(z)
        func query(_ i: Int) throws {
            solver.push()
            let sum = try x.bvadd(z.bv(UInt64(i) &* 2_654_435_761 & 0xFFFF_FFFF, bv32))
            try solver.assert(try sum.eq(z.bv(UInt64(i) | 0x1000_0000, bv32)).and(sum.ult(z.bv(UInt64(i) + 7, bv32))))
            _ = try solver.check()
            try solver.pop()
        }
        for i in 0..<2_000 { try query(i) }
        let before = Self.residentBytes()
        for i in 2_000..<20_000 { try query(i) }
        let growth = Self.residentBytes() - before
        #expect(growth < 16 << 20, "resident set grew by \(growth) bytes over 18,000 queries")
    }

    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return (line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0) * 1024
        }
        return 0
    }
}

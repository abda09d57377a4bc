import Testing
@testable import SMT

/// `ArrayReadReducer` and the term utilities the lazy instantiation of
/// `l4spec prove` relies on (docs/prove.md, "How an obligation is decided").
@Suite struct ArrayReadReducerTests {
    /// A satisfiable query over a λ-built array (the symbolic kernel's
    /// whole-table updates) gets a model once its reads are reduced, and the
    /// model satisfies the original, unreduced formula: the reduction is an
    /// equivalence, not an approximation.
    @Test func reducedLambdaQueryHasAModelOfTheOriginal() throws {
        let z = try SMTContext()
        let bv8 = try z.bitVector(8), bv16 = try z.bitVector(16)
        let table = try z.constant("table", z.array(bv16, bv8))
        let gone = try z.constant("gone", bv8), x = try z.constant("x", bv16), y = try z.constant("y", bv16)
        let i = try z.freshConstant("i", bv16)
        // Clear every entry naming `gone`, then write 5 at x: the shape of clearAllSlots plus a store.
        let cleared = try z.lambda([i], table.select(i).eq(gone).ite(z.bv(0, bv8), table.select(i)))
        let after = try cleared.store(x, z.bv(5, bv8))
        let formula = try after.select(y).eq(z.bv(0, bv8)).and(x.ne(y), table.select(y).eq(gone), gone.ne(z.bv(0, bv8)))
        let reducer = ArrayReadReducer(z)
        let reduced = try reducer.reduce(formula)
        #expect(!reduced.description.contains("lambda"), "\(reduced)")
        let solver = try Solver(z)
        try solver.assert(reduced)
        guard case .sat(let m) = try solver.check(timeoutMilliseconds: 10_000) else { Issue.record("expected sat"); return }
        #expect(try m.bool(formula))
        // The reads the reduced formula makes of the array constant are recorded.
        #expect(reducer.readIndices(of: table).contains { $0.description == y.description })
    }

    /// An unsatisfiable query stays unsatisfiable after the reduction.
    @Test func reducedContradictionStaysUnsat() throws {
        let z = try SMTContext()
        let bv8 = try z.bitVector(8)
        let a = try z.constant("a", z.array(bv8, bv8)), k = try z.constant("k", bv8)
        let i = try z.freshConstant("i", bv8)
        let doubled = try z.lambda([i], a.select(i).bvadd(a.select(i)))
        let formula = try doubled.select(k).extract(high: 0, low: 0).eq(z.bv(1, z.bitVector(1)))
        let solver = try Solver(z)
        try solver.assert(ArrayReadReducer(z).reduce(formula))
        #expect(try solver.check(timeoutMilliseconds: 10_000).isUnsat)
    }

    @Test func readDepthCountsNestedReads() throws {
        let z = try SMTContext()
        let bv8 = try z.bitVector(8)
        let a = try z.constant("a", z.array(bv8, bv8)), x = try z.constant("x", bv8)
        let reducer = ArrayReadReducer(z)
        #expect(reducer.readDepth(x) == 0)
        #expect(reducer.readDepth(try a.select(x)) == 1)
        #expect(reducer.readDepth(try a.select(a.select(x)).bvadd(x)) == 2)
    }

    /// `substitute` replaces terms; a model `substituting` arrays evaluates
    /// every term with the replacement (a repaired model).
    @Test func substitutionAndSubstitutedModels() throws {
        let z = try SMTContext()
        let bv8 = try z.bitVector(8)
        let a = try z.constant("a", z.array(bv8, bv8)), x = try z.constant("x", bv8)
        let sevens = try z.constArray(bv8, z.bv(7, bv8))
        #expect(try a.select(x).substitute([a], [sevens]).simplified().uint64Value == 7)
        #expect(throws: SMTError.self) { try a.substitute([a, x], [sevens]) }
        let solver = try Solver(z)
        try solver.assert(a.select(x).eq(z.bv(3, bv8)))
        guard case .sat(let m) = try solver.check() else { Issue.record("expected sat"); return }
        #expect(try m.uint64(a.select(x)) == 3)
        #expect(try m.substituting([a], [sevens]).uint64(a.select(x)) == 7)
    }
}

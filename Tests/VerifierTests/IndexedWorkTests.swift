import SMT
import Testing
@testable import Verifier

/// The work queue behind the parallel prover (issue "Z3 proofs", point 8):
/// it may hand items out in any order, but the results come back by index.
@Suite struct IndexedWorkTests {
    @Test func itemsGoOutInTheGivenOrderAndComeBackByIndex() throws {
        let work = IndexedWork<String>(count: 3, order: [2, 0, 1])
        var taken: [Int] = []
        while let i = work.next() {
            taken.append(i)
            work.store(i, "item \(i)")
        }
        #expect(taken == [2, 0, 1])
        #expect(try work.outputs() == ["item 0", "item 1", "item 2"])
    }

    @Test func withoutAnOrderItemsGoOutByIndex() {
        let work = IndexedWork<Int>(count: 3)
        #expect([work.next(), work.next(), work.next(), work.next()] == [0, 1, 2, nil])
    }

    @Test func aFailureStopsTheQueueAndIsRethrown() {
        let work = IndexedWork<Int>(count: 3, order: [1, 2, 0])
        #expect(work.next() == 1)
        work.fail(SMTError(code: SMTError.wrapperCode, message: "boom"))
        #expect(work.next() == nil)
        #expect(throws: SMTError.self) { try work.outputs() }
    }

    @Test func anItemNeverStoredIsAnError() {
        let work = IndexedWork<Int>(count: 2)
        #expect(work.next() == 0)
        work.store(0, 0)
        #expect(throws: SMTError.self) { try work.outputs() }
    }
}

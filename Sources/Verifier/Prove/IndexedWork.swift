import Foundation
import SMT

/// Work items 0..<count handed out to worker threads, in index order or in
/// a given one, their results kept by index, so a parallel run returns what
/// a sequential one would (the prover's families, the differential's chunks
/// of a level).
/// Once an item fails no more are handed out, and the failure is rethrown.
final class IndexedWork<Output>: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private var slots: [Output?]
    private let order: [Int]
    private var error: SMTError?

    /// `order` is a permutation of 0..<count: the order items are handed out in.
    init(count: Int, order: [Int]? = nil) {
        slots = Array(repeating: nil, count: count)
        self.order = order ?? Array(0..<count)
    }

    /// The next item to work on, or nil when all are taken or one failed.
    func next() -> Int? {
        lock.withLock {
            guard error == nil, nextIndex < order.count else { return nil }
            defer { nextIndex += 1 }
            return order[nextIndex]
        }
    }

    func store(_ i: Int, _ output: Output) { lock.withLock { slots[i] = output } }
    func fail(_ e: SMTError) { lock.withLock { if error == nil { error = e } } }

    /// Every item's output in index order; the first failure rethrown.
    func outputs() throws(SMTError) -> [Output] {
        let (e, all) = lock.withLock { (error, slots) }
        if let e { throw e }
        var out: [Output] = []
        for o in all {
            guard let o else { throw SMTError(code: SMTError.wrapperCode, message: "a work item was never done") }
            out.append(o)
        }
        return out
    }
}

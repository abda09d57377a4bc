import Dispatch
import Foundation
import Properties
import SMT
import Symbolic

extension Prover {
    /// The proof suite on `workers` threads with one Z3 context each (issue
    /// "Z3 proofs", point 8): a Z3 context must not be shared between
    /// threads, so every worker builds its own setting and vacuity witnesses
    /// and takes whole families from a shared queue (a family's obligations
    /// share its hypotheses). The obligations come back in family order, so
    /// the report is the one-worker report with other times.
    public static func run(_ options: ProofOptions, workers: Int) throws(SMTError) -> ProofReport {
        let families = options.families
        let shared = FamilyResults(count: families.count)
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, families.count))) { _ in
            do throws(SMTError) {
                let (setting, vacuity) = try prepare(options)
                while let i = shared.next() {
                    shared.store(i, try prove(families[i], setting, vacuity, options, { _ in }))
                }
            } catch {
                shared.fail(error)
            }
        }
        return report(try shared.obligations())
    }
}

/// The work queue and result slots the workers share, behind one lock.
private final class FamilyResults: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private var slots: [[ProofObligation]?]
    private var error: SMTError?

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// The next family to prove, or nil when all are taken or a worker failed.
    func next() -> Int? {
        lock.withLock {
            guard error == nil, nextIndex < slots.count else { return nil }
            defer { nextIndex += 1 }
            return nextIndex
        }
    }

    func store(_ i: Int, _ obligations: [ProofObligation]) { lock.withLock { slots[i] = obligations } }
    func fail(_ e: SMTError) { lock.withLock { if error == nil { error = e } } }

    func obligations() throws(SMTError) -> [ProofObligation] {
        let (e, all) = lock.withLock { (error, slots) }
        if let e { throw e }
        return all.flatMap { $0 ?? [] }
    }
}

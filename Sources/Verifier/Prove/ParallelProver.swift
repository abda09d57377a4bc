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
    /// share its hypotheses), the costliest first: two families take a
    /// quarter of the one-worker time each, and handed out last they would
    /// leave the other worker idle (longest-processing-time-first, the
    /// classic rule for jobs on identical machines). The obligations come
    /// back in family order, so the report is the one-worker report with
    /// other times.
    public static func run(_ options: ProofOptions, workers: Int) throws(SMTError) -> ProofReport {
        let families = options.families
        let costliestFirst = families.indices.sorted { families[$0].schedulingWeight > families[$1].schedulingWeight }
        let shared = IndexedWork<[ProofObligation]>(count: families.count, order: costliestFirst)
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
        return report(try shared.outputs().flatMap { $0 })
    }
}

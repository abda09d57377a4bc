import Dispatch
import Foundation
import Refinement
import Scenarios
import SMT
import Verifier

/// `prove` and `refine` of a `verify` run, one thread each: both are
/// single-threaded, so on two cores they take the time of the longer one.
enum SideBySide {
    struct Output: Sendable {
        var proof: ProofReport?
        var refine: RefineReport?
    }

    /// Written by the two threads, read after both finished.
    final class Box: @unchecked Sendable {
        let lock = NSLock()
        var output = Output()
        var error: Error?
        func set(_ body: (inout Output) -> Void) {
            lock.lock()
            body(&output)
            lock.unlock()
        }
        func fail(_ e: Error) {
            lock.lock()
            if error == nil { error = e }
            lock.unlock()
        }
    }

    static func run(_ options: VerifyOptions, scenarios: [Scenario], progress: PhaseProgress?) throws -> Output {
        let box = Box()
        let group = DispatchGroup()
        if options.prove {
            DispatchQueue.global().async(group: group) {
                let report = ProvePhase.run(options, progress: progress)
                box.set { $0.proof = report }
            }
        }
        if options.refine {
            DispatchQueue.global().async(group: group) {
                do {
                    let report = try RefinePhase.run(options, scenarios: scenarios, progress: progress)
                    box.set { $0.refine = report }
                } catch {
                    box.fail(error)
                }
            }
        }
        group.wait()
        if let error = box.error { throw error }
        return box.output
    }
}

/// The proofs of `verify`: family by family, quickest first, each with the
/// per-obligation limit, in one Z3 context (the encoding and the vacuity
/// witnesses are set up once); families not started within the budget are
/// reported unknown with the reason, never proved. A Z3 error becomes an
/// unknown verdict for the family it hit and those after it.
enum ProvePhase {
    /// Families in the order they prove fastest (docs/output.md#verify).
    static let order: [ProofFamily] = [.capValid, .capEqual] + ProofFamily.ipcCases + [.unmapMemory, .unmapObject, .mapMemory, .mapObject]
        + ProofFamily.allCases.filter { if case .create = $0 { true } else { false } }

    static func run(_ options: VerifyOptions, progress: PhaseProgress?) -> ProofReport {
        let start = Date()
        let ids = options.proveProperties.isEmpty ? ProofCatalogue.ids : ProofCatalogue.ids.filter { options.proveProperties.contains($0) }
        var merged = ProofReport.make(obligations: [], z3Version: SMTContext.version, strengthening: [], assumptions: Prover.assumptions,
                                 notEncoded: Prover.notEncoded)
        var o = ProofOptions()
        o.timeoutMilliseconds = options.proveTimeoutMilliseconds
        o.properties = options.proveProperties
        o.families = order
        var current: (family: ProofFamily, start: Date)?
        var obligations: [ProofObligation] = []
        var finished: [String: [ProofObligation]] = [:]
        func finish() {
            guard let (family, started) = current else { return }
            let mine = shareSetupTime(obligations, wall: Date().timeIntervalSince(started))
            finished[family.name] = mine
            let proved = mine.filter { $0.verdict == .proved }.count
            progress?.done("prove \(family.name)", "\(proved)/\(mine.count) proved" + String(format: " (%.1f s)", Date().timeIntervalSince(started)))
            current = nil
            obligations = []
        }
        var failure: String?
        var budgetStart: Date?
        do {
            let r = try Prover.run(o, starting: { family in
                finish()
                // The budget counts from the first family's start; the shared
                // set-up is counted in the first family's time.
                let clock = budgetStart ?? Date()
                budgetStart = clock
                guard Date().timeIntervalSince(clock) < options.proveBudgetSeconds else { return false }
                current = (family, finished.isEmpty ? start : Date())
                return true
            }) { ob in
                obligations.append(ob)
                progress?.update("prove", "\(ob.property) \(ob.family): \(ob.verdict.word)")
            }
            merged.strengthening = r.strengthening
        } catch {
            failure = "Z3 error: \(error)"
        }
        finish()
        for family in order {
            if let mine = finished[family.name], failure == nil || !mine.isEmpty {
                merged.obligations += mine
                continue
            }
            let why = failure ?? "not attempted: verify's prove budget of \(options.proveBudgetText) s was used up (--prove-budget)"
            merged.obligations += ids.map { ProofObligation.make(property: $0, family: family.name, verdict: .unknown(why), seconds: 0) }
        }
        return merged
    }
}

extension ProvePhase {
    /// Spreads a family's setup (building the step, the vacuity witness)
    /// evenly over its obligations, so that the times add up to the wall time.
    static func shareSetupTime(_ obligations: [ProofObligation], wall: Double) -> [ProofObligation] {
        let setup = max(0, wall - obligations.reduce(0) { $0 + $1.seconds })
        return obligations.map { o in
            var o = o
            o.seconds += setup / Double(obligations.count)
            return o
        }
    }
}

/// The refinement of `verify` (issue 6 point 3): the conformance traces on
/// both sides, every explored edge of each scenario within the state cap,
/// and the seeded random walks over the scenarios.
enum RefinePhase {
    static func run(_ options: VerifyOptions, scenarios: [Scenario], progress: PhaseProgress?) throws -> RefineReport {
        let start = Date()
        var r = RefineOptions()
        r.maxStates = options.refineEdgeStates
        r.maxDepth = options.refineEdgeDepth
        r.outDirectory = options.outDirectory
        r.progress = { line in progress?.update("refine", line) }
        var cases: [RefineCase] = []
        // Traces that do not load are already conformance errors.
        for file in FileList.jsonFiles(under: options.conformanceDirectory) {
            if let c = try? RefineRunner.trace(path: file, options: r) { cases.append(c) }
        }
        progress?.done("refine traces", "\(cases.filter { !$0.diverged }.count)/\(cases.count) agree")
        for s in scenarios {
            var options = r
            options.maxDepth = options.maxDepth.map { min($0, s.bounds.depth) }
            let c = try EdgeRefinement.run(s, options: options)
            let verdict = c.diverged || c.limit == nil ? c.verdict : "agree to depth \(c.depth), state cap \(options.maxStates) reached in depth \(c.depth + 1)"
            progress?.done("refine edges \(s.name)", "\(verdict), \(c.edges) edges, \(c.states) states" + String(format: " (%.1f s)", c.seconds))
            cases.append(c)
        }
        if options.refineWalks > 0, !scenarios.isEmpty {
            let c = try RefineRunner.random(walks: options.refineWalks, length: options.refineWalkLength, seed: options.refineSeed,
                                            scenarios: scenarios, options: r)
            progress?.done("refine random", "\(c.verdict), \(c.walks) walks, \(c.steps) steps" + String(format: " (%.1f s)", c.seconds))
            cases.append(c)
        }
        return RefineReport(cases: cases, seconds: Date().timeIntervalSince(start))
    }
}

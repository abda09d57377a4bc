import ArgumentParser
import StateExplorer
import Verification
import Verifier

/// The options of the `verify` job (conformance, check, prove, refine) with
/// verify's defaults, as one option group: `l4spec evidence` runs the same
/// job with the same options (`@OptionGroup`), so the two commands cannot
/// drift apart (docs/output.md#verify, docs/evidence.md).
struct VerifyJobArguments: ParsableArguments {
    @Option(help: "Directory of conformance traces (default: ./Conformance or the package's).")
    var conformance: String?

    @Option(help: "Worker threads for check (default: all cores).")
    var workers = ExplorerConfiguration.defaultWorkers

    @Flag(name: .customLong("no-prove"), help: "Skip the Z3 proofs.")
    var noProve = false

    @Option(name: .customLong("prove-timeout-ms"), help: "Z3 time limit per proof obligation.")
    var proveTimeout: Int = 3_000

    @Option(name: .customLong("prove-budget"), help: "Seconds after which no further system-call family is started (its obligations: unknown).")
    var proveBudget: Double = 150

    @Option(name: .customLong("prove-property"), help: "Property ID to prove (repeatable; default: every symbolic form).")
    var proveProperties: [String] = []

    @Flag(name: .customLong("strict-proofs"), help: "Count unknown and vacuous obligations as inconclusive (exit 3).")
    var strictProofs = false

    @Flag(name: .customLong("no-refine"), help: "Skip the refinement of KernelImpl against the spec.")
    var noRefine = false

    @Option(name: .customLong("refine-edges-states"), help: "Edge replay: state cap per scenario (every edge to the last complete depth is checked).")
    var refineEdgeStates = 30_000

    @Option(name: .customLong("refine-edges-depth"), help: "Edge replay: depth limit (default: each scenario's own depth bound).")
    var refineEdgeDepth: Int?

    @Option(name: .customLong("refine-walks"), help: "Number of seeded random walks (0: none).")
    var refineWalks = 10_000

    @Option(name: .customLong("refine-length"), help: "Events per random walk.")
    var refineLength = 40

    @Option(name: .customLong("refine-seed"), help: "Seed of the random walks.")
    var refineSeed: UInt64 = 1

    func validate() throws {
        guard (1...256).contains(workers) else { throw ValidationError("--workers must be in 1...256") }
        guard (1...3_600_000).contains(proveTimeout) else { throw ValidationError("--prove-timeout-ms must be in 1...3600000") }
        guard proveBudget >= 0 && proveBudget <= 86_400 else { throw ValidationError("--prove-budget must be in 0...86400 seconds") }
        let known = Set(ProofCatalogue.ids)
        for p in proveProperties where !known.contains(p) {
            throw ValidationError("unknown property '\(p)' for --prove-property (symbolic forms: \(ProofCatalogue.ids.joined(separator: ", ")))")
        }
        guard (1...100_000_000).contains(refineEdgeStates) else { throw ValidationError("--refine-edges-states must be in 1...100000000") }
        if let d = refineEdgeDepth, !(0...10_000).contains(d) { throw ValidationError("--refine-edges-depth must be in 0...10000") }
        guard (0...10_000_000).contains(refineWalks) else { throw ValidationError("--refine-walks must be in 0...10000000") }
        guard (1...10_000).contains(refineLength) else { throw ValidationError("--refine-length must be in 1...10000") }
    }

    /// The conformance directory: the given one, ./Conformance, or the package's.
    func conformanceDirectory() throws -> String {
        guard let dir = FileList.conformanceDirectory(explicit: conformance) else {
            throw ValidationError("no Conformance/ directory found; pass --conformance DIR")
        }
        return dir
    }

    func apply(to o: inout VerifyOptions) {
        o.check.workers = workers
        o.prove = !noProve
        o.proveTimeoutMilliseconds = UInt32(proveTimeout)
        o.proveBudgetSeconds = proveBudget
        o.proveProperties = Set(proveProperties)
        o.strictProofs = strictProofs
        o.refine = !noRefine
        o.refineEdgeStates = refineEdgeStates
        o.refineEdgeDepth = refineEdgeDepth
        o.refineWalks = refineWalks
        o.refineWalkLength = refineLength
        o.refineSeed = refineSeed
    }

    /// The options that differ from the defaults, as typed (for "how to reproduce").
    var words: [String] {
        var w: [String] = []
        func add(_ flag: String, _ value: String?) { if let value { w += [flag, value] } }
        add("--conformance", conformance)
        if noProve { w.append("--no-prove") }
        add("--prove-timeout-ms", proveTimeout == 3_000 ? nil : "\(proveTimeout)")
        add("--prove-budget", proveBudget == 150 ? nil : "\(proveBudget)")
        for p in proveProperties { add("--prove-property", p) }
        if strictProofs { w.append("--strict-proofs") }
        if noRefine { w.append("--no-refine") }
        add("--refine-edges-states", refineEdgeStates == 30_000 ? nil : "\(refineEdgeStates)")
        add("--refine-edges-depth", refineEdgeDepth.map(String.init))
        add("--refine-walks", refineWalks == 10_000 ? nil : "\(refineWalks)")
        add("--refine-length", refineLength == 40 ? nil : "\(refineLength)")
        add("--refine-seed", refineSeed == 1 ? nil : "\(refineSeed)")
        return w
    }
}

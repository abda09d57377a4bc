import ArgumentParser
import Foundation
import SMT
import Scenarios
import Symbolic
import Verifier

/// `l4spec prove --differential SCENARIO|all` (issue 5 point 2): every
/// encoded edge of every state the explorer reaches in the scenario, within
/// its depth bound, evaluated symbolically and compared with `Spec`, split
/// across `--workers` threads (default: the active processors; the
/// report does not depend on the number). The
/// tests run the first explored states of each built-in; this is the whole
/// run, like `refine --edges all`. Exit 0 all agree, 1 a disagreement,
/// 3 the state cap cut a scenario short, 2 bad input.
extension L4Spec.Prove {
    func validateDifferential() throws {
        guard !differential.isEmpty else { return }
        guard (1...100_000_000).contains(maxStates) else { throw ValidationError("--max-states must be in 1...100000000") }
        guard noninterference.isEmpty, bmc == nil else { throw ValidationError("--differential cannot be combined with --noninterference or --bmc") }
        guard format == .text else { throw ValidationError("--differential prints text only") }
        if let workers, !(1...256).contains(workers) { throw ValidationError("--workers must be in 1...256") }
    }

    func runDifferential() throws {
        let names = differential == ["all"] ? ScenarioLoader.builtInNames : differential
        let scenarios = try names.map { try ScenarioLoader.resolve($0, relativeTo: ".") }
        let count = workers ?? ProcessInfo.processInfo.activeProcessorCount
        let pool = try ExploredDifferential.Workers(count: count) { () throws(SMTError) in try SymbolicKernel(Vocabulary(SMTContext())) }
        var rows: [[String]] = []
        var (disagreed, cut) = (false, false)
        let total = ContinuousClock.now
        for s in scenarios {
            let start = ContinuousClock.now
            let r = try ExploredDifferential.run(s, maxDepth: s.bounds.depth, maxStates: maxStates, workers: pool)
            let seconds = start.secondsToNow
            FileHandle.standardError.write(Data("prove --differential: \(s.name): \(r.states) states, \(r.edges) edges, \(r.agreeing) agree, \(r.disagreements.count) differ, \(r.compiledSteps) steps compiled, \(r.simplifiedByZ3) pairs simplified by Z3 (\(String(format: "%.1f", seconds)) s)\n".utf8))
            disagreed = disagreed || !r.disagreements.isEmpty
            cut = cut || r.truncated
            let verdict = (!r.disagreements.isEmpty ? "differ"
                : r.compared == 0 ? "nothing compared (no encoded call in scope)" : "agree")
                + (r.truncated ? " (cut at \(maxStates) states)" : "")
            rows.append([s.name, "\(r.states)", "\(s.bounds.depth)", "\(r.edges)", "\(r.compared)", "\(r.outOfScope)", "\(r.agreeing)",
                         "\(r.disagreements.count)", verdict, String(format: "%.1f", seconds)])
            for d in r.disagreements.prefix(5) { print("\(s.name): \(d)") }
        }
        print(TextTable.render(header: ["scenario", "states", "depth", "edges", "compared", "out of scope", "agree", "differ", "verdict", "s"],
                               rows: rows))
        print("\(count) worker\(count == 1 ? "" : "s"), " + String(format: "%.1f s", total.secondsToNow))
        if disagreed { throw ExitCode(1) }
        if cut { throw ExitCode(3) }
    }
}

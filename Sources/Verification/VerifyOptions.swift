import Foundation
import Verifier

/// The bounds of `l4spec verify` (docs/output.md#verify). The defaults keep
/// the whole run on the ten built-ins under five minutes on two cores:
/// exhaustive `check` at each scenario's own bounds; edge replay of each
/// scenario up to a state cap; proofs with a per-obligation Z3 limit and a
/// total budget; 10,000 random walks.
public struct VerifyOptions: Sendable {
    /// Built-in names or scenario files; nil = every built-in.
    public var scenarios: [String]?
    /// Where scenario file names are resolved.
    public var directory = "."
    public var conformanceDirectory: String
    public var check = CheckOptions()

    public var prove = true
    /// Z3 limit per obligation (and per phase of one).
    public var proveTimeoutMilliseconds: UInt32 = 3_000
    /// Families not started within this many seconds of the prove phase are
    /// reported unknown ("not attempted"), never proved.
    public var proveBudgetSeconds: Double = 150
    /// Property IDs to prove (empty: every symbolic form).
    public var proveProperties: Set<String> = []
    /// Unknown and vacuous obligations make the run inconclusive (exit 3);
    /// by default they are reported but do not count (bounded-effort proofs).
    public var strictProofs = false

    public var refine = true
    /// Edge replay stops a scenario after this many states: every edge to
    /// the last complete depth is checked, the next depth in part.
    public var refineEdgeStates = 30_000
    /// Edge replay depth (nil: each scenario's own depth bound).
    public var refineEdgeDepth: Int?
    public var refineWalks = 10_000
    public var refineWalkLength = 40
    public var refineSeed: UInt64 = 1

    /// Counterexample and divergence traces are written here.
    public var outDirectory = "l4spec-out"
    public var toolVersion = "0.0.0"
    public var timestamp: Date?

    public init(conformanceDirectory: String) {
        self.conformanceDirectory = conformanceDirectory
    }

    /// The settings the verdicts depend on, for the report and the baseline.
    public var settings: [Setting] {
        var s = [Setting("scenarios", scenarios?.joined(separator: ", ") ?? "every built-in"),
                 Setting("check.bounds", "each scenario's own bounds" + (check.maxDepth.map { ", depth ≤ \($0)" } ?? "")),
                 Setting("check.max_states", "\(check.maxStates)")]
        if prove {
            s += [Setting("prove.timeout_ms", "\(proveTimeoutMilliseconds)"), Setting("prove.budget_s", proveBudgetText),
                  Setting("prove.properties", proveProperties.isEmpty ? "all" : proveProperties.sorted().joined(separator: ", ")),
                  Setting("prove.unknown", strictProofs ? "inconclusive (--strict-proofs)" : "reported, not counted")]
        } else {
            s.append(Setting("prove", "off (--no-prove)"))
        }
        if refine {
            s += [Setting("refine.edges.max_states", "\(refineEdgeStates)"),
                  Setting("refine.edges.depth", refineEdgeDepth.map { "\($0)" } ?? "each scenario's own depth bound"),
                  Setting("refine.random", "\(refineWalks) walks × \(refineWalkLength) events, seed \(refineSeed)")]
        } else {
            s.append(Setting("refine", "off (--no-refine)"))
        }
        return s
    }

    /// How outcomes are decided (printed under the table and in the report).
    public var policy: [String] {
        var p = ["conformance: every trace must replay with its expected results",
                 "check: each verdict must match the scenario's expect: list (unlisted: holds); a safety property left inconclusive by a limit is inconclusive; liveness left inconclusive at the liveness cap is reported, not counted"]
        if prove {
            p.append(strictProofs
                ? "prove: a refutation fails; unknown or vacuous is inconclusive"
                : "prove: a refutation fails; unknown or vacuous (time limit \(proveTimeoutMilliseconds) ms, budget \(proveBudgetText) s) is reported as not proved and not counted (--strict-proofs counts it)")
        }
        if refine { p.append("refine: any divergence fails; edge replay agrees within its stated depth and state cap") }
        return p
    }
}

extension VerifyOptions {
    /// The prove budget as written on the command line (150, 0.001), not truncated.
    public var proveBudgetText: String { String(format: "%g", proveBudgetSeconds) }
}

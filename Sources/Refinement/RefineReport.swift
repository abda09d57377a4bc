import Scenarios
import Spec
import Verifier

/// One divergence found, shrunk to a minimal trace (DESIGN §8).
public struct DivergenceFinding: Sendable {
    public var scenario: Scenario
    /// Length of the event list it was found on (trace, edge path, walk).
    public var originalLength: Int
    /// The 1-minimal event list that still diverges on the same field.
    public var events: [Event]
    /// The divergence at the end of `events`.
    public var divergence: Divergence
    /// The replay of `events`, for the side-by-side view of `l4spec show`.
    public var steps: [StepRecord]
    /// How many walks/edges/traces showed a divergence of the same class.
    public var count: Int
    /// Where the minimal trace was written (set by `DivergenceFile`).
    public var tracePath: String?
    /// What it was found on: the trace file, or the walk/edge that showed it.
    public var origin: String

    /// Divergences of one class share the field (object names dropped) and
    /// the operation; for the step's own result and actor also both values,
    /// which tell different rules apart.
    public var classKey: String { Self.classKey(of: divergence) }

    public static func classKey(of d: Divergence) -> String {
        let field = d.path.split(separator: ".", maxSplits: 1).last.map(String.init) ?? d.path
        let values = d.path.hasPrefix("step."), first = d.diffs.first
        return "\(field) @ \(operation(d.event))" + (values ? " (spec \(first?.spec ?? ""), impl \(first?.impl ?? ""))" : "")
    }

    static func operation(_ e: Event?) -> String {
        switch e {
        case nil: "boot"
        case .tick?: "tick"
        case .irqLine?: "irq line"
        case .invoke(_, let inv)?: String(EventTextOp.name(inv))
        }
    }
}

/// The result of one refinement job: one trace, the edges of one scenario,
/// or one batch of random walks.
public struct RefineCase: Sendable {
    public enum Kind: String, Sendable { case trace, edges, random }
    public var kind: Kind
    /// Trace path, scenario name, or "random walks (seed S)".
    public var name: String
    /// Steps on which both sides were compared.
    public var steps = 0
    /// Edges checked (`edges`) and states explored.
    public var edges = 0
    public var states = 0
    public var depth = 0
    /// Walks run (`random`).
    public var walks = 0
    public var seconds = 0.0
    /// Why the job stopped before covering everything (inconclusive).
    public var limit: String?
    public var findings: [DivergenceFinding] = []

    public init(kind: Kind, name: String) {
        self.kind = kind
        self.name = name
    }

    public var diverged: Bool { !findings.isEmpty }
    public var verdict: String { diverged ? "diverged" : (limit != nil ? "inconclusive" : "agree") }
    /// Total divergent walks/edges/traces (each class counts its members).
    public var divergenceCount: Int { findings.reduce(0) { $0 + $1.count } }
}

public struct RefineReport: Sendable {
    public var cases: [RefineCase]
    public var seconds: Double
    public var diverged: Bool { cases.contains(where: \.diverged) }
    public var inconclusive: Bool { cases.contains { $0.limit != nil } }
    public init(cases: [RefineCase], seconds: Double) {
        self.cases = cases
        self.seconds = seconds
    }
}

/// `<object>.<operation>` of an invocation (DESIGN §4 op names).
enum EventTextOp {
    static func name(_ inv: Invocation) -> Substring {
        let text = Verifier.EventText.describe(inv)
        return text.split(separator: " ").first ?? Substring(text)
    }
}

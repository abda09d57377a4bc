/// The content of the bundle's report, independent of its rendering:
/// `index.html`, `report.md` and `results/evidence.json` are three views of
/// one `EvidenceDocument` (issue 7 point 3), so they cannot disagree.
public struct EvidenceDocument: Codable, Sendable {
    public var header: Header
    public var overall: Outcome
    public var summary: [SummaryRow]
    public var requirements: [Requirement]
    public var assumptions: [AssumptionSet]
    public var findings: [Finding]
    public var systems: [SystemSection]
    public var coverage: Coverage
    public var outOfScope: [ScopeItem]
    public var inputs: [FileHash]
    /// Every file of the bundle except the reports and the manifests themselves.
    public var artifacts: [FileHash]
    /// Things the reader must know about this bundle (missing Graphviz, missing sources).
    public var notices: [String]

    public struct Header: Codable, Sendable {
        public var toolVersion: String
        public var commit: String
        /// Tracked files that differ from the commit (nil: unknown).
        public var modifiedTrackedFiles: Int?
        /// ISO 8601 UTC, or nil when no reproducible time was available.
        public var generated: String?
        /// Where `generated` came from: SOURCE_DATE_EPOCH, the commit time, or nothing.
        public var generatedSource: String
        public var command: String
        public var z3Version: String?
        public var graphvizVersion: String?
        /// How the package sources were found (nil: not found).
        public var sourceRoot: String?
    }

    /// Counts per method and outcome.
    public struct SummaryRow: Codable, Sendable {
        public var method: Method
        public var counts: [Outcome: Int]
    }

    /// One requirement (a catalogue property, a proof-only invariant, a
    /// noninterference condition, refinement, conformance) and its rows.
    public struct Requirement: Codable, Sendable {
        public var id: String
        public var title: String
        public var text: String
        /// The property's own conditions (catalogue `assumptions`).
        public var conditions: [String]
        public var rows: [MatrixRow]
    }

    public struct MatrixRow: Codable, Sendable {
        public var method: Method
        /// The scenario, obligation or trace group.
        public var subject: String
        /// The tool's own word (holds, proved, agree, ...).
        public var verdict: String
        public var outcome: Outcome
        public var detail: String
        /// IDs of `assumptions` entries.
        public var assumptions: [String]
        public var artifacts: [Link]
    }

    public struct Link: Codable, Sendable, Hashable {
        public var label: String
        /// Relative to the bundle root.
        public var path: String
    }

    public struct AssumptionSet: Codable, Sendable {
        public var id: String
        public var title: String
        public var items: [String]
    }

    /// A violation, refutation or divergence, with its picture.
    public struct Finding: Codable, Sendable {
        public var anchor: String
        public var title: String
        public var outcome: Outcome
        public var lines: [String]
        /// A solver model, a concrete pair or differing fields, shown as a block.
        public var details: [String]
        /// The trace, one event per entry (empty when the finding has no trace).
        public var steps: [String]
        public var figure: Figure?
        public var artifacts: [Link]
    }

    public struct Figure: Codable, Sendable {
        public var caption: String
        public var dot: String
        /// nil when Graphviz was not available or failed.
        public var svg: String?
    }

    public struct SystemSection: Codable, Sendable {
        public var name: String
        public var description: String
        public var facts: [Fact]
        public var figure: Figure?
        public var copy: Link?
    }

    public struct Fact: Codable, Sendable {
        public var name: String
        public var value: String
    }

    /// Explorer coverage: item × scenario transition counts.
    public struct Coverage: Codable, Sendable {
        public var scenarios: [String]
        public var rows: [CoverageRow]
    }

    public struct CoverageRow: Codable, Sendable {
        /// "op task.map", "result EPERM".
        public var item: String
        public var counts: [Int]
        public var total: Int { counts.reduce(0, +) }
    }

    public struct ScopeItem: Codable, Sendable {
        /// Which report says so.
        public var source: String
        public var text: String
    }

    public struct FileHash: Codable, Sendable, Hashable {
        public var path: String
        public var category: String
        public var sha256: String
        public var bytes: Int
    }
}

/// How a verdict was reached (issue 7 point 3's "method" column).
public enum Method: String, Codable, Sendable, CaseIterable, CodingKeyRepresentable {
    case exploration, inductiveProof, unwindingProof, refinementReplay, conformanceReplay

    public var title: String {
        switch self {
        case .exploration: "Exhaustive exploration within stated bounds"
        case .inductiveProof: "Inductive proof (Z3), per system call"
        case .unwindingProof: "Inductive proof of an unwinding condition (Z3, two state copies)"
        case .refinementReplay: "Refinement replay (Spec vs KernelImpl)"
        case .conformanceReplay: "Conformance replay (reference traces)"
        }
    }

    /// What the method establishes, for the method section.
    public var explanation: String {
        switch self {
        case .exploration:
            "Every state reachable from the scenario's boot state within its bounds is visited breadth first; the property is evaluated on every state (invariants), every transition (transition properties) or every fair lasso (liveness). A violation comes with the shortest trace to it."
        case .inductiveProof:
            "Z3 shows Inv ∧ inScope ∧ T ∧ ¬P′ unsatisfiable for one symbolic system call over a kernel with 2^8 of every object: the property holds after every step from any state satisfying the invariants, not only in reachable states of a scenario."
        case .unwindingProof:
            "Z3 checks an unwinding condition of noninterference over two copies of the encoded state under the scenario's policy; together the conditions give nonleakage for storage channels."
        case .refinementReplay:
            "Every explored edge of the scenario is replayed on the spec and on the independent KernelImpl (register/UTCB ABI); results, received messages and the abstracted state must agree after every step."
        case .conformanceReplay:
            "Hand-written traces whose expected results are taken from the reference (each names its section) are replayed on the spec."
        }
    }
}

/// How a verdict counts for the assessment.
public enum Outcome: String, Codable, Sendable, CaseIterable, CodingKeyRepresentable {
    /// Holds / proved / agrees / passed.
    case pass
    /// A violation the scenario declares (`expect:`): a deliberately insecure configuration.
    case expectedViolation
    /// An unexpected violation, a refutation, a divergence, a failed trace, or an expected violation not found.
    case fail
    /// Inconclusive, unknown or vacuous: not evidence either way.
    case open

    public var label: String {
        switch self {
        case .pass: "PASS"
        case .expectedViolation: "EXPECTED VIOLATION"
        case .fail: "FAIL"
        case .open: "OPEN"
        }
    }
}

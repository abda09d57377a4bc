/// The one machine-readable result shape shared by every subcommand
/// (`check`, `prove`, `refine`, `run`, `verify`): `--format json` prints it
/// as the `l4spec-output/1` envelope, and JUnit and SARIF are rendered from
/// it (docs/output.md, DESIGN §9). A plain Codable value so that other
/// renderers (the evidence bundle) can use it without knowing the pipelines.
public struct OutputReport: Codable, Sendable, Equatable {
    public static let schemaID = "l4spec-output/1"

    public var schema = OutputReport.schemaID
    /// The subcommand: check, prove, refine, run or verify.
    public var command: String
    public var tool: ToolInfo
    /// ISO 8601 (UTC) from `SOURCE_DATE_EPOCH`; absent otherwise, so the
    /// output carries no wall-clock time unless asked to.
    public var timestamp: String?
    /// The bounds and options the verdicts depend on, in a stable order.
    public var settings: [Setting]
    /// How each result's outcome is decided from its verdict (verify's policy).
    public var policy: [String]
    public var results: [ResultRecord]
    public var summary: Summary

    public init(command: String, tool: ToolInfo, timestamp: String? = nil, settings: [Setting] = [], policy: [String] = [],
                results: [ResultRecord], seconds: Double) {
        self.command = command
        self.tool = tool
        self.timestamp = timestamp
        self.settings = settings
        self.policy = policy
        self.results = results
        self.summary = Summary(results, seconds: seconds)
    }

    /// Recomputes the summary after results were changed (e.g. by a baseline).
    public mutating func resummarize() { summary = Summary(results, seconds: summary.seconds) }
}

public struct ToolInfo: Codable, Sendable, Equatable {
    public var name = "l4spec"
    public var version: String
    /// The Z3 version, when a proof ran.
    public var z3: String?
    public init(version: String, z3: String? = nil) {
        self.version = version
        self.z3 = z3
    }
}

public struct Setting: Codable, Sendable, Equatable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// What a verdict means for the run: `pass` as expected, `fail` a
/// violation/refutation/divergence/mismatch not expected, `inconclusive` a
/// limit stopped it, `error` bad input. The exit code follows from these.
public enum ResultOutcome: String, Codable, Sendable, CaseIterable, Comparable {
    case pass, inconclusive, fail, error

    /// DESIGN §9: 2 bad input, 1 a failure, 3 inconclusive, 0 otherwise.
    public static func exitCode<S: Sequence>(_ outcomes: S) -> Int32 where S.Element == ResultOutcome {
        let worst = outcomes.max() ?? .pass
        switch worst {
        case .pass: return 0
        case .inconclusive: return 3
        case .fail: return 1
        case .error: return 2
        }
    }

    /// Severity order: pass < inconclusive < fail < error.
    var rank: Int {
        switch self {
        case .pass: 0
        case .inconclusive: 1
        case .fail: 2
        case .error: 3
        }
    }

    public static func < (a: ResultOutcome, b: ResultOutcome) -> Bool { a.rank < b.rank }
}

/// The capability that produced a result.
public enum ResultCapability: String, Codable, Sendable, CaseIterable {
    case conformance, check, prove, refine, run
}

/// One verdict: a property on a scenario, a proof obligation, a refinement
/// input, a conformance trace or a replayed trace.
public struct ResultRecord: Codable, Sendable, Equatable {
    public var capability: ResultCapability
    /// Scenario name, trace path, system-call family or refinement input.
    public var subject: String
    /// Property ID (check, prove); nil for traces and refinement inputs.
    public var property: String?
    public var title: String?
    public var requirement: String?
    /// The property's kind (state invariant, transition property, liveness).
    public var kind: String?
    /// How the verdict was reached: "exhaustive exploration", "inductive proof (Z3)", ...
    public var method: String
    /// The capability's own word: holds, violated, inconclusive; proved,
    /// refuted, unknown, vacuous; agree, diverged; pass, fail; error.
    public var verdict: String
    /// The expected verdict, when one is declared (expect list, baseline).
    public var expected: String?
    public var outcome: ResultOutcome
    public var seconds: Double
    /// One line: the violated clause, the limit hit, why it holds.
    public var detail: String
    /// The bound the verdict holds within.
    public var bound: String?
    /// The limit that stopped it, if any.
    public var limit: String?
    /// The input file (scenario, trace) and line.
    public var source: SourceRef?
    /// The Spec rule of the event that broke it.
    public var rule: SourceRef?
    public var evidence: Evidence?
    public var assumptions: [String]
    /// Counts: states, transitions, depth, edges, steps, walks, obligations.
    public var metrics: [String: Int]

    public init(capability: ResultCapability, subject: String, property: String? = nil, title: String? = nil, requirement: String? = nil,
                method: String, verdict: String, outcome: ResultOutcome, seconds: Double, detail: String) {
        self.capability = capability
        self.subject = subject
        self.property = property
        self.title = title
        self.requirement = requirement
        self.method = method
        self.verdict = verdict
        self.outcome = outcome
        self.seconds = seconds
        self.detail = detail
        self.assumptions = []
        self.metrics = [:]
    }

    /// Identifies the result across runs (baselines): capability, subject, property.
    public var key: String { [capability.rawValue, subject, property ?? "-"].joined(separator: " | ") }

    /// The test-case name in JUnit and the row label in text.
    public var caseName: String {
        guard let property else { return subject }
        return title.map { "\(property) \($0)" } ?? property
    }
}

/// A place in a file, relative to the package root (`SRCROOT`) when `root` is true.
public struct SourceRef: Codable, Sendable, Equatable {
    public var path: String
    public var line: Int?
    /// The function (for Spec rules).
    public var function: String?
    /// True: `path` is relative to the L4Spec package root; false: as the user gave it.
    public var root: Bool
    public init(path: String, line: Int? = nil, function: String? = nil, root: Bool) {
        self.path = path
        self.line = line
        self.function = function
        self.root = root
    }
}

/// What backs a failing verdict: the shortest counterexample, a divergence,
/// a mismatching step, a Z3 model.
public struct Evidence: Codable, Sendable, Equatable {
    /// "counterexample", "divergence", "mismatch" or "model".
    public var kind: String
    /// The written `l4spec-trace/1` file, if any.
    public var trace: String?
    /// The command that replays or shows it.
    public var replay: String?
    public var steps: [EvidenceStep]
    public init(kind: String, trace: String? = nil, replay: String? = nil, steps: [EvidenceStep]) {
        self.kind = kind
        self.trace = trace
        self.replay = replay
        self.steps = steps
    }

    /// The body of a JUnit failure or a text report: steps with their changes, then the files.
    public var lines: [String] {
        var out: [String] = []
        if let trace { out.append("\(kind) (\(steps.count) step(s)): \(trace)") }
        for s in steps {
            out.append(s.text)
            out += s.changes.map { "     \($0)" }
        }
        if let replay { out.append("replay: \(replay)") }
        return out
    }
}

/// One step of a counterexample or divergence (or one fact of a model).
public struct EvidenceStep: Codable, Sendable, Equatable {
    public var text: String
    /// State changes of the step, or differing fields of a divergence.
    public var changes: [String]
    /// The Spec rule the step's operation fires.
    public var rule: SourceRef?
    public init(text: String, changes: [String] = [], rule: SourceRef? = nil) {
        self.text = text
        self.changes = changes
        self.rule = rule
    }
}

public struct Summary: Codable, Sendable, Equatable {
    public var total: Int
    /// Results per outcome (every outcome present, zero or not).
    public var outcomes: [String: Int]
    /// Results per verdict word.
    public var verdicts: [String: Int]
    public var exitCode: Int32
    public var seconds: Double

    public init(_ results: [ResultRecord], seconds: Double) {
        total = results.count
        outcomes = Dictionary(uniqueKeysWithValues: ResultOutcome.allCases.map { o in (o.rawValue, results.filter { $0.outcome == o }.count) })
        verdicts = Dictionary(grouping: results, by: \.verdict).mapValues(\.count)
        exitCode = ResultOutcome.exitCode(results.map(\.outcome))
        self.seconds = seconds
    }
}

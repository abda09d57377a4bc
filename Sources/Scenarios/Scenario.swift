import Spec

/// A system description (DESIGN §3): the boot state, the behaviour of every
/// thread, the exploration bounds and the isolation policy. Built by
/// `ScenarioLoader` from YAML; everything here is checked, so consumers (the
/// explorer, the prover, `l4spec run`) never see a dangling name.
public struct Scenario: Sendable {
    public var name: String
    public var description: String
    /// The YAML file it came from (built-ins: the resource file), for reports.
    public var sourcePath: String?
    /// The boot state; `initial.wellFormed()` is empty.
    public var initial: KernelState
    public var names: NameTable
    /// One entry per thread declared in the scenario, in `ThreadID` order.
    public var threads: [ThreadBehaviour]
    public var bounds: Bounds
    public var policy: Policy
    /// Object name → YAML line where it is declared (for SARIF locations).
    public var sourceLines: [String: Int]
    /// The verdicts the scenario declares under `expect:`, in document order.
    /// A property not listed is expected to hold (docs/scenarios.md#expect).
    public var expectations: [PropertyExpectation]

    public init(name: String, description: String, sourcePath: String?, initial: KernelState, names: NameTable,
                threads: [ThreadBehaviour], bounds: Bounds, policy: Policy, sourceLines: [String: Int],
                expectations: [PropertyExpectation] = []) {
        self.name = name
        self.description = description
        self.sourcePath = sourcePath
        self.initial = initial
        self.names = names
        self.threads = threads
        self.bounds = bounds
        self.policy = policy
        self.sourceLines = sourceLines
        self.expectations = expectations
    }

    /// The verdict the scenario expects for a property: its `expect:` entry, else `holds`.
    public func expectedVerdict(of property: String) -> PropertyExpectation.Verdict {
        expectations.first { $0.property == property }?.verdict ?? .holds
    }

    /// The declared behaviour of a thread (nil for threads created at run time).
    public func behaviour(of thread: ThreadID) -> Behaviour? {
        threads.first { $0.id == thread }?.behaviour
    }
}

/// One entry of a scenario's `expect:` mapping: the verdict `l4spec verify`
/// requires for a property. The property ID is checked against the catalogue
/// by the Verifier (Scenarios does not know the catalogue); `line` lets that
/// check point at the entry.
public struct PropertyExpectation: Sendable, Hashable {
    public enum Verdict: String, Sendable, Hashable, CaseIterable {
        case violated, holds
    }

    public var property: String
    public var verdict: Verdict
    /// 1-based line of the entry in the scenario file.
    public var line: Int

    public init(property: String, verdict: Verdict, line: Int) {
        self.property = property
        self.verdict = verdict
        self.line = line
    }
}

/// How a scenario thread acts when the explorer lets it run.
public enum Behaviour: Sendable, Hashable {
    /// Adversarial: any system call over the bounded argument domain.
    case any
    /// A fixed program; with `loop` it starts over after the last step.
    case script(steps: [Invocation], loop: Bool)
}

public struct ThreadBehaviour: Sendable, Hashable {
    public var id: ThreadID
    public var name: String
    public var behaviour: Behaviour

    public init(id: ThreadID, name: String, behaviour: Behaviour) {
        self.id = id
        self.name = name
        self.behaviour = behaviour
    }
}

/// Exploration bounds: the argument domain of `any` threads and the search
/// depth. Slots, pages and CPUs also become the boot state's `Config`.
public struct Bounds: Sendable, Hashable {
    /// Object-space bound (slots `0..<slots`), 1...`Capacity.slotsPerTask`.
    public var slots: Int
    /// Memory-space bound (pages `0..<pages`), 0...`Capacity.pagesPerTask`.
    public var pages: Int
    /// Present CPUs, 1...`Capacity.cpus`.
    public var cpus: Int
    /// Maximum trace length the explorer searches, 1...1000.
    public var depth: Int
    /// Message words an `any` thread sends, 0...`Capacity.words`.
    public var words: Int
    /// The values those words range over.
    public var wordValues: [UInt16]
    /// The message labels an `any` thread uses.
    public var labels: [UInt16]

    public static let defaults = Bounds(slots: Capacity.slotsPerTask, pages: Capacity.pagesPerTask, cpus: 1, depth: 20,
                                        words: 1, wordValues: [0, 1], labels: [0])

    public init(slots: Int, pages: Int, cpus: Int, depth: Int, words: Int, wordValues: [UInt16], labels: [UInt16]) {
        self.slots = slots
        self.pages = pages
        self.cpus = cpus
        self.depth = depth
        self.words = words
        self.wordValues = wordValues
        self.labels = labels
    }
}

/// The isolation policy: security domains (sets of tasks) and the flows of
/// authority or information allowed between them. A domain always flows to itself.
public struct Policy: Sendable, Hashable {
    public struct Domain: Sendable, Hashable {
        public var name: String
        public var tasks: [TaskID]
        public init(name: String, tasks: [TaskID]) {
            self.name = name
            self.tasks = tasks
        }
    }

    public struct Flow: Sendable, Hashable {
        public var from: String
        public var to: String
        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    public var domains: [Domain]
    public var flows: [Flow]

    public init(domains: [Domain], flows: [Flow]) {
        self.domains = domains
        self.flows = flows
    }

    /// The domain a task belongs to (tasks created at run time: none).
    public func domain(of task: TaskID) -> String? {
        domains.first { $0.tasks.contains(task) }?.name
    }

    /// Whether `from` may flow to `to` (reflexive; not transitive).
    public func allows(from: String, to: String) -> Bool {
        from == to || flows.contains { $0.from == from && $0.to == to }
    }
}

import Scenarios
import Spec

/// The property catalogue (DESIGN §6, properties.md §8). Filled by the
/// per-family files; `Catalogue.all` lists every entry in ID order.
public enum Catalogue {
    /// Every entry, in ID order (families as in properties.md §8).
    public static let all: [CatalogueEntry] =
        CapabilityProperties.all + MappingProperties.all + IpcProperties.all + SchedulingProperties.all
        + MemoryProperties.all + IrqProperties.all + InformationFlowProperties.all

    /// The entry with this ID, if the catalogue has one.
    public static func entry(id: String) -> CatalogueEntry? {
        all.first { $0.id == id }
    }
}

/// What a property is checked over.
public enum PropertyKind: String, Sendable {
    case stateInvariant = "state invariant"
    case transition = "transition property"
    case liveness = "liveness"
}

/// What a check sees besides the state: the scenario (policy, names, boot state).
public struct CheckContext: Sendable {
    public var scenario: Scenario {
        didSet { facts = BootFacts(scenario) }
    }
    /// Derived once from the scenario: policy indices, boot attribution, islands.
    private(set) var facts: BootFacts
    public init(scenario: Scenario) {
        self.scenario = scenario
        facts = BootFacts(scenario)
    }
}

/// One catalogue entry. A check returns the list of what is violated (empty = holds).
public struct CatalogueEntry: Sendable {
    public enum Check: Sendable {
        case state(@Sendable (KernelState, CheckContext) -> [String])
        case transition(@Sendable (KernelState, Event, StepResult, KernelState, CheckContext) -> [String])
        case liveness(Liveness)
    }

    /// ◇/□◇/leads-to over states, under weak fairness of timer ticks and of each CPU's running thread.
    public struct Liveness: Sendable {
        public enum Shape: Sendable { case leadsTo, alwaysEventually }
        public var shape: Shape
        /// Per instance (e.g. per thread): the precondition P and the goal Q of P ⇝ Q.
        public var instances: @Sendable (CheckContext) -> [(name: String, when: @Sendable (KernelState) -> Bool, goal: @Sendable (KernelState) -> Bool)]
        public init(shape: Shape, instances: @escaping @Sendable (CheckContext) -> [(name: String, when: @Sendable (KernelState) -> Bool, goal: @Sendable (KernelState) -> Bool)]) {
            self.shape = shape
            self.instances = instances
        }
    }

    public var id: String
    public var title: String
    /// The requirement a certification reader sees.
    public var requirement: String
    public var kind: PropertyKind
    public var check: Check
    /// Conditions under which the check is meaningful (listed in reports).
    public var assumptions: [String]

    public init(id: String, title: String, requirement: String, kind: PropertyKind, assumptions: [String] = [], check: Check) {
        self.id = id
        self.title = title
        self.requirement = requirement
        self.kind = kind
        self.check = check
        self.assumptions = assumptions
    }
}

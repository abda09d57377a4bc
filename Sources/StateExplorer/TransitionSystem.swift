/// A system the explorer can search (Stateright's `Model`, DESIGN §5). The
/// explorer knows nothing else about it.
///
/// Determinism contract: `initialStates`, `actions` and `successor` must be
/// pure functions of their arguments, and `actions` must list actions in the
/// same order every time (never iterate a `Set` or `Dictionary`): counterexample
/// traces are rebuilt by replaying action indices.
public protocol TransitionSystem: Sendable {
    associatedtype State: Sendable
    associatedtype Action: Sendable

    func initialStates() -> [State]
    /// Appends the actions possibly enabled in `state` (the buffer is reused).
    func actions(in state: State, into buffer: inout [Action])
    /// The successor via `action`, or nil when the action is not enabled.
    func successor(of state: State, via action: Action) -> State?
    /// A stable 64-bit fingerprint; never `Hasher`/`hashValue`, which Swift seeds per process.
    func fingerprint(_ state: State) -> UInt64
    /// Symmetry reduction: map a state to the representative of its class.
    /// Applied to every successor before it is stored; transition properties
    /// and coverage see the successor as `successor` returned it, so that
    /// `from` and `to` name objects alike.
    func canonicalize(_ state: State) -> State
    func describe(_ action: Action) -> String
    /// Names of the coverage items (operations, results) this system reports.
    var coverageNames: [String] { get }
    /// The coverage items a transition exercises (indices into `coverageNames`).
    func coverage(from: State, via action: Action, to: State, into items: inout [Int])
    /// How the frontier stores states between levels; nil keeps Swift values.
    var stateCodec: StateCodec<State>? { get }
}

extension TransitionSystem {
    public func canonicalize(_ state: State) -> State { state }
    public func describe(_ action: Action) -> String { "\(action)" }
    public var coverageNames: [String] { [] }
    public func coverage(from: State, via action: Action, to: State, into items: inout [Int]) {}
    public var stateCodec: StateCodec<State>? { nil }
}

/// A property checked during exploration.
public struct Property<System: TransitionSystem>: Sendable {
    public enum Check: Sendable {
        /// Must hold in every reachable state.
        case always(@Sendable (System.State) -> Bool)
        /// Must hold on every explored transition (from, action, to), with `to`
        /// not yet canonicalised.
        case transition(@Sendable (System.State, System.Action, System.State) -> Bool)
        /// Some reachable state should satisfy it (reported as an example, or not found).
        case sometimes(@Sendable (System.State) -> Bool)
    }

    public var name: String
    public var check: Check

    public init(name: String, check: Check) {
        self.name = name
        self.check = check
    }

    public static func always(_ name: String, _ p: @escaping @Sendable (System.State) -> Bool) -> Self { Self(name: name, check: .always(p)) }
    public static func transition(_ name: String, _ p: @escaping @Sendable (System.State, System.Action, System.State) -> Bool) -> Self {
        Self(name: name, check: .transition(p))
    }
    public static func sometimes(_ name: String, _ p: @escaping @Sendable (System.State) -> Bool) -> Self { Self(name: name, check: .sometimes(p)) }
}

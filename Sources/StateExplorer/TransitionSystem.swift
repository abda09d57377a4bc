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

    /// Optional fast path for systems with small fixed-size states: at most
    /// this many successors per state; 0 (the default) means there is none.
    /// The explorer takes it when no transition property needs the action
    /// of each edge, and rebuilds actions only for a trace.
    var successorBound: Int { get }
    /// The fast path: writes the successors of `state` to `buffer` (room for
    /// `successorBound` states) and returns how many. Successor i must be
    /// `successor(of: state, via: a)` for the i-th action `actions(in:)`
    /// lists, and every listed action must be enabled, so that a trace
    /// record's action index means the same on both paths.
    func successors(of state: State, into buffer: UnsafeMutablePointer<State>) -> Int
    /// Coverage of all of a state's transitions at once (the fast path's
    /// counterpart of `coverage(from:via:to:into:)`): adds to `counts[i]` how
    /// many of them exercise item i. `successors` are not yet canonicalised.
    func coverage(from state: State, successors: UnsafeBufferPointer<State>, into counts: UnsafeMutableBufferPointer<Int>)
}

extension TransitionSystem {
    public func canonicalize(_ state: State) -> State { state }
    public func describe(_ action: Action) -> String { "\(action)" }
    public var coverageNames: [String] { [] }
    public func coverage(from: State, via action: Action, to: State, into items: inout [Int]) {}
    public var stateCodec: StateCodec<State>? { nil }
    public var successorBound: Int { 0 }
    public func successors(of state: State, into buffer: UnsafeMutablePointer<State>) -> Int {
        var actions: [Action] = []
        self.actions(in: state, into: &actions)
        var n = 0
        for a in actions.prefix(successorBound) {
            if let t = successor(of: state, via: a) { (buffer + n).initialize(to: t); n += 1 }
        }
        return n
    }

    /// Rebuilds the actions and counts edge by edge; systems with a fast path
    /// and coverage items should count from the states alone.
    public func coverage(from state: State, successors: UnsafeBufferPointer<State>, into counts: UnsafeMutableBufferPointer<Int>) {
        var actions: [Action] = []
        self.actions(in: state, into: &actions)
        var items: [Int] = []
        for (a, t) in zip(actions, successors) { coverage(from: state, via: a, to: t, into: &items) }
        for i in items where i >= 0 && i < counts.count { counts[i] += 1 }
    }
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

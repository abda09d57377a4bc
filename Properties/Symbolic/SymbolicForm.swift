import SMT
import Symbolic

/// What a property's symbolic form may refer to besides the state: the
/// kernel's rules and the policy as uninterpreted tables (DESIGN §7).
public struct ProofSetting {
    public let kernel: SymbolicKernel
    /// `flow[a ‖ b]`: domain a may flow to / hold authority over domain b.
    public let flow: Expr
    /// Frames below this bound are user memory (MAP-5).
    public let frameBound: Expr
    public var v: Vocabulary { kernel.v }

    /// An arbitrary partition policy: `flow(a, b)` ⇔ `part(a) = part(b)` for
    /// an uninterpreted `part`. An equivalence relation by construction, so
    /// no reflexivity/symmetry/transitivity axioms (and no quantifiers) are
    /// needed.
    public init(kernel: SymbolicKernel) throws(SMTError) {
        self.kernel = kernel
        let v = kernel.v, ctx = v.context
        let part = try ctx.constant("policy.partition", ctx.array(v.bv8, v.bv8))
        let pair = try v.bound("ab", v.bv16)
        flow = try ctx.lambda([pair], part.select(pair.extract(high: 15, low: 8)).eq(part.select(pair.extract(high: 7, low: 0))))
        frameBound = try ctx.constant("frameBound", v.bv8)
    }

    /// A setting with a given policy and frame bound (concrete witnesses).
    public init(kernel: SymbolicKernel, flow: Expr, frameBound: Expr) {
        self.kernel = kernel
        self.flow = flow
        self.frameBound = frameBound
    }

    /// Every domain may flow to every other, and every frame is user memory:
    /// the setting in which a concrete state's invariants are evaluated.
    public static func permissive(_ kernel: SymbolicKernel) throws(SMTError) -> ProofSetting {
        let v = kernel.v
        return ProofSetting(kernel: kernel, flow: try v.context.constArray(v.bv16, v.truth(true)), frameBound: try v.b8(0xFF))
    }

    public func flows(_ a: Expr, _ b: Expr) throws(SMTError) -> Expr { try flow.select(a.concat(b)) }
}

/// The index sorts a ∀-bound variable ranges over.
public enum BoundSort: Sendable {
    /// `thread` ranges over sender encodings: thread ids and 0x80 | Irq.
    case slot, node, object, factory, domain, thread
    public func sort(_ v: Vocabulary) -> Sort {
        switch self {
        case .slot, .node, .object: v.bv16
        case .factory, .domain, .thread: v.bv8
        }
    }
}

/// The seed instances of a ∀-invariant in a proof obligation.
public enum Seeding: Sendable {
    /// Every tuple of the obligation's ground terms (positions the call
    /// touches and their one-step closure under "account of", "object in", ...).
    case everywhere
    /// Prefix sums (the ledgers), whose instances over every tuple of
    /// ground terms run to tens of thousands, while their proofs read a
    /// ledger only for the goal's own group at the positions a create, a
    /// free or a slot write shifts: the group coordinate (an account, an
    /// object) only at the goal's witnesses of its sort, none when the goal
    /// has none; the others at the focus — the goal's witnesses, the objects
    /// the call touches (created, displaced, named by its capabilities) with
    /// their successors and the last object, those objects' accounts, and
    /// the slots the call touches with their successors and the last slot.
    case witnessGroup
}

/// A state invariant's symbolic form: ∀ bound. body(state, bound).
public struct SymbolicInvariant: Sendable {
    public let id: String
    public let title: String
    /// A strengthening invariant (not in the catalogue) that makes the
    /// catalogue's invariants inductive; listed in the report.
    public let strengthening: Bool
    public let bound: [BoundSort]
    /// Where the prover seeds its instances before any model asks for more.
    public var seeding = Seeding.everywhere
    public let body: @Sendable (ProofSetting, SymbolicState, [Expr]) throws(SMTError) -> Expr

    /// Its negation with the bound variables as fresh constants (Skolemised goal).
    public func violated(_ p: ProofSetting, _ s: SymbolicState, witnesses: [Expr]) throws(SMTError) -> Expr {
        try body(p, s, witnesses).not()
    }
}

/// A transition property's symbolic form over (pre, step, call):
/// ∀ bound. body(bound) ∨ ∃ unless.bound. unless.body(bound, unless.bound).
public struct SymbolicTransitionProperty: Sendable {
    public typealias Body = @Sendable (ProofSetting, TransitionView, [Expr]) throws(SMTError) -> Expr
    /// The existential alternative of a property such as MEM-4 ("... or some
    /// object charged to it was freed"): its negation is a ∀ over the goal,
    /// which the prover instantiates like a hypothesis.
    public struct Alternative: Sendable {
        public let bound: [BoundSort]
        public let body: @Sendable (ProofSetting, TransitionView, _ witnesses: [Expr], _ alternative: [Expr]) throws(SMTError) -> Expr
    }

    public let id: String
    public let title: String
    public let bound: [BoundSort]
    public let body: Body
    public let unless: Alternative?

    init(id: String, title: String, bound: [BoundSort], unless: Alternative? = nil, body: @escaping Body) {
        self.id = id
        self.title = title
        self.bound = bound
        self.unless = unless
        self.body = body
    }
}

/// One symbolic step as a transition property sees it.
public struct TransitionView {
    public let pre: SymbolicState
    public let step: SymbolicStep
    public let call: SymbolicCall
    public let caller: Expr
    public var post: SymbolicState { step.state }
    public init(pre: SymbolicState, step: SymbolicStep, call: SymbolicCall, caller: Expr) {
        self.pre = pre
        self.step = step
        self.call = call
        self.caller = caller
    }
}

import CZ3

/// An incremental Z3 solver, by default for quantifier-free arrays and bit
/// vectors (`QF_AUFBV`).
///
/// Why long-lived with push/pop: making a solver is the dominant cost in Z3
/// 4.8.12 (about 1 ms for a `QF_AUFBV` solver, 7–10 ms for the default one),
/// while a check on a reused `QF_AUFBV` solver costs about 90 µs (reference
/// §1 (c), §6). The prover keeps one solver per family of obligations,
/// asserts the shared part once, and puts each obligation between `push()`
/// and `pop()`.
public final class Solver: CustomStringConvertible {
    let context: SMTContext
    let raw: Z3_solver
    /// The timeout last given to Z3: setting parameters is not free, so a
    /// run of checks with one timeout sets it once.
    private var timeoutInEffect: UInt32?

    /// The answer of a check.
    public enum Result: CustomStringConvertible {
        case sat(Model)
        case unsat
        /// Z3 gave up; its reason, e.g. "timeout" or "canceled".
        case unknown(String)

        public var isUnsat: Bool { if case .unsat = self { true } else { false } }

        public var description: String {
            switch self {
            case .sat: "sat"
            case .unsat: "unsat"
            case .unknown(let why): "unknown (\(why))"
            }
        }
    }

    /// A solver for `logic` (an SMT-LIB logic name; `QF_AUFBV` unless told),
    /// or Z3's general-purpose solver for `logic: nil` (needed for
    /// quantifiers, slower).
    public init(_ context: SMTContext, logic: String? = "QF_AUFBV") throws(SMTError) {
        self.context = context
        let made = logic.map { Z3_mk_solver_for_logic(context.raw, context.symbol($0)) } ?? Z3_mk_solver(context.raw)
        try context.check()
        guard let made else { throw .wrapper("Z3 made no solver for logic \(logic ?? "(default)")") }
        raw = made
        Z3_solver_inc_ref(context.raw, raw)
    }

    deinit { Z3_solver_dec_ref(context.raw, raw) }

    /// Opens a scope: assertions made from here on are removed by `pop()`.
    public func push() throws(SMTError) {
        Z3_solver_push(context.raw, raw)
        try context.check()
    }

    /// Closes `levels` scopes; Z3 rejects more than are open.
    public func pop(_ levels: UInt32 = 1) throws(SMTError) {
        Z3_solver_pop(context.raw, raw, levels)
        try context.check()
    }

    /// The number of open scopes.
    public var scopes: UInt32 { Z3_solver_get_num_scopes(context.raw, raw) }

    /// Adds a Boolean assertion (in the current scope).
    public func assert(_ e: Expr) throws(SMTError) {
        try context.own(e)
        Z3_solver_assert(context.raw, raw, e.ast)
        try context.check()
    }

    /// Checks the assertions. A query still running after
    /// `timeoutMilliseconds` ends as `.unknown` with Z3's reason ("timeout"
    /// or "canceled"), and the solver stays usable: pop the scope and go on.
    /// `UInt32.max` means no limit.
    public func check(timeoutMilliseconds: UInt32 = 10_000) throws(SMTError) -> Result {
        let c = context.raw
        if timeoutInEffect != timeoutMilliseconds {
            // "ctrl_c" off: otherwise Z3 takes over SIGINT during every check
            // (two syscalls each), and Ctrl-C in the CLI would only cancel
            // the current query instead of ending the run.
            guard let params = Z3_mk_params(c) else { try context.check(); throw .wrapper("Z3 made no parameter set") }
            Z3_params_inc_ref(c, params)
            Z3_params_set_uint(c, params, context.symbol("timeout"), timeoutMilliseconds)
            Z3_params_set_bool(c, params, context.symbol("ctrl_c"), false)
            Z3_solver_set_params(c, raw, params)
            Z3_params_dec_ref(c, params)
            try context.check()
            timeoutInEffect = timeoutMilliseconds
        }
        let answer = Z3_solver_check(c, raw)
        try context.check()
        switch answer {
        case Z3_L_TRUE:
            let m = Z3_solver_get_model(c, raw)
            try context.check()
            guard let m else { throw .wrapper("sat without a model") }
            return .sat(Model(context, m))
        case Z3_L_FALSE:
            return .unsat
        default:
            return .unknown(context.string(Z3_solver_get_reason_unknown(c, raw)))
        }
    }

    /// The assertions in SMT-LIB form, for debugging an obligation; copied at
    /// once.
    public var description: String { context.string(Z3_solver_to_string(context.raw, raw)) }
}

/// A satisfying assignment, kept alive by one reference count (models are
/// always caller-counted in Z3, reference pitfall 3).
public final class Model: CustomStringConvertible {
    let context: SMTContext
    let raw: Z3_model
    /// Terms replaced before every evaluation (see `substituting`).
    let from: [Expr], to: [Expr]

    init(_ context: SMTContext, _ raw: Z3_model, from: [Expr] = [], to: [Expr] = []) {
        self.context = context
        self.raw = raw
        self.from = from
        self.to = to
        Z3_model_inc_ref(context.raw, raw)
    }

    /// This model with `from[i]` valued as `to[i]` (evaluated in this
    /// model): a model changed at a few constants, e.g. arrays given other
    /// values outside the indices a formula reads.
    public func substituting(_ from: [Expr], _ to: [Expr]) -> Model {
        Model(context, raw, from: self.from + from, to: self.to + to)
    }

    deinit { Z3_model_dec_ref(context.raw, raw) }

    /// Z3's listing of the model, copied at once: Z3's string is only valid
    /// until the next call.
    public var description: String { context.string(Z3_model_to_string(context.raw, raw)) }

    /// The value of `e` in this model. With `completion` (the default),
    /// constants the model leaves open get a default value, so the result is
    /// a literal; without it they stay symbolic.
    public func eval(_ e: Expr, completion: Bool = true) throws(SMTError) -> Expr {
        try context.own(e)
        let term = from.isEmpty ? e : try e.substitute(from, to)
        var out: Z3_ast?
        let ok = Z3_model_eval(context.raw, raw, term.ast, completion, &out)
        try context.check()
        guard ok, let out else { throw .wrapper("the model cannot evaluate \(e)") }
        return Expr(context, out)
    }

    /// The value of a bit-vector term of at most 64 bits.
    public func uint64(_ e: Expr) throws(SMTError) -> UInt64 {
        let v = try eval(e)
        var n: UInt64 = 0
        let ok = Z3_get_numeral_uint64(context.raw, v.ast, &n)
        try context.check()
        guard ok else { throw .wrapper("\(v) is not a numeral of at most 64 bits") }
        return n
    }

    /// The value of a Boolean term.
    public func bool(_ e: Expr) throws(SMTError) -> Bool {
        let v = try eval(e)
        let value = Z3_get_bool_value(context.raw, v.ast)
        try context.check()
        switch value {
        case Z3_L_TRUE: return true
        case Z3_L_FALSE: return false
        default: throw .wrapper("\(v) is not a Boolean value")
        }
    }
}

/// Not `Sendable`: a Z3 context must stay on one thread (see `SMTContext`).
@available(*, unavailable)
extension Solver: Sendable {}

/// Not `Sendable`: a Z3 context must stay on one thread (see `SMTContext`).
@available(*, unavailable)
extension Model: Sendable {}

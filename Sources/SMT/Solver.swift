import CZ3

/// An incremental solver for quantifier-free arrays and bit vectors
/// (`QF_AUFBV`): long-lived, with push/pop, about 90 µs a check against
/// milliseconds for a fresh default solver (reference §1, §6).
public final class Solver {
    let context: SMTContext
    let raw: Z3_solver

    public enum Result {
        case sat(Model)
        case unsat
        /// Z3's reason, e.g. "timeout" or "canceled".
        case unknown(String)
    }

    public init(_ context: SMTContext, logic: String = "QF_AUFBV") throws(SMTError) {
        self.context = context
        let s = Z3_mk_solver_for_logic(context.raw, context.symbol(logic))
        try context.check()
        guard let s else { throw SMTError(code: -1, message: "Z3 made no solver for logic \(logic)") }
        raw = s
        Z3_solver_inc_ref(context.raw, raw)
    }

    deinit { Z3_solver_dec_ref(context.raw, raw) }

    public func push() { Z3_solver_push(context.raw, raw) }

    public func pop(_ levels: UInt32 = 1) throws(SMTError) {
        Z3_solver_pop(context.raw, raw, levels)
        try context.check()
    }

    public func assert(_ e: Expr) throws(SMTError) {
        Z3_solver_assert(context.raw, raw, e.ast)
        try context.check()
    }

    /// Checks the assertions; a query that runs past `timeoutMilliseconds`
    /// ends as `.unknown`.
    public func check(timeoutMilliseconds: UInt32 = 10_000) throws(SMTError) -> Result {
        let c = context.raw
        let params = Z3_mk_params(c)
        Z3_params_inc_ref(c, params)
        Z3_params_set_uint(c, params, context.symbol("timeout"), timeoutMilliseconds)
        Z3_solver_set_params(c, raw, params)
        Z3_params_dec_ref(c, params)
        let answer = Z3_solver_check(c, raw)
        try context.check()
        switch answer {
        case Z3_L_TRUE:
            guard let m = Z3_solver_get_model(c, raw) else { throw SMTError(code: -1, message: "sat without a model") }
            try context.check()
            return .sat(Model(context, m))
        case Z3_L_FALSE:
            return .unsat
        default:
            return .unknown(String(cString: Z3_solver_get_reason_unknown(c, raw)))
        }
    }
}

/// A satisfying assignment, kept alive by a reference count.
public final class Model: CustomStringConvertible {
    let context: SMTContext
    let raw: Z3_model

    init(_ context: SMTContext, _ raw: Z3_model) {
        self.context = context
        self.raw = raw
        Z3_model_inc_ref(context.raw, raw)
    }

    deinit { Z3_model_dec_ref(context.raw, raw) }

    /// Copied at once: Z3's string is only valid until the next call.
    public var description: String { String(cString: Z3_model_to_string(context.raw, raw)) }

    /// The value of `e` in this model (unconstrained parts completed).
    public func eval(_ e: Expr) throws(SMTError) -> Expr {
        var out: Z3_ast?
        let ok = Z3_model_eval(context.raw, raw, e.ast, true, &out)
        try context.check()
        guard ok, let out else { throw SMTError(code: -1, message: "the model cannot evaluate \(e)") }
        return Expr(context, out)
    }

    public func uint64(_ e: Expr) throws(SMTError) -> UInt64 {
        let v = try eval(e)
        var n: UInt64 = 0
        guard Z3_get_numeral_uint64(context.raw, v.ast, &n) else { throw SMTError(code: -1, message: "\(v) is not a numeral") }
        return n
    }

    public func bool(_ e: Expr) throws(SMTError) -> Bool {
        let v = try eval(e)
        switch Z3_get_bool_value(context.raw, v.ast) {
        case Z3_L_TRUE: return true
        case Z3_L_FALSE: return false
        default: throw SMTError(code: -1, message: "\(v) is not a Boolean value")
        }
    }
}

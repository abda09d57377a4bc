import CZ3

/// Terms compiled once into a Swift program and then evaluated many times on
/// concrete inputs, without Z3: the differential test of `prove
/// --differential` builds one symbolic step per call over a named pre-state
/// and evaluates it on every explored state, which is far cheaper than
/// building and simplifying the step per state.
///
/// Covered: Boolean connectives, `ite`, equality, the unsigned bit-vector
/// operators of at most 64 bits the symbolic kernel uses, `select`/`store`,
/// constant arrays and one-variable λ. Uninterpreted constants are the
/// program's inputs. Any other term (a quantifier, signed or wider
/// arithmetic, an unknown function) makes `init` throw, so a caller falls
/// back to Z3's simplifier rather than evaluating it wrongly.
public final class TermProgram {
    /// One operation; children are indices of earlier nodes.
    enum Op {
        case literal(Literal)
        case input(Int)
        case variable(Int)
        case lambda(body: Int)
        case apply(Function, [Int])
    }

    enum Function {
        case eq, distinct, not, and, or, xor, implies, ite
        case add, sub, mul, neg, band, bor, bxor, bnot, shl, lshr
        case ule, ult, uge, ugt, concat(lowWidth: UInt32), extract(high: UInt32, low: UInt32), zeroExtend
        case select, store, constArray
    }

    // Written only while compiling, read by every evaluation step: unchecked
    // (see the evaluation state below).
    @exclusivity(unchecked) var ops: [Op] = []
    /// Result width of each bit-vector node (0 for other sorts).
    @exclusivity(unchecked) var widths: [UInt32] = []
    /// Whether a node has no free λ variable (its value is then memoised per run).
    @exclusivity(unchecked) var closed: [Bool] = []
    /// The compiled terms, in the order given.
    public private(set) var roots: [Int] = []
    /// The names of the uninterpreted constants, in input order.
    public private(set) var inputNames: [String] = []

    // Evaluation state (TermEvaluation.swift): a memo entry is valid when
    // its stamp equals the current generation.
    // Unchecked: only `evaluate` and `read` touch them, never reentrantly
    // from outside (dynamic exclusivity checks were a tenth of the run).
    @exclusivity(unchecked) var stamps: [UInt32] = []
    @exclusivity(unchecked) var memo: [TermValue] = []
    @exclusivity(unchecked) var generation: UInt32 = 0
    @exclusivity(unchecked) var inputs: [TermValue] = []

    let context: SMTContext
    private var index: [UInt32: Int] = [:]
    private var depth: [Int] = []
    private var keep: [Expr] = []

    public init(_ terms: [Expr]) throws(SMTError) {
        guard let first = terms.first else { throw .wrapper("evaluation: no term to compile") }
        context = first.context
        for t in terms {
            try context.own(t)
            roots.append(try compile(t))
        }
        index = [:]
        keep = []
    }

    public var nodeCount: Int { ops.count }

    // MARK: - Compilation

    private func wrap(_ a: Z3_ast?) throws(SMTError) -> Expr { try context.expr(a) }

    private func add(_ op: Op, width: UInt32, freeDepth: Int, for e: Expr) -> Int {
        ops.append(op)
        widths.append(width)
        closed.append(freeDepth == 0)
        depth.append(freeDepth)
        index[Z3_get_ast_id(context.raw, e.ast)] = ops.count - 1
        keep.append(e)
        return ops.count - 1
    }

    private func compile(_ e: Expr) throws(SMTError) -> Int {
        let c = context.raw
        if let done = index[Z3_get_ast_id(c, e.ast)] { return done }
        let sort = Z3_get_sort(c, e.ast)
        var width: UInt32 = 0
        if Z3_get_sort_kind(c, sort) == Z3_BV_SORT {
            width = Z3_get_bv_sort_size(c, sort)
            guard width <= 64 else { throw .wrapper("evaluation: a bit vector wider than 64 bits") }
        }
        switch Z3_get_ast_kind(c, e.ast) {
        case Z3_VAR_AST:
            let i = Int(Z3_get_index_value(c, e.ast))
            return add(.variable(i), width: width, freeDepth: i + 1, for: e)
        case Z3_QUANTIFIER_AST:
            guard Z3_is_lambda(c, e.ast), Z3_get_quantifier_num_bound(c, e.ast) == 1 else {
                throw .wrapper("evaluation: a quantifier or a λ of several variables")
            }
            let body = try compile(wrap(Z3_get_quantifier_body(c, e.ast)))
            return add(.lambda(body: body), width: width, freeDepth: max(0, depth[body] - 1), for: e)
        case Z3_NUMERAL_AST, Z3_APP_AST:
            if let value = context.literal(e.ast) { return add(.literal(value), width: width, freeDepth: 0, for: e) }
            return try compileApp(e, width)
        default:
            throw .wrapper("evaluation: an unsupported term \(e)")
        }
    }

    private func compileApp(_ e: Expr, _ width: UInt32) throws(SMTError) -> Int {
        let c = context.raw
        guard let app = Z3_to_app(c, e.ast) else { throw .wrapper("evaluation: not an application: \(e)") }
        let decl = Z3_get_app_decl(c, app)
        let n = Z3_get_app_num_args(c, app)
        let kind = Z3_get_decl_kind(c, decl)
        if kind == Z3_OP_UNINTERPRETED && n == 0 {
            let name = context.string(Z3_get_symbol_string(c, Z3_get_decl_name(c, decl)))
            inputNames.append(name)
            return add(.input(inputNames.count - 1), width: width, freeDepth: 0, for: e)
        }
        var args: [Int] = []
        for i in 0..<n { args.append(try compile(wrap(Z3_get_app_arg(c, app, i)))) }
        let f: Function
        switch kind {
        case Z3_OP_EQ, Z3_OP_IFF: f = .eq
        case Z3_OP_DISTINCT: f = .distinct
        case Z3_OP_NOT: f = .not
        case Z3_OP_AND: f = .and
        case Z3_OP_OR: f = .or
        case Z3_OP_XOR: f = .xor
        case Z3_OP_IMPLIES: f = .implies
        case Z3_OP_ITE: f = .ite
        case Z3_OP_BADD: f = .add
        case Z3_OP_BSUB: f = .sub
        case Z3_OP_BMUL: f = .mul
        case Z3_OP_BNEG: f = .neg
        case Z3_OP_BAND: f = .band
        case Z3_OP_BOR: f = .bor
        case Z3_OP_BXOR: f = .bxor
        case Z3_OP_BNOT: f = .bnot
        case Z3_OP_BSHL: f = .shl
        case Z3_OP_BLSHR: f = .lshr
        case Z3_OP_ULEQ: f = .ule
        case Z3_OP_ULT: f = .ult
        case Z3_OP_UGEQ: f = .uge
        case Z3_OP_UGT: f = .ugt
        case Z3_OP_CONCAT where n == 2: f = .concat(lowWidth: widths[args[1]])
        case Z3_OP_EXTRACT:
            f = .extract(high: UInt32(Z3_get_decl_int_parameter(c, decl, 0)), low: UInt32(Z3_get_decl_int_parameter(c, decl, 1)))
        case Z3_OP_ZERO_EXT: f = .zeroExtend
        case Z3_OP_SELECT where n == 2: f = .select
        case Z3_OP_STORE where n == 3: f = .store
        case Z3_OP_CONST_ARRAY where n == 1: f = .constArray
        default: throw .wrapper("evaluation: an unsupported operator in \(e)")
        }
        try context.check()
        return add(.apply(f, args), width: width, freeDepth: args.map { depth[$0] }.max() ?? 0, for: e)
    }
}

/// Not `Sendable`: it was compiled from one context's terms.
@available(*, unavailable)
extension TermProgram: Sendable {}

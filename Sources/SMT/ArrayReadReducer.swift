import CZ3

/// Rewrites every array read `select(a, i)` of a term down to reads of
/// array *constants*: through `store` (an `ite` on the index), `ite` (both
/// branches), constant arrays (their value) and λ-terms (β-reduction).
///
/// Why: a quantifier-free query whose arrays are built from λ-terms (the
/// symbolic kernel's whole-table updates) is outside Z3's decidable array
/// fragment. Z3 4.8.12 proves such queries `unsat` quickly but on
/// satisfiable ones answers "incomplete (theory array)" (QF_AUFBV) or runs
/// out of time (the general solver); its own rewriter does not push reads
/// through `ite` of a λ and a constant. After this rewrite only reads of
/// array constants remain, so models come back. Array terms that are not
/// read (an equality between two whole arrays) are left as they are.
///
/// One reducer shares its memo over every term it rewrites, so the reads of
/// a long concrete store chain are unfolded once per index.
public final class ArrayReadReducer {
    let context: SMTContext
    // Memo tables keyed by AST ids. An id is unique only while its AST is
    // alive, so each entry also keeps its key terms alive.
    private var terms: [UInt32: (key: Expr, value: Expr)] = [:]
    private var reads: [UInt64: (keys: [Expr], value: Expr)] = [:]
    /// The indices at which each uninterpreted array constant is read in
    /// the reduced terms (keyed by the constant's AST id).
    private var constantReads: [UInt32: (array: Expr, indices: [Expr])] = [:]
    /// The same index terms in the order they were first read (dictionary
    /// order is seeded per process; callers need the same order every run).
    private var readOrder: [Expr] = []

    public init(_ context: SMTContext) { self.context = context }

    /// `e` with every read reduced.
    public func reduce(_ e: Expr) throws(SMTError) -> Expr {
        try context.own(e)
        return try reduce(raw: e)
    }

    /// Every index term at which the array constant `a` has been read in a
    /// reduced term so far (a model's values there are what the reduced
    /// formulas depend on).
    public func readIndices(of a: Expr) -> [Expr] { constantReads[id(a)]?.indices ?? [] }

    /// Every index term at which any array constant has been read.
    public var allReadIndices: [Expr] { readOrder }

    private var depths: [UInt32: (key: Expr, depth: Int)] = [:]

    /// How deeply array reads nest in `e` (0 for a term without reads):
    /// memoised over the term DAG, so shared subterms are walked once.
    public func readDepth(_ e: Expr) -> Int {
        let c = context.raw
        let key = id(e)
        if let done = depths[key] { return done.depth }
        var depth = 0
        if Z3_get_ast_kind(c, e.ast) == Z3_APP_AST, let app = Z3_to_app(c, e.ast) {
            for i in 0..<Z3_get_app_num_args(c, app) {
                guard let arg = Z3_get_app_arg(c, app, i) else { continue }
                depth = max(depth, readDepth(Expr(context, arg)))
            }
            if Z3_get_decl_kind(c, Z3_get_app_decl(c, app)) == Z3_OP_SELECT { depth += 1 }
        }
        depths[key] = (e, depth)
        return depth
    }

    private func id(_ e: Expr) -> UInt32 { Z3_get_ast_id(context.raw, e.ast) }

    private func wrap(_ ast: Z3_ast?) throws(SMTError) -> Expr { try context.expr(ast) }

    private func reduce(raw e: Expr) throws(SMTError) -> Expr {
        let c = context.raw
        let key = id(e)
        if let done = terms[key] { return done.value }
        var out = e
        if Z3_get_ast_kind(c, e.ast) == Z3_APP_AST, let app = Z3_to_app(c, e.ast) {
            let n = Z3_get_app_num_args(c, app)
            if n > 0 {
                var args: [Expr] = []
                var changed = false
                for i in 0..<n {
                    let a = try wrap(Z3_get_app_arg(c, app, i))
                    let r = try reduce(raw: a)
                    if r.ast != a.ast { changed = true }
                    args.append(r)
                }
                let kind = Z3_get_decl_kind(c, Z3_get_app_decl(c, app))
                if kind == Z3_OP_SELECT && n == 2 {
                    out = try read(args[0], args[1])
                } else if changed {
                    let asts: [Z3_ast?] = args.map(\.ast)
                    let made = withExtendedLifetime(args) {
                        asts.withUnsafeBufferPointer { Z3_update_term(c, e.ast, UInt32($0.count), $0.baseAddress) }
                    }
                    out = try wrap(made)
                }
            }
        }
        terms[key] = (e, out)
        return out
    }

    /// `select(a, i)` with `a` already reduced.
    private func read(_ a: Expr, _ i: Expr) throws(SMTError) -> Expr {
        let c = context.raw
        let key = UInt64(id(a)) << 32 | UInt64(id(i))
        if let done = reads[key] { return done.value }
        var out: Expr
        if Z3_get_ast_kind(c, a.ast) == Z3_QUANTIFIER_AST && Z3_is_lambda(c, a.ast) && Z3_get_quantifier_num_bound(c, a.ast) == 1 {
            let body = try wrap(Z3_get_quantifier_body(c, a.ast))
            let to: [Z3_ast?] = [i.ast]
            let made = withExtendedLifetime([i, body]) {
                to.withUnsafeBufferPointer { Z3_substitute_vars(c, body.ast, 1, $0.baseAddress) }
            }
            let substituted = try wrap(made)
            out = try reduce(raw: substituted)
        } else if Z3_get_ast_kind(c, a.ast) == Z3_APP_AST, let app = Z3_to_app(c, a.ast) {
            let kind = Z3_get_decl_kind(c, Z3_get_app_decl(c, app))
            let n = Z3_get_app_num_args(c, app)
            func arg(_ k: UInt32) throws(SMTError) -> Expr { try wrap(Z3_get_app_arg(c, app, k)) }
            switch kind {
            case Z3_OP_STORE where n == 3:
                let j = try arg(1), value = try arg(2)
                if j.ast == i.ast {
                    out = value
                } else if Z3_is_numeral_ast(c, j.ast) && Z3_is_numeral_ast(c, i.ast) {
                    out = try read(arg(0), i)
                } else {
                    out = try i.eq(j).ite(value, read(arg(0), i))
                }
            case Z3_OP_ITE where n == 3:
                let x = try read(arg(1), i), y = try read(arg(2), i)
                out = x.ast == y.ast ? x : try arg(0).ite(x, y)
            case Z3_OP_CONST_ARRAY where n == 1:
                out = try arg(0)
            default:
                if kind == Z3_OP_UNINTERPRETED && n == 0 {
                    constantReads[id(a), default: (a, [])].indices.append(i)
                    readOrder.append(i)
                }
                out = try a.select(i)
            }
        } else {
            out = try a.select(i)
        }
        reads[key] = ([a, i], out)
        return out
    }
}

/// Not `Sendable`: a Z3 context must stay on one thread (see `SMTContext`).
@available(*, unavailable)
extension ArrayReadReducer: Sendable {}
